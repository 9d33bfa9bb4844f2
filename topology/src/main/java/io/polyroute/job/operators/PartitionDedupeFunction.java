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
package io.polyroute.job.operators;

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.Rejected;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple4;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Deduplication per Kafka partition ({@code dedupe.scope=partition}): chained right after decoding,
 * with no shuffle, each subtask remembers the event ids it read from each Kafka partition within
 * the horizon and sends a repeat <em>from the same partition</em> to the dead-letter topic as
 * {@code DUPLICATE}, with the same reason text as {@link DedupeFunction}. Only correct when every
 * copy of an event id lands on the same partition (producers key by event id); a repeat on another
 * partition is not caught.
 *
 * <p><b>Memory and expiry.</b> Per partition, the 128-bit {@link EventKey} hashes of the ids with
 * their first-seen processing time, in insertion order, in primitive arrays ({@link SeenIdTable}). Each record first drops the expired
 * entries at the head, so the sweep costs in proportion to inserts, and an id is served again once
 * {@code dedupe.horizon} has passed since its first sighting.
 *
 * <p><b>Restarts and rescaling.</b> The ids are operator union list state, one element per
 * partition: {@code (topic, partition, read here, [hash high, hash low, first seen]*)}. A restore
 * hands every subtask the whole list, whatever the new parallelism; a subtask adopts a partition's
 * ids when it reads the first record of that partition, so the ids follow the partition to
 * whichever subtask the Kafka source gives it. A partition restored but not read (yet) by any
 * subtask is written by one deterministic subtask (hash of topic and partition modulo the
 * parallelism) until its ids expire, so an idle partition's ids are not lost either; when a
 * partition was read since the restore, the reading subtask's copy wins on the next restore.
 */
