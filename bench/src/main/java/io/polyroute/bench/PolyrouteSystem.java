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

import io.polyroute.job.JobLauncher;
import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.JobConfigLoader;
import io.polyroute.job.config.JobMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;

/**
 * The Polyroute job in one execution mode on a local Flink MiniCluster: Kafka source, decode and
 * validate, dedupe, gate/experts/combine (or fused), transactional Kafka sink, exactly once.
 * A bounded run reads the topic up to its offsets at start ({@code input.bounded=true}) and ends.
 */
final class PolyrouteSystem implements BenchSystem {
    static final String FUSED = "polyroute-fused";
    static final String EXPERT_PARALLEL = "polyroute-expert-parallel";

    private final JobMode mode;

    PolyrouteSystem(JobMode mode) {
        this.mode = mode;
    }

    static String nameOf(JobMode mode) {
        return mode == JobMode.FUSED ? FUSED : EXPERT_PARALLEL;
    }

    @Override
    public String name() {
        return nameOf(mode);
    }

    @Override
    public OutputScan.Kind outputKind() {
        return OutputScan.Kind.PREDICTION;
    }

    @Override
    public Running start(BenchContext ctx, String inTopic, String outTopic, long records) throws Exception {
        JobConfig config = config(ctx, inTopic, outTopic, records > 0);
        JobLauncher.ensureTopics(config);
        JobClient client = JobLauncher.start(JobLauncher.environment(config, null), config, ctx.bundle());
        return new FlinkJobRun(client);
    }

    /** The job options of one run; {@code ctx.jobOverrides()} come last and win. */
    JobConfig config(BenchContext ctx, String inTopic, String outTopic, boolean bounded) {
        Map<String, String> v = new LinkedHashMap<>();
        v.put("kafka.bootstrap-servers", ctx.bootstrapServers());
        ctx.client().forEach((k, val) -> {
            if (!"bootstrap.servers".equals(k)) {
                v.put("kafka.properties." + k, String.valueOf(val));
            }
        });
        v.put("topics.input", inTopic);
        v.put("topics.output", outTopic);
        v.put("topics.dlq", outTopic + ".dlq");
        v.put("topics.load", outTopic + ".load");
        v.put("topics.plans", outTopic + ".plans");
        v.put("topics.auto-create", "true");
        v.put("job.name", "bench-" + outTopic);
        v.put("job.mode", mode == JobMode.FUSED ? "fused" : "expert-parallel");
        v.put("job.parallelism", Integer.toString(ctx.workers()));
        v.put("job.slots", Integer.toString(ctx.workers()));
        v.put("input.bounded", Boolean.toString(bounded));
        v.put("bundle.path", ctx.bundle().root().toString());
        v.putAll(ctx.jobOverrides());
        List<String> sets =
                v.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
        return JobConfigLoader.load(null, sets);
    }
}
