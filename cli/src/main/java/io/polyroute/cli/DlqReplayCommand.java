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
package io.polyroute.cli;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.TopicsOptions;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code polyroute dlq replay}: re-publish the original bytes of chosen dead letters. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Re-publish the original key and value bytes of the committed dead letters with the given reasons to the"
                    + " input topic (topics.input, or --to), e.g. after deploying a bundle that accepts them. Each is"
                    + " served again like a new record; a DUPLICATE replayed within dedupe.horizon of the first"
                    + " sighting of its event id is refused again."
        })
final class DlqReplayCommand implements Callable<Integer> {
    @Option(
            names = "--reason",
            required = true,
            split = ",",
            paramLabel = "REASON",
            description = "Replay dead letters with these reasons, e.g. --reason MODEL_ERROR,UNKNOWN_TASK.")
    Set<DeadLetterReason> reasons;

    @Option(
            names = "--since",
            paramLabel = "TIME",
            description = "Only dead letters written since TIME: an instant (2026-05-01T10:00:00Z) or a time back "
                    + "from now (15m, 2h, 1d) (default: the whole topic).")
    String since;

    @Option(
            names = "--to",
            paramLabel = "TOPIC",
            description = "Topic to publish to (default: the job's topics.input).")
    String to;

    @Option(names = "--dry-run", description = "Count what would be replayed, publish nothing.")
    boolean dryRun;

    @Mixin
    DlqOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        JobConfig job = options.job();
        String target = to != null ? to : job.get(TopicsOptions.INPUT);
        String dlq = DlqOptions.dlqTopic(job);
        if (target.equals(dlq)) {
            throw new IllegalArgumentException(
                    "Replaying the dead-letter topic '" + dlq + "' into itself would loop; choose another --to.");
        }
        List<DeadLetter> chosen = new ArrayList<>();
        new DeadLetterReader(DlqOptions.clientProperties(job), dlq, DlqOptions.deadLetters(job), options.timeout())
                .read(
                        DlqOptions.since(since, Instant.now()),
                        d -> {
                            if (reasons.contains(d.getReason())) {
                                chosen.add(d);
                            }
                        },
                        bad -> spec.commandLine().getErr().println("polyroute dlq: skipped undecodable record " + bad));
        PrintWriter out = spec.commandLine().getOut();
        if (!dryRun && !chosen.isEmpty()) {
            publish(job, target, chosen);
        }
        out.println("polyroute dlq: " + (dryRun ? "would replay " : "replayed ") + chosen.size() + " dead letter"
                + (chosen.size() == 1 ? "" : "s") + " with reason " + reasons + " from '" + dlq + "' to '" + target
                + "'");
        out.flush();
        return 0;
    }

    private void publish(JobConfig job, String target, List<DeadLetter> chosen) throws Exception {
        Properties p = job.kafkaClientProperties();
        p.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (DeadLetter d : chosen) {
                sent.add(producer.send(new ProducerRecord<>(target, bytes(d.getKey()), bytes(d.getValue()))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get(options.timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        ByteBuffer copy = b.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
