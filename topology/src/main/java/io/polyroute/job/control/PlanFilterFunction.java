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
package io.polyroute.job.control;

import io.polyroute.job.operators.JobMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link PlanFilter} to the records of the plans topic, right after its source: plans that
 * fit pass on unchanged to GATE, EXPERT and the rebalancer; every other record is dropped with a
 * WARN line and counted in {@value JobMetrics#PLANS_IGNORED}. Plans for another version of the
 * job's bundle (a job that serves rollouts) go to {@link #OTHER_VERSIONS} instead, which feeds GATE
 * and the rebalancer only: EXPERT hosts by the plans of the job's own bundle.
 */
public final class PlanFilterFunction extends ProcessFunction<byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PlanFilterFunction.class);

    /** Plans for other versions than the job's own bundle, unchanged. */
    public static final OutputTag<byte[]> OTHER_VERSIONS = new OutputTag<>("plans-of-other-versions") {};

    private final PlanFilter filter;
    private final String topic;
    private transient Counter ignored;

    public PlanFilterFunction(PlanFilter filter, String topic) {
        this.filter = filter;
        this.topic = topic;
    }

    @Override
    public void open(OpenContext ctx) {
        ignored = getRuntimeContext().getMetricGroup().counter(JobMetrics.PLANS_IGNORED);
    }

    @Override
    public void processElement(byte[] value, Context ctx, Collector<byte[]> out) {
        PlanFilter.Verdict v = filter.check(value);
        if (v.accepted() && v.version() != null) {
            ctx.output(OTHER_VERSIONS, value);
        } else if (v.accepted()) {
            out.collect(value);
        } else {
            ignored.inc();
            LOG.warn(
                    "Ignored a record of the plans topic '{}' ({} ignored so far): {}. The job keeps its plan.",
                    topic,
                    ignored.getCount(),
                    v.refusal());
        }
    }
}
