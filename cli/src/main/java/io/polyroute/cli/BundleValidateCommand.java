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
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code polyroute bundle validate DIR}: exit 0 only for a bundle that would be served. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = {
            "Validate a bundle: manifest, SHA-256 of every file, and each ONNX model's input/output",
            "names, element types and widths. Exits non-zero with a message naming the file and the",
            "mismatch on any defect."
        })
final class BundleValidateCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "Bundle folder (the one holding bundle.yaml).")
    Path dir;

    @Override
    public Integer call() {
        try {
            ModelBundle b = BundleLoader.load(dir);
            System.out.printf(
                    "OK %s version %s: %d stage(s), %d input features, %d outputs%s%n",
                    b.name(),
                    b.version(),
                    b.stageCount(),
                    b.inputDim(),
                    b.outputDim(),
                    b.hasReference() ? ", with reference model" : "");
            return 0;
        } catch (BundleValidationException e) {
            System.err.println("INVALID " + e.getMessage());
            return 2;
        }
    }
}
