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
