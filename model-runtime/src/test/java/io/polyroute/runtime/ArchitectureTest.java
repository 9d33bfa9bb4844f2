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
package io.polyroute.runtime;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The servable core stays usable without Flink, Kafka or the model kit: a TaskManager loads it,
 * and a unit test can gate, run experts and combine with nothing else on the classpath.
 */
class ArchitectureTest {
    private final JavaClasses core = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.polyroute.runtime");

    @Test
    void modelRuntimeImportsNoFlink() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.flink..")
                .check(core);
    }

    @Test
    void modelRuntimeImportsNoKafka() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("org.apache.kafka..")
                .check(core);
    }

    @Test
    void modelRuntimeImportsNoModelKit() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.polyroute.kit..")
                .check(core);
    }

    @Test
    void modelRuntimeDoesNotDependOnTheWireContracts() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.polyroute.avro..")
                .check(core);
    }
}
