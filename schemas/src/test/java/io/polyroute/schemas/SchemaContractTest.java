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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.avro.DeadLetter;
import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.LoadSource;
import io.polyroute.avro.ModelRef;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.RolloutCommand;
import io.polyroute.avro.RolloutStatus;
import io.polyroute.avro.RolloutVote;
import io.polyroute.avro.SensorReading;
import io.polyroute.avro.ShadowPair;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The published schemas: their files, their documentation and their fingerprints. */
class SchemaContractTest {

    /**
     * Fingerprints of the published schemas. A change here means every consumer using single-object
     * encoding stops recognising new bytes until it learns the new schema: evolve by adding fields
     * with defaults, register the old schema with {@link AvroCodec#withWriterSchema}, and update the
     * value deliberately.
     */
    private static final Map<Class<? extends SpecificRecord>, String> FINGERPRINTS = Map.of(
            SensorReading.class, "C5C7F1F3A1A3D606",
            Prediction.class, "77B2FF289A5EA672",
            DeadLetter.class, "B543CAB428D3DEA0",
            ExpertLoad.class, "04C64A70944F2AC1",
            PlacementPlan.class, "1AC876A1D2E9E715",
            RolloutCommand.class, "CE58A4BE619FE276",
            RolloutStatus.class, "73EEC190754B38AA",
            RolloutVote.class, "F047A1F8AE04B98B",
            ShadowPair.class, "275A4A02F9DB358D");

    static Iterable<Class<? extends SpecificRecord>> publishedRecords() {
        return SchemaFiles.publishedRecords();
    }

    @ParameterizedTest
    @MethodSource("publishedRecords")
    void shouldShipTheAvscFileOfEveryPublishedRecordOnTheClasspath(Class<? extends SpecificRecord> type) {
        Schema fromFile = new Schema.Parser().parse(SchemaFiles.read(type));
        Schema generated = AvroCodec.of(type, AvroEncoding.BINARY).schema();

        assertThat(SchemaFiles.resourceName(type)).isEqualTo("io/polyroute/avro/" + type.getSimpleName() + ".avsc");
        assertThat(SchemaNormalization.parsingFingerprint64(fromFile))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(generated));
        assertThat(fromFile.getNamespace()).isEqualTo("io.polyroute.avro");
    }

    @ParameterizedTest
    @MethodSource("publishedRecords")
    void shouldKeepTheFingerprintOfEveryPublishedSchemaStable(Class<? extends SpecificRecord> type) {
        Schema schema = AvroCodec.of(type, AvroEncoding.BINARY).schema();

        assertThat(SingleObjectHeader.format(SingleObjectHeader.fingerprint(schema)))
                .as("fingerprint of %s", type.getSimpleName())
                .isEqualTo(FINGERPRINTS.get(type));
    }

    @ParameterizedTest
    @MethodSource("publishedRecords")
    void shouldDocumentEveryNamedTypeAndField(Class<? extends SpecificRecord> type) {
        assertDocumented(AvroCodec.of(type, AvroEncoding.BINARY).schema(), new HashSet<>());
    }

    @Test
    void shouldKeepTheEnumSymbolsInTheirPublishedOrder() {
        assertThat(DeadLetterReason.values())
                .extracting(Enum::name)
                .containsExactly(
                        "UNDECODABLE",
                        "NULL_VALUE",
                        "WRONG_DIMENSION",
                        "NON_FINITE",
                        "MISSING_ID",
                        "OVERSIZED",
                        "UNKNOWN_TASK",
                        "MODEL_ERROR",
                        "DUPLICATE",
                        "INCOMPLETE");
        assertThat(LoadSource.values()).extracting(Enum::name).containsExactly("GATE", "EXPERT");
    }

    @Test
    void shouldRefuseToReadTheFileOfANestedType() {
        assertThatThrownBy(() -> SchemaFiles.read(ModelRef.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "No schema file io/polyroute/avro/ModelRef.avsc on the classpath; files exist only for"
                                + " SensorReading, Prediction, DeadLetter, ExpertLoad, PlacementPlan, RolloutCommand, RolloutStatus, RolloutVote, ShadowPair.");
    }

    private static void assertDocumented(Schema schema, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                assertThat(schema.getDoc())
                        .as("doc of record %s", schema.getFullName())
                        .isNotBlank();
                for (Schema.Field field : schema.getFields()) {
                    assertThat(field.doc())
                            .as("doc of %s.%s", schema.getName(), field.name())
                            .isNotBlank();
                    assertDocumented(field.schema(), seen);
                }
            }
            case ENUM ->
                assertThat(schema.getDoc())
                        .as("doc of enum %s", schema.getFullName())
                        .isNotBlank();
            case ARRAY -> assertDocumented(schema.getElementType(), seen);
            case MAP -> assertDocumented(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(branch -> assertDocumented(branch, seen));
            default -> {}
        }
    }
}
