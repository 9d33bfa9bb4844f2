/*
 * Copyright 2026 the Polyroute authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
package io.polyroute.sql;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.metrics.Counter;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * The asynchronous {@code ML_PREDICT} function: collects rows until {@code batch.size} rows wait or
 * the oldest has waited {@code batch.max-delay}, evaluates them as one batch on the function's own
 * thread and completes their futures together. Bad rows complete at once, with an error row (or
 * exceptionally with {@code on-error = fail}).
 *
 * <p>Exactly once: Flink's async operator keeps every row whose future is not complete in its
 * checkpointed state and calls the function again for those rows after a restore; the function
 * itself holds nothing that must survive a failure.
 */
public final class PolyrouteAsyncPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;

    private final ModelSpec spec;

    private transient RowScorer scorer;
    /** Evaluates batches one after another; also runs the delay timer. */
    private transient ScheduledExecutorService worker;

    private transient List<RowScorer.Parsed> pendingRows;
    private transient List<CompletableFuture<Collection<RowData>>> pendingFutures;
    private transient ScheduledFuture<?> timer;
    private transient Counter badRows;
    private transient Counter batches;

    PolyrouteAsyncPredictFunction(ModelSpec spec) {
        this.spec = spec;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        scorer = spec.open(subtask);
        worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "polyroute-predict-" + spec.model() + "-" + subtask);
            t.setDaemon(true);
            return t;
        });
        pendingRows = new ArrayList<>(spec.batchSize());
        pendingFutures = new ArrayList<>(spec.batchSize());
        badRows = context.getMetricGroup().counter("polyrouteBadRows");
        batches = context.getMetricGroup().counter("polyrouteBatches");
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        CompletableFuture<Collection<RowData>> future = new CompletableFuture<>();
        RowScorer.Parsed row = scorer.parse(input);
        if (row.bad()) {
            badRows.inc();
            if (spec.failOnError()) {
                future.completeExceptionally(spec.badRow(row.error()));
            } else {
                future.complete(List.of(scorer.errorRow(row.error())));
            }
            return future;
        }
        synchronized (this) {
            pendingRows.add(row);
            pendingFutures.add(future);
            if (pendingRows.size() >= spec.batchSize()) {
                submitPending();
            } else if (timer == null) {
                timer = worker.schedule(this::flushOnDelay, spec.maxDelay().toNanos(), TimeUnit.NANOSECONDS);
            }
        }
        return future;
    }

    private synchronized void flushOnDelay() {
        timer = null;
        if (!pendingRows.isEmpty()) {
            submitPending();
        }
    }

    /** Hands the waiting rows to the worker as one batch; called with the lock held. */
    private void submitPending() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        List<RowScorer.Parsed> rows = pendingRows;
        List<CompletableFuture<Collection<RowData>>> futures = pendingFutures;
        pendingRows = new ArrayList<>(spec.batchSize());
        pendingFutures = new ArrayList<>(spec.batchSize());
        worker.execute(() -> evaluate(rows, futures));
    }

    private void evaluate(List<RowScorer.Parsed> rows, List<CompletableFuture<Collection<RowData>>> futures) {
        List<RowData> out;
        try {
            out = scorer.evaluate(rows);
        } catch (RuntimeException e) {
            // A batch failure is not the rows' fault (the rows passed every check): fail the task
            // so Flink restarts it from the last checkpoint.
            RuntimeException failure = new IllegalStateException(
                    "Model " + spec.model() + " failed on a batch of " + rows.size() + " rows", e);
            futures.forEach(f -> f.completeExceptionally(failure));
            return;
        }
        batches.inc();
        for (int i = 0; i < futures.size(); i++) {
            futures.get(i).complete(List.of(out.get(i)));
        }
    }

    @Override
    public void close() throws Exception {
        RuntimeException closed = new IllegalStateException("Model " + spec.model() + " function closed");
        synchronized (this) {
            if (pendingFutures != null) {
                pendingFutures.forEach(f -> f.completeExceptionally(closed));
                pendingFutures.clear();
                pendingRows.clear();
            }
        }
        if (worker != null) {
            worker.shutdownNow();
            worker.awaitTermination(10, TimeUnit.SECONDS);
        }
        if (scorer != null) {
            scorer.close();
        }
        super.close();
    }
}
