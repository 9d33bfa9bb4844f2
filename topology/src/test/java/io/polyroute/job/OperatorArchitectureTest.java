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
package io.polyroute.job;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The job stays thin and small: operators call the core, never ONNX Runtime directly, and nothing
 * in the job jar reaches for the model kit, the in-process broker, the monitor, the command line
 * or the benchmarks.
 */
class OperatorArchitectureTest {
    private final JavaClasses job = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.polyroute.job", "io.polyroute.kafka");

    @Test
    void operatorsNeverImportOnnxRuntime() {
        noClasses()
                .that()
                .resideInAPackage("io.polyroute.job..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("ai.onnxruntime..")
                .check(job);
    }

    @Test
    void operatorsHoldNoRoutingMathOfTheirOwn() {
        noClasses()
                .that()
                .resideInAPackage("io.polyroute.job.operators..")
                .should()
                .dependOnClassesThat()
                .haveSimpleName("Gating")
                .check(job);
    }

    @Test
    void theJobImportsNoModelKitBrokerMonitorCommandLineOrBenchmarks() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "io.polyroute.kit..",
                        "io.polyroute.embedded..",
                        "io.polyroute.monitor..",
                        "io.polyroute.cli..",
                        "io.polyroute.demo..",
                        "io.polyroute.ops..",
                        "io.polyroute.bench..",
                        "kafka.server..",
                        "org.apache.kafka.streams..")
                .check(job);
    }
}
