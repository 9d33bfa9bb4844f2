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
package io.polyroute.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/**
 * The Kafka connection options every {@link OpsTool} command shares: the brokers and any client
 * property (for example {@code security.protocol=SSL}), passed to every client it creates.
 */
final class KafkaArgs {
    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT,...",
            description = "Kafka brokers to connect to.")
    String bootstrapServers;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "A Kafka client property for every client (repeatable), e.g. security.protocol=SSL.")
    List<String> properties = new ArrayList<>();

    /** Bootstrap servers plus the pass-through properties; a fresh copy on each call. */
    Properties clientProperties() {
        Properties p = new Properties();
        for (String kv : properties) {
            int eq = kv.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("--kafka-property '" + kv + "' must have the form key=value.");
            }
            p.setProperty(kv.substring(0, eq).trim(), kv.substring(eq + 1));
        }
        p.setProperty(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }
}
