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
package io.polyroute.job.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Masks secrets in configuration dumps and log lines. A key is sensitive when it contains
 * {@code password}, {@code secret} or {@code sasl.jaas.config}, in any case, so
 * {@code kafka.properties.ssl.keystore.password} and {@code kafka.properties.sasl.jaas.config}
 * are both masked.
 */
public final class Redaction {

    /** What a sensitive value is replaced with. */
    public static final String MASK = "******";

    private static final List<String> SENSITIVE_PARTS = List.of("password", "secret", "sasl.jaas.config");

    private Redaction() {}

    /** Whether the value of {@code key} must not be shown. */
    public static boolean isSensitive(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return SENSITIVE_PARTS.stream().anyMatch(lower::contains);
    }

    /** A copy of {@code values}, in the same order, with the values of sensitive keys masked. */
    public static Map<String, String> redact(Map<String, String> values) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, isSensitive(k) ? MASK : v));
        return out;
    }
}
