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

import io.polyroute.job.model.InFlight;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A test seam of {@link PolyrouteJob}: lets an integration test put its own operator between the
 * finished records (after the last COMBINE, or after FUSED) and the prediction sink, for example
 * one that fails once mid-stream, to prove that the job recovers exactly once. The production job
 * uses {@link #NONE}, which adds nothing.
 *
 * <pre>{@code
 * PolyrouteJob.build(env, config, bundle, finished -> finished
 *         .map(new FailOnceFunction())
 *         .returns(InFlight.class));
 * }</pre>
 *
 * <p>Whatever the hook adds runs inside the job's exactly-once guarantees: its output goes to the
 * transactional sink, and records it fails on are replayed from the last checkpoint.
 */
@FunctionalInterface
public interface JobHooks {

    /** No hooks: the finished records go straight to the sink. */
    JobHooks NONE = finished -> finished;

    /**
     * Returns the stream the prediction sink writes, given the stream of finished records. The
     * returned stream must carry every finished record exactly once (it may wrap, observe or
     * delay them, and it may throw to fail the job).
     */
    DataStream<InFlight> beforePredictionSink(DataStream<InFlight> finished);
}
