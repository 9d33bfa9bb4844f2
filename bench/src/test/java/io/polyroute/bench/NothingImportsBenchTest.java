package io.polyroute.bench;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The benchmarks sit on top of the product: no other module may use them. */
class NothingImportsBenchTest {
    private final JavaClasses everything = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.polyroute");

    @Test
    void nothingOutsideTheBenchmarksImportsThem() {
        noClasses()
                .that()
                .resideOutsideOfPackage("io.polyroute.bench..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.polyroute.bench..")
                .check(everything);
    }
}
