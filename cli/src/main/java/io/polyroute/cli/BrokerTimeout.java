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

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --timeout}: how long a command waits for the broker. A picocli mixin of every command that talks to Kafka. */
final class BrokerTimeout {
    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "How long to wait for the broker (default: ${DEFAULT-VALUE}).")
    long seconds;

    Duration timeout() {
        return Duration.ofSeconds(seconds);
    }
}
