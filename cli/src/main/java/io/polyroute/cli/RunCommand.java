package io.polyroute.cli;

import io.polyroute.job.JobLauncher;
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
            "bundle, or a missing topic (unless topics.auto-create=true)."
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

    @Override
    public Integer call() throws Exception {
        JobConfig cfg = JobConfigLoader.load(config, sets);
        ModelBundle bundle = JobLauncher.loadBundle(cfg);
        JobLauncher.checkPlacement(cfg, bundle);
        JobLauncher.ensureTopics(cfg);
        JobLauncher.checkPublishedPlan(cfg, bundle);
        System.out.println("polyroute: starting job '" + cfg.get(JobOptions.NAME) + "' with bundle " + bundle + " in "
                + cfg.get(JobOptions.MODE).name().toLowerCase().replace('_', '-') + " mode");
        System.out.println("polyroute: configuration " + cfg.redacted());
        StreamExecutionEnvironment env = JobLauncher.environment(cfg, jobManager);
        JobClient client = JobLauncher.start(env, cfg, bundle);
        System.out.println("polyroute: job " + client.getJobID() + " submitted");
        if (!detached) {
            client.getJobExecutionResult().get();
            System.out.println("polyroute: job " + client.getJobID() + " finished");
        }
        return 0;
    }
}
