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

import io.polyroute.kit.BundlePacker;
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code polyroute bundle pack DIR [--reference] [--out DIR2]}: finish a bundle whose ONNX files
 * and {@code bundle.yaml} were written outside Polyroute (see {@code docs/bring-your-own-model.md}).
 */
@Command(
        name = "pack",
        mixinStandardHelpOptions = true,
        description = {
            "Finish a bundle of your own ONNX files: check every model's inputs and outputs against",
            "bundle.yaml, write the SHA-256 checksums of the files it names, and with --reference compose",
            "reference.onnx from your own graphs so that 'score --check-reference' can check the engine.",
            "Exits 2 with a message naming the file and how to fix it when something is refused; the",
            "original bundle.yaml is then left as it was."
        })
final class BundlePackCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "DIR",
            description = "Bundle folder: bundle.yaml (checksums may be missing or stale) and the version folder.")
    Path dir;

    @Option(
            names = "--reference",
            description = "Compose the dense reference.onnx (or the manifest's reference.file) from the bundle's "
                    + "gate, encoder, expert and shared expert graphs.")
    boolean reference;

    @Option(
            names = "--out",
            paramLabel = "DIR2",
            description = "Write the packed bundle to this new or empty folder instead of packing DIR in place.")
    Path out;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        ModelBundle b;
        try {
            b = BundlePacker.pack(dir, reference, out, System.out::println);
        } catch (BundleValidationException e) {
            System.err.println("INVALID " + e.getMessage());
            return 2;
        }
        System.out.printf(
                "packed %s version %s in %s (%.1f s)%s%n",
                b.name(),
                b.version(),
                b.root(),
                (System.nanoTime() - t0) / 1e9,
                b.hasReference()
                        ? ", with reference model " + b.manifest().reference().file()
                        : "");
        return 0;
    }
}
