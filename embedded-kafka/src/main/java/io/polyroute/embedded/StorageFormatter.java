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
package io.polyroute.embedded;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import kafka.server.KafkaConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Formats the log directory of a new KRaft node, as {@code kafka-storage.sh format} does. */
final class StorageFormatter {

    private static final Logger LOG = LoggerFactory.getLogger(StorageFormatter.class);

    private StorageFormatter() {}

    /**
     * Writes {@code meta.properties} and the bootstrap metadata for a fresh cluster with a random
     * id, a static controller quorum and the latest production metadata version.
     */
    static void format(KafkaConfig config, String logDir, String controllerListener) {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(out)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(config.nodeId())
                    .setControllerListenerName(controllerListener)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(List.of(logDir))
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setHasDynamicQuorum(false)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Could not format the embedded broker's log directory " + logDir + ": " + e.getMessage(), e);
        }
        LOG.debug(
                "Formatted {}: {}",
                logDir,
                output.toString(StandardCharsets.UTF_8).trim());
    }
}
