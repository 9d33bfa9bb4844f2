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
package io.polyroute.demo;

import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.sql.pipeline.SqlPipeline;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.StatementSet;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

/**
 * The demo's SQL engine: the Polyroute pipeline as Flink SQL ({@link SqlPipeline}) on a local
 * MiniCluster, reading and writing the same topics and records as the DataStream job.
 */
final class SqlDemoJob {
    private SqlDemoJob() {}

    /** Creates the tables and the model, starts the two INSERTs as one job and returns it. */
    static JobClient start(
            String bootstrapServers,
            String sensors,
            String predictions,
            String dlq,
            ModelBundle bundle,
            DemoSettings settings,
            PrintStream out)
            throws Exception {
        SqlPipeline pipeline = SqlPipeline.builder()
                .bootstrapServers(bootstrapServers)
                .bundlePath(bundle.root().toString())
                .topics(sensors, predictions, dlq)
                .name("polyroute-demo-sql-" + System.currentTimeMillis())
                .build();
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        Path checkpoints = Files.createTempDirectory("polyroute-demo-sql-checkpoints");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(settings.parallelism());
        env.enableCheckpointing(1000);
        StreamTableEnvironment tEnv = StreamTableEnvironment.create(env);
        for (String ddl : pipeline.ddl()) {
            tEnv.executeSql(ddl);
        }
        StatementSet set = tEnv.createStatementSet();
        pipeline.inserts().forEach(set::addInsertSql);
        out.println("polyroute demo: SQL pipeline\n" + pipeline.script().indent(2));
        return set.execute().getJobClient().orElseThrow();
    }
}
