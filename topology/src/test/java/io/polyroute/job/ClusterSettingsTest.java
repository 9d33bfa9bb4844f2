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

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobOptions;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Which wins for parallelism and checkpoint interval: an explicit job option, else the cluster's value. */
class ClusterSettingsTest {

    private static StreamExecutionEnvironment cluster(int parallelism, Duration interval) {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, parallelism);
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, interval);
        return new StreamExecutionEnvironment(conf);
    }

    @Test
    void shouldTakeTheClusterValuesWhenTheJobLeavesThemUnset() {
        JobConfig config = PolyrouteJob.withClusterSettings(cluster(6, Duration.ofSeconds(5)), JobConfig.defaults());
        assertThat(config.get(JobOptions.PARALLELISM)).isEqualTo(6);
        assertThat(config.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void shouldLetExplicitJobOptionsWin() {
        JobConfig explicit = JobConfig.of(Map.of("job.parallelism", "3", "job.checkpoint-interval", "2 s"));
        JobConfig config = PolyrouteJob.withClusterSettings(cluster(6, Duration.ofSeconds(5)), explicit);
        assertThat(config.get(JobOptions.PARALLELISM)).isEqualTo(3);
        assertThat(config.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void shouldKeepTheDefaultsForALocalRun() {
        JobConfig config = PolyrouteJob.withClusterSettings(
                StreamExecutionEnvironment.createLocalEnvironment(5), JobConfig.defaults());
        assertThat(config.get(JobOptions.PARALLELISM)).isEqualTo(2);
        assertThat(config.get(JobOptions.CHECKPOINT_INTERVAL)).isEqualTo(Duration.ofSeconds(1));
    }
}
