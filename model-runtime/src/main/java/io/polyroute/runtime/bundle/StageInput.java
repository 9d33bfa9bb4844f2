package io.polyroute.runtime.bundle;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a stage reads: the record's features, the previous stage's output, or both concatenated. */
public enum StageInput {
    FEATURES("features"),
    PREVIOUS("previous"),
    /** {@code concat(x, y_prev)}: the record's features first, then the previous stage's output. */
    CONCAT("concat");

    private final String key;

    StageInput(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    public static Optional<StageInput> parse(String key) {
        return Arrays.stream(values()).filter(m -> m.key.equals(key)).findFirst();
    }

    public static String allKeys() {
        return Arrays.stream(values()).map(StageInput::key).collect(Collectors.joining(", "));
    }
}