public final class PartitionDedupeFunction extends ProcessFunction<InFlight, InFlight> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Name of the union list state. */
    static final String STATE_NAME = "dedupe-partition-ids";

    /** One element of the state: topic, partition, whether a subtask reads it, packed entries. */
    static final TypeInformation<Tuple4<String, Integer, Boolean, long[]>> STATE_TYPE =
            Types.TUPLE(Types.STRING, Types.INT, Types.BOOLEAN, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);

    private final Duration horizon;
    private final long horizonMillis;
    private transient Map<SourcePartition, SeenIdTable> read;
    private transient Map<SourcePartition, long[]> restored;
    private transient ListState<Tuple4<String, Integer, Boolean, long[]>> state;
    private transient long latestTime;
    /** The partition of the previous record and its ids: a subtask reads runs of records from one partition. */
    private transient SourcePartition lastPartition;

    private transient SeenIdTable lastIds;
    private transient Counter duplicates;
    private transient Counter rejected;

    public PartitionDedupeFunction(Duration horizon) {
        if (horizon.isNegative() || horizon.isZero()) {
            throw new IllegalArgumentException("dedupe.horizon must be positive, but is " + horizon + ".");
        }
        this.horizon = horizon;
        this.horizonMillis = horizon.toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
        state = ctx.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>(STATE_NAME, STATE_TYPE));
        read = new HashMap<>();
        restored = new HashMap<>();
        latestTime = Long.MIN_VALUE;
        if (!ctx.isRestored()) {
            return;
        }
        Map<SourcePartition, List<long[]>> readCopies = new HashMap<>();
        Map<SourcePartition, List<long[]>> keptCopies = new HashMap<>();
        for (Tuple4<String, Integer, Boolean, long[]> e : state.get()) {
            SourcePartition p = new SourcePartition(e.f0, e.f1);
            (e.f2 ? readCopies : keptCopies)
                    .computeIfAbsent(p, k -> new ArrayList<>())
                    .add(e.f3);
        }
        keptCopies.forEach((p, copies) -> restored.put(p, merge(copies)));
        // A partition read by a subtask since the previous restore: that subtask's copy is current.
        readCopies.forEach((p, copies) -> restored.put(p, merge(copies)));
        for (long[] entries : restored.values()) {
            for (int i = 2; i < entries.length; i += 3) {
                latestTime = Math.max(latestTime, entries[i]);
            }
        }
    }

    @Override
    public void open(OpenContext ctx) {
        duplicates = getRuntimeContext().getMetricGroup().counter(JobMetrics.DUPLICATES);
        rejected = getRuntimeContext().getMetricGroup().counter(JobMetrics.RECORDS_REJECTED);
    }

    @Override
    public void processElement(InFlight rec, Context ctx, Collector<InFlight> out) {
        long now = ctx.timerService().currentProcessingTime();
        latestTime = Math.max(latestTime, now);
        SeenIdTable ids = idsOf(rec);
        ids.expire(now - horizonMillis);
        long[] key = EventKey.hash(rec.eventId);
        if (!ids.addIfAbsent(key[0], key[1], now, now - horizonMillis)) {
            duplicates.inc();
            rejected.inc();
            ctx.output(
                    DeadLetters.TAG,
                    Rejected.of(
                            rec,
                            DeadLetterReason.DUPLICATE.name(),
                            "Event id " + rec.eventId + " was already received within the dedupe horizon of " + horizon
                                    + "."));
            return;
        }
        out.collect(rec);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
        long cutoff = latestTime == Long.MIN_VALUE ? Long.MIN_VALUE : latestTime - horizonMillis;
        List<Tuple4<String, Integer, Boolean, long[]>> out = new ArrayList<>(read.size() + restored.size());
        for (Map.Entry<SourcePartition, SeenIdTable> e : read.entrySet()) {
            e.getValue().expire(cutoff);
            out.add(Tuple4.of(
                    e.getKey().topic(),
                    e.getKey().partition(),
                    true,
                    e.getValue().toArray()));
        }
        int subtask = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int parallelism = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        for (Iterator<Map.Entry<SourcePartition, long[]>> it =
                        restored.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<SourcePartition, long[]> e = it.next();
            long[] live = unexpired(e.getValue(), cutoff);
            if (live.length == 0) {
                it.remove();
                continue;
            }
            e.setValue(live);
            if (e.getKey().keeper(parallelism) == subtask) {
                out.add(Tuple4.of(e.getKey().topic(), e.getKey().partition(), false, live));
            }
        }
        state.update(out);
    }

    /** The ids of the record's partition, adopting the restored ones at its first record here. */
    private SeenIdTable idsOf(InFlight rec) {
        String topic = rec.topic == null ? "" : rec.topic;
        if (lastIds != null && rec.partition == lastPartition.partition() && topic.equals(lastPartition.topic())) {
            return lastIds;
        }
        SourcePartition p = new SourcePartition(topic, rec.partition);
        SeenIdTable ids = read.get(p);
        if (ids == null) {
            ids = new SeenIdTable();
            long[] entries = restored.remove(p);
            if (entries != null) {
                ids.addAll(entries);
            }
            read.put(p, ids);
        }
        lastPartition = p;
        lastIds = ids;
        return ids;
    }

    /** The entries of several copies of one partition, each id once with its earliest sighting, by time. */
    private static long[] merge(List<long[]> copies) {
        if (copies.size() == 1) {
            return copies.get(0);
        }
        List<long[]> triples = new ArrayList<>();
        for (long[] c : copies) {
            for (int i = 0; i + 2 < c.length; i += 3) {
                triples.add(new long[] {c[i], c[i + 1], c[i + 2]});
            }
        }
        triples.sort(Comparator.comparingLong(t -> t[2]));
        SeenIdTable ids = new SeenIdTable();
        for (long[] t : triples) {
            ids.addIfAbsent(t[0], t[1], t[2], Long.MIN_VALUE);
        }
        return ids.toArray();
    }

    private static long[] unexpired(long[] entries, long cutoff) {
        int n = 0;
        long[] out = new long[entries.length];
        for (int i = 0; i + 2 < entries.length; i += 3) {
            if (entries[i + 2] > cutoff) {
                out[n++] = entries[i];
                out[n++] = entries[i + 1];
                out[n++] = entries[i + 2];
            }
        }
        return n == out.length ? entries : java.util.Arrays.copyOf(out, n);
    }

    /** A Kafka topic partition. */
    record SourcePartition(String topic, int partition) {
        /** The subtask that keeps this partition's restored ids while no subtask reads it. */
        int keeper(int parallelism) {
            return Math.floorMod(31 * topic.hashCode() + partition, parallelism);
        }
    }
}
