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
package io.polyroute.runtime.onnx;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where ONNX Runtime executes a session; also the type of the job option {@code runtime.device}. */
public enum Device {
    /** CUDA when a usable GPU and the GPU build are present, CPU otherwise (one log line says why). */
    AUTO,
    /** CUDA or fail: session creation throws when the CUDA provider cannot be added. */
    CUDA,
    /** CPU only. */
    CPU;

    public static Device parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "Unknown device '" + s + "'; expected one of "
                            + Arrays.stream(values())
                                    .map(d -> d.name().toLowerCase(Locale.ROOT))
                                    .collect(Collectors.joining(", ")),
                    e);
        }
    }
}
