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
package io.polyroute.runtime.bundle;

import java.nio.file.Path;

/**
 * A bundle was refused. The message names the file and the mismatch, e.g. {@code
 * models/factory/1/experts/e03.onnx: output 'y' has width 16, but the manifest declares
 * expert_output_dim 32 (stage 's0')}.
 */
public class BundleValidationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    public BundleValidationException(Path file, String message) {
        super(file + ": " + message);
        this.file = file;
    }

    public BundleValidationException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
        this.file = file;
    }

    /** The file that failed validation (the manifest for structural errors). */
    public Path file() {
        return file;
    }
}
