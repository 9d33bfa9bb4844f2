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
