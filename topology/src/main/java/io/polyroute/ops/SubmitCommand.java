package io.polyroute.ops;

import io.polyroute.job.PolyrouteJob;
import io.polyroute.job.config.BundleOptions;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.JobOptions;
import io.polyroute.kafka.Topics;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code submit}: validate a job file and its bundle, make sure the topics exist, and submit the
 * job to a Flink cluster through its REST endpoint without waiting for it to end. The shaded jar
 * this class runs from is shipped to the cluster.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Submit the Polyroute job to a running Flink cluster and return; prints 'job <id> submitted'.")
final class SubmitCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "YAML job file.")
    Path config;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Override one option (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--jobmanager", required = true, paramLabel = "HOST:PORT",
            description = "REST address of the Flink JobManager.")
    String jobManager;

    @Override
    public Integer call() throws Exception {
        JobConfig cfg = JobConfigLoader.load(config, sets);
        ModelBundle bundle = BundleLoader.load(Path.of(cfg.require(BundleOptions.PATH)));
        try (Admin admin = Admin.create(cfg.kafkaClientProperties())) {
            Topics.ensure(admin, cfg, Duration.ofSeconds(60));
        }
        System.out.println("submit: configuration " + cfg.redacted());
        int colon = jobManager.lastIndexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("--jobmanager must be host:port, but is '" + jobManager + "'.");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createRemoteEnvironment(
                jobManager.substring(0, colon), Integer.parseInt(jobManager.substring(colon + 1)), OpsTool.jarPath());
        PolyrouteJob.build(env, cfg, bundle);
        JobClient client = env.executeAsync(cfg.get(JobOptions.NAME));
        System.out.println("job " + client.getJobID() + " submitted");
        return 0;
    }
}
