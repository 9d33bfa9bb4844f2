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
package io.polyroute.job.config;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** Layout, parallelism and checkpointing of the Flink job. */
public final class JobOptions {

    public static final ConfigOption<JobMode> MODE = ConfigOptions.key("job.mode")
            .enumType(JobMode.class)
            .defaultValue(JobMode.EXPERT_PARALLEL)
            .withDescription("Layout of the job: expert-parallel runs gate, experts and combine as separate "
                    + "operators; fused runs them inside one operator per subtask.");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("job.parallelism")
            .intType()
            .defaultValue(2)
            .withDescription("Parallelism of the source, decode, gate, combine and sink operators.");

    public static final ConfigOption<Integer> SLOTS = ConfigOptions.key("job.slots")
            .intType()
            .defaultValue(2)
            .withDescription("Parallelism of the expert operator; each subtask is one placement slot.");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("job.checkpoint-interval")
            .durationType()
            .defaultValue(Duration.ofSeconds(1))
            .withDescription("Time between checkpoints. Predictions become visible to read_committed "
                    + "consumers when a checkpoint completes.");

    public static final ConfigOption<String> CHECKPOINT_DIR = ConfigOptions.key("job.checkpoint-dir")
            .stringType()
            .noDefaultValue()
            .withDescription("Where checkpoints are written (a URI: file:///..., s3://..., hdfs://...). "
                    + "Unset on a cluster: the cluster's setting. Unset on the local MiniCluster: a folder "
                    + "under the system temp directory, because Flink's in-memory fallback refuses state "
                    + "above 5 MB, which the dedupe state passes at a few hundred thousand ids.");

    public static final ConfigOption<StateBackendKind> STATE_BACKEND = ConfigOptions.key("job.state-backend")
            .enumType(StateBackendKind.class)
            .defaultValue(StateBackendKind.HASHMAP)
            .withDescription("Flink state backend of the job's keyed state (the global dedupe table, COMBINE): "
                    + "hashmap (Java heap, every checkpoint writes the whole state), rocksdb (embedded RocksDB, "
                    + "incremental checkpoints), forst (Flink's ForSt, incremental checkpoints; in the Flink "
                    + "distribution, so on clusters only). Set in the job file or with --set it wins; unset, a job "
                    + "submitted into a cluster keeps the cluster's state.backend.type and local runs use the "
                    + "default.");

    private JobOptions() {}

    /** The options and checks of this component. */
    public static final ConfigOption<String> NAME = ConfigOptions.key("job.name")
            .stringType()
            .defaultValue("polyroute")
            .withDescription("Name of the job: the Flink job name, the consumer group id and the prefix of "
                    + "the sinks' transactional ids. Two jobs on one Kafka cluster need different names.");

    public static final ConfigOption<Duration> BUFFER_TIMEOUT = ConfigOptions.key("job.buffer-timeout")
            .durationType()
            .defaultValue(Duration.ofMillis(10))
            .withDescription("Longest a network buffer between operators waits to fill before it is sent. "
                    + "Lower means less latency at low rates; Flink's own default is 100 ms.");

    public static OptionGroup group() {
        return new OptionGroup(
                "job",
                List.of(
                        NAME,
                        MODE,
                        PARALLELISM,
                        SLOTS,
                        CHECKPOINT_INTERVAL,
                        CHECKPOINT_DIR,
                        STATE_BACKEND,
                        BUFFER_TIMEOUT),
                List.of(
                        OptionCheck.notBlank(NAME),
                        OptionCheck.atLeast(PARALLELISM, 1),
                        OptionCheck.atLeast(SLOTS, 1),
                        OptionCheck.positive(CHECKPOINT_INTERVAL),
                        OptionCheck.notNegative(BUFFER_TIMEOUT)));
    }
}
