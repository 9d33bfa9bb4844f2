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

import io.polyroute.job.JobLauncher;
import io.polyroute.job.JobRestore;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.JobOptions;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute run}: the Flink job against an existing Kafka cluster, locally or on a Flink cluster. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run the Polyroute job: Kafka in, gate, experts, combine, Kafka out, exactly once.",
            "Without --jobmanager it runs on a local Flink MiniCluster; with it, the same job is",
            "submitted to that Flink cluster. The jar also runs under 'flink run <jar> run --config ...'.",
            "Start-up fails with a message naming the key for a bad option, a missing or invalid",
            "bundle, or a missing topic (unless topics.auto-create=true).",
            "Stop with a savepoint ('flink stop --savepointPath DIR <job-id>' or the REST API) and resume",
            "with --from-savepoint DIR; after a crash, --from-latest-checkpoint resumes exactly once."
        },
        footerHeading = "%nJob options (keys of the YAML job file, or --set key=value):%n")
final class RunCommand implements Callable<Integer> {
    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "YAML job file.")
    Path config;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Override one option (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(
            names = "--jobmanager",
            paramLabel = "HOST:PORT",
            description = "Submit to this Flink cluster's REST endpoint.")
    String jobManager;

    @Option(names = "--detached", description = "Return after submission instead of waiting for the job to end.")
    boolean detached;

    @Option(
            names = "--from-savepoint",
            paramLabel = "PATH",
            description = "Resume from this savepoint (or retained checkpoint) folder: Kafka offsets, dedupe"
                    + " state, pending COMBINE records, plans and balancing bias, exactly once.")
    String fromSavepoint;

    @Option(
            names = "--from-latest-checkpoint",
            description = "Resume from the newest completed checkpoint under job.checkpoint-dir (locally, by"
                    + " default <tmp>/polyroute-checkpoints/<job.name>); fails naming the folder when there is none.")
    boolean fromLatestCheckpoint;

    @Option(
            names = "--allow-non-restored-state",
            description = "With --from-savepoint or --from-latest-checkpoint: skip state that no operator of"
                    + " this job claims (after removing an operator) instead of failing.")
    boolean allowNonRestoredState;

    @Override
    public Integer call() throws Exception {
        if (fromSavepoint != null && fromLatestCheckpoint) {
            throw new IllegalArgumentException("Give --from-savepoint or --from-latest-checkpoint, not both.");
        }
        if (allowNonRestoredState && fromSavepoint == null && !fromLatestCheckpoint) {
            throw new IllegalArgumentException(
                    "--allow-non-restored-state needs --from-savepoint or --from-latest-checkpoint.");
        }
        JobConfig cfg = JobConfigLoader.load(config, sets);
        JobRestore restore = fromLatestCheckpoint
                ? JobRestore.latestCheckpoint(cfg, allowNonRestoredState)
                : fromSavepoint != null
                        ? JobRestore.fromSavepoint(fromSavepoint, allowNonRestoredState)
                        : JobRestore.NONE;
        ModelBundle bundle = JobLauncher.loadBundle(cfg);
        JobLauncher.checkPlacement(cfg, bundle);
        JobLauncher.ensureTopics(cfg);
        JobLauncher.checkPublishedPlan(cfg, bundle);
        System.out.println("polyroute: starting job '" + cfg.get(JobOptions.NAME) + "' with bundle " + bundle + " in "
                + cfg.get(JobOptions.MODE).name().toLowerCase().replace('_', '-') + " mode");
        System.out.println("polyroute: configuration " + cfg.redacted());
        if (restore.path() != null) {
            System.out.println("polyroute: resuming from " + restore.path());
        }
        StreamExecutionEnvironment env = JobLauncher.environment(cfg, jobManager, restore);
        JobClient client = JobLauncher.start(env, cfg, bundle);
        System.out.println("polyroute: job " + client.getJobID() + " submitted");
        if (!detached) {
            client.getJobExecutionResult().get();
            System.out.println("polyroute: job " + client.getJobID() + " finished");
        }
        return 0;
    }
}
