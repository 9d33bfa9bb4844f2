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

import io.polyroute.demo.DemoSettings;
import io.polyroute.demo.EmbeddedDemo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code polyroute demo}: the embedded default, everything in one process. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Run everything in one process: an in-process Kafka broker, the factory",
            "sensor simulator, and the Polyroute job on a local Flink MiniCluster",
            "(expert-parallel, 4 slots) serving the factory-moe bundle (built on first",
            "use), with one status line per second. Ends with",
            "  records_in=<n> predictions=<n> dead_letters=<n> duplicates=<n>",
            "  missing=<n> mismatches=<n> rebalanced_routing=<n> alerts=<n>",
            "(alerts: raised by the dashboard's monitor, absent with --port -1) and",
            "exits non-zero when duplicates, missing or mismatches is not 0."
        })
final class DemoCommand implements Callable<Integer> {
    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "0",
            description = "Stop after this many seconds (default: run until Ctrl-C).")
    long duration;

    @Option(
            names = "--verify",
            description = "Re-score every prediction with the bundle's reference.onnx at the end "
                    + "(keeps the inputs in memory); predictions whose routing balancing changed are recomputed with the "
                    + "experts and weights they recorded instead.")
    boolean verify;

    @Option(
            names = "--rate",
            defaultValue = "2000",
            description = "Records per second from the simulator (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--bad-share",
            defaultValue = "0.002",
            description =
                    "Share of deliberately bad records, to show the dead-letter path (default: ${DEFAULT-VALUE}).")
    double badShare;

    @Option(names = "--mode", description = "expert-parallel or fused (default: expert-parallel).")
    String mode;

    @Option(names = "--slots", defaultValue = "4", description = "Expert slots (default: ${DEFAULT-VALUE}).")
    int slots;

    @Option(
            names = "--parallelism",
            defaultValue = "2",
            description = "Parallelism of the other operators (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(
            names = "--models",
            defaultValue = "models",
            paramLabel = "DIR",
            description =
                    "Model repository; the demo bundle is built in DIR/factory-moe on first use (default: ${DEFAULT-VALUE}).")
    Path models;

    @Option(names = "--seed", defaultValue = "7", description = "Simulator seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--port",
            defaultValue = "8080",
            description = "Dashboard port; 0 picks a free one, -1 turns it off (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--engine",
            defaultValue = "datastream",
            description = "datastream (the Polyroute job) or sql (INSERT ... SELECT ... FROM ML_PREDICT(TABLE sensors,"
                    + " MODEL factory_moe, ...) with the polyroute model provider; see docs/sql.md)"
                    + " (default: ${DEFAULT-VALUE}).")
    String engine;

    @Option(
            names = {"-s", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Override a job option (see 'polyroute run --help'); repeatable.")
    List<String> sets = new ArrayList<>();

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "YAML job file whose options apply before --set (see 'polyroute run --help').")
    Path config;

    @Option(
            names = "--drift-at",
            paramLabel = "S",
            defaultValue = "-1",
            description = "Move some machines to another operating regime S seconds in; the dashboard raises a "
                    + "drift alert for each (default: no drift).")
    long driftAt;

    @Option(
            names = "--drift-sources",
            paramLabel = "N",
            defaultValue = "3",
            description = "Machines that --drift-at moves (default: ${DEFAULT-VALUE}).")
    int driftSources;

    @Option(
            names = "--rollout-at",
            paramLabel = "S",
            defaultValue = "-1",
            description = "Roll out a second version of factory-moe (built on first use with another seed) S"
                    + " seconds in; the final line gains versions= (and shadowed= for shadow). See"
                    + " docs/rollouts.md (default: no rollout).")
    long rolloutAt;

    @Option(
            names = "--rollout-mode",
            paramLabel = "MODE",
            defaultValue = "switch",
            description = "switch, shadow or canary (default: ${DEFAULT-VALUE}).")
    String rolloutMode;

    @Option(
            names = "--rollout-share",
            paramLabel = "P",
            defaultValue = "0.1",
            description = "Share of records the canary serves (default: ${DEFAULT-VALUE}).")
    double rolloutShare;

    @Override
    public Integer call() throws Exception {
        if (mode == null) {
            mode = "expert-parallel";
        }
        EmbeddedDemo demo = new EmbeddedDemo(
                new DemoSettings(
                        duration,
                        verify,
                        rate,
                        badShare,
                        mode,
                        slots,
                        parallelism,
                        models,
                        seed,
                        withJobFile(),
                        port,
                        engine),
                System.out);
        if (rolloutAt >= 0) {
            demo.rollout(rolloutAt, rolloutMode, rolloutShare);
        }
        if (driftAt >= 0) {
            demo.drift(driftAt, driftSources);
        }
        Thread main = Thread.currentThread();
        Thread hook = new Thread(
                () -> {
                    demo.requestStop();
                    try {
                        main.join(60_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = demo.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Ctrl-C: the hook is already running and waits for us.
        }
        return code;
    }

    /** The job file's options as overrides, followed by --set, which therefore wins. */
    private List<String> withJobFile() {
        List<String> all = new ArrayList<>();
        if (config != null) {
            io.polyroute.job.config.JobConfigLoader.readJobFile(config)
                    .forEach((key, value) -> all.add(key + "=" + value));
        }
        all.addAll(sets);
        return all;
    }
}
