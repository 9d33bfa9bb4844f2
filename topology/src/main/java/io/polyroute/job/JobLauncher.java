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

import io.polyroute.job.bundle.BundleCache;
import io.polyroute.job.config.BundleOptions;
import io.polyroute.job.config.ConfigException;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobMode;
import io.polyroute.job.config.JobOptions;
import io.polyroute.job.config.RebalanceOptions;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.job.control.PlanFilter;
import io.polyroute.job.control.RebalanceSettings;
import io.polyroute.kafka.ControlTopics;
import io.polyroute.kafka.Topics;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.placement.PlanVersion;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;

/**
 * Everything that must hold before the job starts, checked in one place, then the job itself:
 * the configuration, the bundle (fully validated), the topics. Failures name the key to fix.
 */
public final class JobLauncher {
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private JobLauncher() {}

    /**
     * Loads and validates the bundle named by {@code bundle.path}: a local folder, or a URI of any
     * file system Flink supports, copied into the local cache first ({@link BundleCache}).
     */
    public static ModelBundle loadBundle(JobConfig config) {
        String path = config.require(BundleOptions.PATH);
        try {
            return BundleCache.load(path, RuntimeSettings.from(config));
        } catch (BundleValidationException | java.io.UncheckedIOException e) {
            throw new ConfigException(
                    BundleOptions.PATH.key(),
                    "The bundle at " + BundleOptions.PATH.key() + "=" + path + " was refused: " + e.getMessage());
        }
    }

    /**
     * The placement checks that need no broker: in expert-parallel mode with rebalancing on, every
     * stage's experts must fit {@code job.slots × rebalance.slot-capacity} sessions. The rebalancer
     * would otherwise fail on its first window and the job restart for ever.
     *
     * @throws ConfigException naming {@code rebalance.slot-capacity}
     */
    public static void checkPlacement(JobConfig config, ModelBundle bundle) {
        if (!rebalancing(config)) {
            return;
        }
        RebalanceSettings settings = PolyrouteJob.rebalanceSettings(config, bundle);
        try {
            settings.requireFeasible(PlanVersion.initial(settings.expertsPerStage(), settings.slots()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    RebalanceOptions.SLOT_CAPACITY.key(),
                    "The bundle does not fit " + RebalanceOptions.SLOT_CAPACITY.key() + "="
                            + config.get(RebalanceOptions.SLOT_CAPACITY) + " on " + JobOptions.SLOTS.key() + "="
                            + settings.slots() + ": " + e.getMessage()
                            + " Raise rebalance.slot-capacity or job.slots, or set it to -1 (no limit).");
        }
    }

    /**
     * The newest plan for this job on its plans topic must be one the rebalancer can plan from: a
     * plan pinned by hand ({@code polyroute plan pin}) that puts more sessions on a slot than
     * {@code rebalance.slot-capacity} fails the start, naming the key and the plan. Plans that do
     * not fit the job at all are ignored, as the job ignores them.
     *
     * @throws ConfigException naming {@code rebalance.slot-capacity}
     */
    public static void checkPublishedPlan(JobConfig config, ModelBundle bundle) {
        if (!rebalancing(config)) {
            return;
        }
        String topic = TopicsOptions.plans(config);
        PlanFilter filter = PolyrouteJob.planFilter(config, bundle);
        Optional<ControlTopics.PublishedPlan> newest =
                ControlTopics.readPublishedPlans(config.kafkaClientProperties(), topic, ADMIN_TIMEOUT).stream()
                        .filter(p -> filter.origin().mismatch(p.origin()) == null && filter.misfit(p.plan()) == null)
                        .max(Comparator.comparingLong(p -> p.plan().version()));
        if (newest.isEmpty()) {
            return;
        }
        PlanVersion plan = newest.get().plan();
        try {
            PolyrouteJob.rebalanceSettings(config, bundle).requireFeasible(plan);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    RebalanceOptions.SLOT_CAPACITY.key(),
                    "Plan " + plan.version() + " on " + topic + " (" + plan.reason() + ") does not fit "
                            + RebalanceOptions.SLOT_CAPACITY.key() + "=" + config.get(RebalanceOptions.SLOT_CAPACITY)
                            + ": " + e.getMessage() + " Unpin it with 'polyroute plan unpin --topic " + topic
                            + "', or raise rebalance.slot-capacity.");
        }
    }

