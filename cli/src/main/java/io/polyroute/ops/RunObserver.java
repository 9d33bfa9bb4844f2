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
package io.polyroute.ops;

import io.polyroute.avro.Prediction;
import io.polyroute.schemas.AvroCodec;
import io.polyroute.schemas.RecordDecodeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the committed ({@code read_committed}) predictions and dead letters of a run from the
 * beginning, feeds them to a {@link PredictionTally}, takes a {@link Sample} twice a second,
 * picks up the kill, fault, heal and mark events the scripts append to the events file, and rewrites the
 * progress file the scripts poll.
 */
final class RunObserver implements AutoCloseable {
    static final long SAMPLE_EVERY_MS = 500;
    private static final long REPORT_EVERY_MS = 5000;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String predictions;
    private final Path events;
    private final Path progress;
    private final List<RecoveryTimes.Kill> kills = new ArrayList<>();
    private final List<Long> heals = new ArrayList<>();
    private final List<Long> window = new ArrayList<>();
    private final List<long[]> latencies = new ArrayList<>();
    private final Map<String, Long> marks = new HashMap<>();
    private int eventLinesRead;
    private long deadLetters;

    RunObserver(Properties kafka, String predictions, String dlq, Path events, Path progress) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.predictions = predictions;
        this.events = events;
        this.progress = progress;
        List<TopicPartition> parts = new ArrayList<>(partitions(predictions));
        if (dlq != null) {
            parts.addAll(partitions(dlq));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /**
     * Reads until every expected prediction arrived and {@code alsoDone} holds, then for
     * {@code settle} more; or until {@code timeout}.
     */
    void follow(
            PredictionTally tally,
            AvroCodec<Prediction> codec,
            Supplier<Sample> sampler,
            Duration settle,
            Duration timeout,
            BooleanSupplier alsoDone) {
        long start = System.currentTimeMillis();
        long nextSample = 0;
        long nextReport = start + REPORT_EVERY_MS;
        long doneAt = -1;
        while (true) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (!r.topic().equals(predictions)) {
                    deadLetters++;
                    continue;
                }
                try {
                    Prediction p = codec.decode(r.value());
                    tally.add(p);
                    window.add(p.getProcessedTime().toEpochMilli()
                            - p.getEventTime().toEpochMilli());
                } catch (RecordDecodeException e) {
                    tally.addUndecodable();
                }
            }
            long now = System.currentTimeMillis();
            if (now >= nextSample) {
                nextSample = now + SAMPLE_EVERY_MS;
                Sample s = sampler.get();
                if (!window.isEmpty()) {
                    Collections.sort(window);
                    latencies.add(new long[] {now, window.get(window.size() / 2)});
                    window.clear();
                }
                readEvents();
                writeProgress(tally, s);
                if (now >= nextReport) {
                    nextReport = now + REPORT_EVERY_MS;
                    System.out.printf(
                            Locale.ROOT,
                            "verify: +%ds committed=%d distinct=%d/%d restarts=%d lag=%d%s%n",
                            (now - start) / 1000,
                            tally.total(),
                            tally.distinct(),
                            tally.expected(),
                            s.restarts(),
                            s.lag(),
                            s.heapUsed() < 0 ? "" : " heap_mb=" + (s.heapUsed() >> 20));
                }
                boolean done = tally.distinct() == tally.expected() && alsoDone.getAsBoolean();
                doneAt = done ? (doneAt < 0 ? now : doneAt) : -1;
                if (doneAt >= 0 && now - doneAt >= settle.toMillis()) {
                    return;
                }
                if (now - start > timeout.toMillis()) {
                    System.out.println("verify: timed out after " + timeout.toSeconds() + " s");
                    return;
                }
            }
        }
    }

    List<RecoveryTimes.Kill> kills() {
        readEvents();
        return List.copyOf(kills);
    }

    /**
     * End-to-end latency (processed_time - event_time) over the run: one {@code {millis, median
     * ms}} pair per sample interval in which predictions arrived, in time order.
     */
    List<long[]> latencies() {
        return List.copyOf(latencies);
    }

    /** The times network faults ended ({@code heal} events), in order: the n-th heals the n-th fault. */
    List<Long> heals() {
        readEvents();
        return List.copyOf(heals);
    }

    /** The time of the named mark event, -1 when the scripts did not record it. */
    long mark(String name) {
        readEvents();
        return marks.getOrDefault(name, -1L);
    }

    /** Every mark event, name → time, in the order the scripts recorded them. */
    Map<String, Long> marks() {
        readEvents();
        return Map.copyOf(marks);
    }

    long deadLetters() {
        return deadLetters;
    }

    private void readEvents() {
        if (events == null || !Files.exists(events)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(events, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the events file " + events + ": " + e.getMessage(), e);
        }
        for (; eventLinesRead < lines.size(); eventLinesRead++) {
            String[] f = lines.get(eventLinesRead).trim().split("\\s+", 3);
            if (f.length < 3) {
                continue;
            }
            long millis = Long.parseLong(f[0]);
            if (f[1].equals("kill") || f[1].equals("fault")) {
                kills.add(new RecoveryTimes.Kill(millis, f[2], f[1].equals("fault")));
            } else if (f[1].equals("heal")) {
                heals.add(millis);
            } else if (f[1].equals("mark")) {
                marks.put(f[2], millis);
            }
        }
    }

    private void writeProgress(PredictionTally tally, Sample s) {
        if (progress == null) {
            return;
        }
        try {
            Path tmp = progress.resolveSibling(progress.getFileName() + ".tmp");
            Files.writeString(tmp, tally.distinct() + " " + tally.total() + " " + s.restarts() + " " + s.lag() + "\n");
            Files.move(tmp, progress, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the progress file " + progress + ": " + e.getMessage(), e);
        }
    }

    private List<TopicPartition> partitions(String topic) {
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            List<PartitionInfo> infos;
            try {
                infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            } catch (TimeoutException e) {
                continue; // brokers still electing leaders, or briefly unreachable: ask again
            }
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
            }
        }
        throw new IllegalStateException("Topic '" + topic + "' did not appear within 60 s.");
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
