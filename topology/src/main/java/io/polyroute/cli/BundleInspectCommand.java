package io.polyroute.cli;

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleSummary;
import io.polyroute.runtime.bundle.BundleValidationException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code polyroute bundle inspect DIR}: a readable summary of a bundle. */
@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "Validate a bundle and print its stages, experts, widths, parameter counts, combine,"
                + " checksums and quality figures.")
final class BundleInspectCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Bundle folder (the one holding bundle.yaml).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        try {
            System.out.print(BundleSummary.of(BundleLoader.load(dir)));
            return 0;
        } catch (BundleValidationException e) {
            System.err.println("INVALID " + e.getMessage());
            return 2;
        }
    }
}
