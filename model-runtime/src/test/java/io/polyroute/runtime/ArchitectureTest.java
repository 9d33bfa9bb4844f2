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
