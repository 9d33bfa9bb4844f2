package io.polyroute.runtime.bundle;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** Whether a stage has a gate of its own or reuses the previous stage's selection and weights. */
public enum RoutingMode {
    GATE("gate"),
    INHERIT("inherit");

    private final String key;

    RoutingMode(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<RoutingMode> parse(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }

    public static String allKeys() {
        return Arrays.stream(values()).map(RoutingMode::key).collect(Collectors.joining(", "));
    }
}
