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
package io.polyroute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.SensorReading;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.testing.JobHarness;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.LeakCheckExtension;
import io.polyroute.testing.SqrtExpertBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart through {@link JobLauncher} (what {@code polyroute run} does) resumes exactly once: the
 * job is stopped with a savepoint and resumed with {@link JobRestore#fromSavepoint}, then cancelled
 * and resumed with {@link JobRestore#latestCheckpoint}. Each time, event ids sent before the
 * restart and sent again after it are {@code DUPLICATE} dead letters, because the dedupe state
 * survived; a fresh start would have predicted them a second time.
 */
@Timeout(300)
@ExtendWith(LeakCheckExtension.class)
class ResumeITCase {
    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path dir;

    @Test
    void shouldKeepDedupeStateAcrossASavepointAndTheLatestCheckpoint() throws Exception {
        ModelBundle bundle = SqrtExpertBundle.write(dir.resolve("bundle"), List.of("press", "lathe"));
        JobConfig config = JobHarness.withControlTopics(JobConfig.of(Map.of(
                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "topics.input", KAFKA.createRandomTopic("resume-in", 2),
                "topics.output", KAFKA.createRandomTopic("resume-out", 2),
                "topics.dlq", KAFKA.createRandomTopic("resume-dlq", 1),
                "job.name", "resume-" + System.nanoTime(),
                "job.mode", "fused",
                "job.parallelism", "2",
                "job.checkpoint-interval", "300 ms",
                "job.checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                "bundle.path", bundle.root().toString())));
        String input = config.get(TopicsOptions.INPUT);
        String output = config.get(TopicsOptions.OUTPUT);
        String dlq = config.get(TopicsOptions.DLQ);
        List<SensorReading> first = JobHarness.randomReadings("a", 200, SqrtExpertBundle.INPUT_DIM, tasks(), 1);
        List<SensorReading> second = JobHarness.randomReadings("b", 20, SqrtExpertBundle.INPUT_DIM, tasks(), 2);
        List<SensorReading> third = JobHarness.randomReadings("c", 20, SqrtExpertBundle.INPUT_DIM, tasks(), 3);

        KAFKA.produceValues(input, JobHarness.encode(first));
        JobClient job = start(config, bundle, JobRestore.NONE);
        JobHarness.predictionsById(KAFKA, output, first.size(), WAIT);
        String savepoint = job.stopWithSavepoint(
                        false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                .get();

        // Ten ids seen before the stop, sent again, and twenty new ones.
        KAFKA.produceValues(input, JobHarness.encode(concat(first.subList(0, 10), second)));
        job = start(config, bundle, JobRestore.fromSavepoint(savepoint, false));
        assertDuplicates(dlq, 10);
        Map<String, Prediction> afterSavepoint = JobHarness.predictionsById(KAFKA, output, 220, WAIT);
        JobHarness.assertAnswersExactly(afterSavepoint, concat(first, second));
        job.cancel().get();

        KAFKA.produceValues(input, JobHarness.encode(concat(second.subList(0, 5), third)));
        job = start(config, bundle, JobRestore.latestCheckpoint(config, false));
        try {
            assertDuplicates(dlq, 15);
            Map<String, Prediction> afterCheckpoint = JobHarness.predictionsById(KAFKA, output, 240, WAIT);
            JobHarness.assertAnswersExactly(afterCheckpoint, concat(concat(first, second), third));
        } finally {
            job.cancel().get();
        }
    }

    private static JobClient start(JobConfig config, ModelBundle bundle, JobRestore restore) throws Exception {
        return JobLauncher.start(JobLauncher.environment(config, null, restore), config, bundle);
    }

    private static void assertDuplicates(String dlq, int count) {
        List<DeadLetter> letters = JobHarness.deadLetters(KAFKA, dlq, count, WAIT);
        assertThat(letters)
                .hasSize(count)
                .allSatisfy(d -> assertThat(d.getReason()).isEqualTo(DeadLetterReason.DUPLICATE));
    }

    private static List<String> tasks() {
        return List.of("press", "lathe");
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
