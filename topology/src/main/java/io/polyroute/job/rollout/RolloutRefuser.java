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
package io.polyroute.job.rollout;

import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutPhase;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The rollouts reader of a job that cannot serve rollouts (the expert-parallel mode): answers every
 * command for its job with a REFUSED status and the reason, so a rollout is neither lost silently
 * nor able to fail the job.
 */
public final class RolloutRefuser extends ProcessFunction<byte[], KeyedBytes> {
    private static final long serialVersionUID = 1L;

    private final RolloutSettings settings;
    private final String serving;
    private transient RolloutCodec codec;

    /** Refuses with {@code settings.refusal()}; status records name {@code serving} as the serving version. */
    public RolloutRefuser(RolloutSettings settings, String serving) {
        this.settings = settings;
        this.serving = serving;
    }

    @Override
    public void processElement(byte[] value, Context ctx, Collector<KeyedBytes> out) {
        if (codec == null) {
            codec = new RolloutCodec(settings);
        }
        RolloutCommand c = codec.command(value);
        if (c == null) {
            return;
        }
        String version = c.getBundleName() + ":" + c.getBundleVersion();
        RolloutState.Status s = new RolloutState.Status(
                c.getCommandId().toString(), RolloutPhase.REFUSED, c.getMode().name(), version, settings.refusal());
        String[] nv = serving.split(":", 2);
        out.collect(codec.status(s, 0, new VersionRef(nv[0], nv[1], "", ""), System.currentTimeMillis()));
    }
}