    private static boolean rebalancing(JobConfig config) {
        return config.get(JobOptions.MODE) != JobMode.FUSED && config.get(RebalanceOptions.ENABLED);
    }

    /** Checks (or, with topics.auto-create, creates) every topic the job uses. */
    public static void ensureTopics(JobConfig config) {
        try (Admin admin = Admin.create(config.kafkaClientProperties())) {
            Topics.ensure(admin, config, ADMIN_TIMEOUT);
            Topics.ensureRolloutTopics(admin, config, ADMIN_TIMEOUT);
        }
    }

    /**
     * An environment for this job: the surrounding one when submitted with {@code flink run} or the
     * REST API, a remote one for {@code jobManager} ("host:port"), else a local MiniCluster with
     * enough task slots for the expert operator.
     */
    public static StreamExecutionEnvironment environment(JobConfig config, String jobManager) {
        return environment(config, jobManager, JobRestore.NONE);
    }

    /** Like {@link #environment(JobConfig, String)}, with the job's state restored as {@code restore} says. */
    public static StreamExecutionEnvironment environment(JobConfig config, String jobManager, JobRestore restore) {
        Configuration restoreSettings = new Configuration();
        restore.applyTo(restoreSettings);
        if (jobManager != null) {
            int colon = jobManager.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--jobmanager must be host:port (the JobManager's REST address), "
                        + "but is '" + jobManager + "'.");
            }
            String host = jobManager.substring(0, colon);
            int port = Integer.parseInt(jobManager.substring(colon + 1));
            return StreamExecutionEnvironment.createRemoteEnvironment(host, port, restoreSettings, thisJar());
        }
        Configuration local = new Configuration();
        local.set(
                TaskManagerOptions.NUM_TASK_SLOTS,
                Math.max(config.get(JobOptions.PARALLELISM), config.get(JobOptions.SLOTS)));
        if (config.getOptional(JobOptions.CHECKPOINT_DIR).isEmpty()) {
            // Flink's in-memory checkpoint storage refuses state above 5 MB and the job then
            // restarts for ever; the dedupe state alone passes that at a few hundred thousand ids.
            local.addAll(PolyrouteJob.checkpointStorage(localCheckpointDir(config)));
        }
        local.addAll(restoreSettings);
        return StreamExecutionEnvironment.getExecutionEnvironment(local);
    }

    /** Where this job's checkpoints go: {@code job.checkpoint-dir}, else the local default folder. */
    public static String checkpointDir(JobConfig config) {
        return config.getOptional(JobOptions.CHECKPOINT_DIR).orElseGet(() -> localCheckpointDir(config));
    }

    /** A folder for the checkpoints of a local run: {@code <tmp>/polyroute-checkpoints/<job.name>}. */
    private static String localCheckpointDir(JobConfig config) {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "polyroute-checkpoints", config.get(JobOptions.NAME));
        return dir.toUri().toString();
    }

    /** Builds the job on {@code env} and starts it without waiting for it to end. */
    public static JobClient start(StreamExecutionEnvironment env, JobConfig config, ModelBundle bundle)
            throws Exception {
        PolyrouteJob.build(env, config, bundle);
        return env.executeAsync(config.get(JobOptions.NAME));
    }

    /** System property naming the job jar that {@code --jobmanager} submits. */
    public static final String JOB_JAR_PROPERTY = "polyroute.job.jar";

    /**
     * The jar shipped to a remote JobManager: the job jar named by {@value #JOB_JAR_PROPERTY} (the
     * launcher sets it), else the jar these classes were loaded from, which holds the job too.
     */
    private static String thisJar() {
        String configured = System.getProperty(JOB_JAR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            if (!java.nio.file.Files.isRegularFile(Path.of(configured))) {
                throw new IllegalStateException("The job jar " + JOB_JAR_PROPERTY + "=" + configured
                        + " does not exist; build it with 'mvn -pl topology -am package -DskipTests'.");
            }
            return configured;
        }
        try {
            Path p = Path.of(JobLauncher.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (!p.toString().endsWith(".jar")) {
                throw new IllegalStateException("Submitting to a remote JobManager needs the job jar; run through "
                        + "./polyroute, or set -D" + JOB_JAR_PROPERTY
                        + "=<topology/target/polyroute-topology-*-job.jar>, "
                        + "not from classes in " + p + ".");
            }
            return p.toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the job jar: " + e, e);
        }
    }
}
