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
package io.polyroute.cli;

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.BundleSummary;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.SlotFootprint;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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

    @Option(
            names = "--memory",
            description = "Also measure one EXPERT slot's memory: open every session of the "
                    + "bundle with one intra-op thread, run a batch through each, and print the growth of the resident set "
                    + "(native memory) and of the Java heap.")
    boolean memory;

    @Option(
            names = "--batch",
            defaultValue = "256",
            paramLabel = "N",
            description = "Rows per run for --memory (default: ${DEFAULT-VALUE}, batching.expert.size's default).")
    int batch;

    @Option(
            names = "--copies",
            defaultValue = "32",
            paramLabel = "N",
            description = "Slots' worth of sessions --memory opens and averages over (default: ${DEFAULT-VALUE}).")
    int copies;

    @Override
    public Integer call() throws Exception {
        try {
            ModelBundle bundle = BundleLoader.load(dir);
            System.out.print(BundleSummary.of(bundle));
            if (memory) {
                SlotFootprint.Result r = SlotFootprint.measure(
                        bundle, RuntimeOptions.builder().intraOpThreads(1).build(), batch, copies);
                System.out.println(footprint(r));
            }
            return 0;
        } catch (BundleValidationException e) {
            System.err.println("INVALID " + e.getMessage());
            return 2;
        }
    }

    static String footprint(SlotFootprint.Result r) {
        if (r.rssBytes() < 0) {
            return String.format(
                    Locale.ROOT,
                    "memory per slot: %d sessions, batch %d: java heap %.1f MiB; resident set "
                            + "unavailable on this platform (no /proc/self/status)",
                    r.sessions(),
                    r.batch(),
                    mib(r.heapBytes()));
        }
        return String.format(
                Locale.ROOT,
                "memory per slot: %d sessions, batch %d: resident set +%.2f MiB (java heap "
                        + "+%.2f MiB, the rest native); %.2f MiB per expert session",
                r.sessions(),
                r.batch(),
                mib(r.rssBytes()),
                mib(r.heapBytes()),
                mib(r.rssPerExpert()));
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }
}
