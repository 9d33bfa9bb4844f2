package io.polyroute.monitor.aggregate;

/**
 * One expert of one pipeline stage.
 *
 * @param stage index of the stage (0 for the first)
 * @param expert index of the expert within the stage
 */
public record ExpertKey(int stage, int expert) implements Comparable<ExpertKey> {

    @Override
    public int compareTo(ExpertKey o) {
        return stage != o.stage ? Integer.compare(stage, o.stage) : Integer.compare(expert, o.expert);
    }

    /** A short label such as {@code s0·e3}. */
    public String label() {
        return "s" + stage + "\u00b7e" + expert;
    }
}
