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

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What the gate reads: the stage's (encoded) input, or the one-hot of the record's task. */
public enum GateInput {
    FEATURES("features"),
    TASK("task");

    private final String key;

    GateInput(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<GateInput> parse(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }

    public static String allKeys() {
        return Arrays.stream(values()).map(GateInput::key).collect(Collectors.joining(", "));
    }
}
