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

import io.polyroute.avro.RolloutKind;
import picocli.CommandLine.Command;

/** {@code polyroute rollout promote}. */
@Command(
        name = "promote",
        mixinStandardHelpOptions = true,
        description = {
            "Publish a PROMOTE: the candidate of the canary or shadow rollout in progress becomes the",
            "version that serves every record, at the next checkpoint; the old version is released."
        })
final class RolloutPromoteCommand extends RolloutDecisionCommand {
    @Override
    RolloutKind kind() {
        return RolloutKind.PROMOTE;
    }
}
