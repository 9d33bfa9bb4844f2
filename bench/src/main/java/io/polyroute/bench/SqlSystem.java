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
package io.polyroute.bench;

import io.polyroute.sql.pipeline.SqlPipeline;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The SQL pipeline on a local Flink MiniCluster: a Kafka table of SensorReadings,
 * {@code ML_PREDICT} with the {@code polyroute} model provider (fused evaluator, async
 * micro-batches), a transactional Kafka sink of Predictions and one of dead letters, exactly once,
 * with the same parallelism and checkpoint interval as the Polyroute job.
 */
final class SqlSystem implements BenchSystem {
    static final String NAME = "polyroute-sql";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public OutputScan.Kind outputKind() {
        return OutputScan.Kind.PREDICTION;
    }

    @Override
    public Running start(BenchContext ctx, String inTopic, String outTopic, long records) throws Exception {
        String dlq = outTopic + ".dlq";
        try (Admin admin = Admin.create(ctx.clientProperties())) {
            admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        SqlPipeline pipeline = SqlPipeline.builder()
                .bootstrapServers(ctx.bootstrapServers())
                .bundlePath(ctx.bundle().root().toString())
                .topics(inTopic, outTopic, dlq)
                .name("bench-" + outTopic)
                .bounded(records > 0)
                .build();
        Configuration conf = new Configuration();
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, ctx.workers());
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("polyroute-bench-sql").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(ctx.workers());
        env.enableCheckpointing(1000);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        pipeline.ddl().forEach(tEnv::executeSql);
        StatementSet set = tEnv.createStatementSet();
        pipeline.inserts().forEach(set::addInsertSql);
        return new FlinkJobRun(set.execute().getJobClient().orElseThrow());
    }
}
