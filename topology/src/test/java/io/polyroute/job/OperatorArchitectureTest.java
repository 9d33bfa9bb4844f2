package io.polyroute.job;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Operators stay thin: they call the core, never ONNX Runtime directly (STYLE 11). */
class OperatorArchitectureTest {
    private final JavaClasses job = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.polyroute.job", "io.polyroute.monitor", "io.polyroute.demo");

    @Test
    void operatorsNeverImportOnnxRuntime() {
        noClasses().that().resideInAPackage("io.polyroute.job..")
                .should().dependOnClassesThat().resideInAPackage("ai.onnxruntime..")
                .check(job);
    }

    @Test
    void operatorsHoldNoRoutingMathOfTheirOwn() {
        noClasses().that().resideInAPackage("io.polyroute.job.operators..")
                .should().dependOnClassesThat().haveSimpleName("Gating")
                .check(job);
    }
}
