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

import io.polyroute.schemas.AvroEncoding;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a serving operator needs to take part in rollouts.
 *
 * @param jobName {@code job.name}: commands for another job are ignored
 * @param encoding {@code topics.encoding} of commands, status records and shadow pairs
 * @param refusal null when this operator serves rollouts; otherwise the reason every START is refused with
 */
public record RolloutSettings(String jobName, AvroEncoding encoding, String refusal) implements Serializable {
    public RolloutSettings {
        Objects.requireNonNull(jobName, "jobName");
        Objects.requireNonNull(encoding, "encoding");
    }
}
