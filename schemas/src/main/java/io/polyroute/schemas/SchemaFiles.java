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
package io.polyroute.schemas;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.avro.RolloutVote;
import io.polyroute.avro.SensorReading;
import io.polyroute.avro.ShadowPair;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;

/**
 * The {@code .avsc} files of the published records, as shipped on the classpath next to the
 * generated classes (for example {@code io/polyroute/avro/SensorReading.avsc}), so a job or a tool
 * can publish the exact schema text to a registry or a documentation page.
 */
public final class SchemaFiles {

    private static final List<Class<? extends SpecificRecord>> PUBLISHED_RECORDS = List.of(
            SensorReading.class,
            Prediction.class,
            DeadLetter.class,
            ExpertLoad.class,
            PlacementPlan.class,
            RolloutCommand.class,
            RolloutStatus.class,
            RolloutVote.class,
            ShadowPair.class);

    private SchemaFiles() {}

    /**
     * Returns the records that have their own {@code .avsc} file, in data-path order. Nested types
     * such as {@code ModelRef} are defined inside the file of the record that uses them.
     */
    public static List<Class<? extends SpecificRecord>> publishedRecords() {
        return PUBLISHED_RECORDS;
    }

    /** Returns the classpath resource name of the {@code .avsc} file of {@code type}. */
    public static String resourceName(Class<? extends SpecificRecord> type) {
        Objects.requireNonNull(type, "type must not be null");
        return type.getName().replace('.', '/') + ".avsc";
    }

    /**
     * Reads the {@code .avsc} file of {@code type} from the classpath.
     *
     * @throws IllegalArgumentException if {@code type} has no file of its own
     * @throws UncheckedIOException if the file cannot be read
     */
    public static String read(Class<? extends SpecificRecord> type) {
        String name = resourceName(type);
        try (InputStream in = SchemaFiles.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException(String.format(
                        "No schema file %s on the classpath; files exist only for %s.",
                        name,
                        PUBLISHED_RECORDS.stream().map(Class::getSimpleName).collect(Collectors.joining(", "))));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read schema file " + name + " from the classpath.", e);
        }
    }
}
