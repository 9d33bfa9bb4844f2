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

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.JobOptions;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The entry point of the job jar, for Flink's own launchers: {@code flink run <job.jar> --config
 * job.yaml [--set key=value ...]}, the REST API's {@code /jars/<id>/run} and application mode on
 * Docker or Kubernetes. A leading {@code run} is accepted, so the arguments of {@code polyroute run}
 * work unchanged. The same checks as {@code polyroute run} run before the job is built.
 */
public final class JobMain {
    static final String USAGE = "usage: <job.jar> [run] --config FILE [--set KEY=VALUE ...]";

    private JobMain() {}

    public static void main(String[] args) throws Exception {
        Arguments parsed = Arguments.parse(args);
        JobConfig config = JobConfigLoader.load(parsed.config(), parsed.sets());
        ModelBundle bundle = JobLauncher.loadBundle(config);
        JobLauncher.checkPlacement(config, bundle);
        JobLauncher.ensureTopics(config);
        JobLauncher.checkPublishedPlan(config, bundle);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PolyrouteJob.build(env, config, bundle);
        env.execute(config.get(JobOptions.NAME));
    }

    /** The job file and the overrides given on the command line. */
    record Arguments(Path config, List<String> sets) {
        static Arguments parse(String[] args) {
            Path config = null;
            List<String> sets = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i == 0 && a.equals("run")) {
                    continue;
                }
                if (a.equals("-c") || a.equals("--config")) {
                    config = Path.of(value(args, ++i, a));
                } else if (a.startsWith("--config=")) {
                    config = Path.of(a.substring("--config=".length()));
                } else if (a.equals("-s") || a.equals("--set")) {
                    sets.add(value(args, ++i, a));
                } else if (a.startsWith("--set=")) {
                    sets.add(a.substring("--set=".length()));
                } else {
                    throw new IllegalArgumentException("Unknown argument '" + a + "'; " + USAGE);
                }
            }
            return new Arguments(config, List.copyOf(sets));
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length) {
                throw new IllegalArgumentException(option + " needs a value; " + USAGE);
            }
            return args[i];
        }
    }
}
