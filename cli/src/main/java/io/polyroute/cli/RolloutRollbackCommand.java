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

/** {@code polyroute rollout rollback}. */
@Command(
        name = "rollback",
        mixinStandardHelpOptions = true,
        description = {
            "Publish a ROLLBACK: a rollout in progress is dropped at the next checkpoint; after a finished",
            "switch, the previous version is rolled out again (a switch)."
        })
final class RolloutRollbackCommand extends RolloutDecisionCommand {
    @Override
    RolloutKind kind() {
        return RolloutKind.ROLLBACK;
    }
}
