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

import io.polyroute.sql.SqlScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute sql}: Flink SQL statements on a local MiniCluster, with the polyroute model provider. */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run Flink SQL statements on a local Flink MiniCluster with the Kafka connector, the",
            "'polyroute' model provider (CREATE MODEL ... WITH ('provider' = 'polyroute', ...),",
            "ML_PREDICT) and the 'polyroute-avro' format. Statements are separated by ';'. All but",
            "INSERT run in order and print their result; the INSERTs (loose, or in EXECUTE",
            "STATEMENT SET BEGIN ... END) run together as one job, checkpointed for exactly-once",
            "sinks, until it ends or Ctrl-C. ${bootstrap-servers} in the text is replaced by",
            "--bootstrap-servers. See docs/sql.md."
        })
final class SqlCommand implements Callable<Integer> {
    static final class Source {
        @Option(
                names = {"-f", "--file"},
                paramLabel = "FILE",
                description = "Script of SQL statements.")
        Path file;

        @Option(
                names = {"-e", "--execute"},
                paramLabel = "SQL",
                description = "SQL statements given inline.")
        String inline;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT,...",
            description = "Kafka brokers, the value of ${bootstrap-servers} in the statements.")
    String bootstrapServers;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism of the job (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--checkpoint-interval",
            defaultValue = "1000",
            paramLabel = "MS",
            description =
                    "Checkpoint interval; exactly-once Kafka sinks commit at checkpoints (default: ${DEFAULT-VALUE}).")
    long checkpointMs;

    @Override
    public Integer call() throws Exception {
        String text = source.file != null ? Files.readString(source.file) : source.inline;
        Map<String, String> variables = new HashMap<>();
        if (bootstrapServers != null) {
            variables.put("bootstrap-servers", bootstrapServers);
        }
        SqlScript script = SqlScript.parse(text, variables);
        StreamTableEnvironment tEnv = localTableEnvironment(parallelism, checkpointMs);
        JobClient job = script.run(tEnv, System.out);
        if (job != null) {
            Thread hook = new Thread(() -> job.cancel().join(), "sql-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            job.getJobExecutionResult().get();
            Runtime.getRuntime().removeShutdownHook(hook);
            System.out.println("polyroute sql: job " + job.getJobID() + " finished");
        }
        return 0;
    }

    /** A table environment on a local MiniCluster, checkpointing to a temporary folder. */
    static StreamTableEnvironment localTableEnvironment(int parallelism, long checkpointMs) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("polyroute-sql-checkpoints").toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointMs);
        return StreamTableEnvironment.create(env);
    }
}
