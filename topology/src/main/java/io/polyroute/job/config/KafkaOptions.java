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
package io.polyroute.job.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * Options for the Kafka clients of the job and the monitor.
 *
 * <p>Besides the options below, any key under {@value #PROPERTIES_PREFIX} is passed unchanged,
 * without the prefix, to every Kafka client: {@code kafka.properties.security.protocol=SSL}
 * becomes {@code security.protocol=SSL} on every consumer, producer and admin client.
 */
public final class KafkaOptions {

    /** Prefix of Kafka client properties that pass through to every client. */
    public static final String PROPERTIES_PREFIX = "kafka.properties.";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS = ConfigOptions.key("kafka.bootstrap-servers")
            .stringType()
            .defaultValue("localhost:9092")
            .withDescription("Comma-separated host:port list of the Kafka brokers every client connects to.");

    private KafkaOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup("kafka", List.of(BOOTSTRAP_SERVERS), List.of(OptionCheck.notBlank(BOOTSTRAP_SERVERS)));
    }
}
