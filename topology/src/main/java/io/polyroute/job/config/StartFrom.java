package io.polyroute.job.config;

/** Where the monitor starts reading a topic for which its application has no committed offset. */
public enum StartFrom {
    /** The oldest record the topic still holds. */
    EARLIEST,
    /** Only records written after the monitor starts. */
    LATEST,
    /**
     * The first record written within one retention period before the start: a fresh monitor fills
     * its windows without reading older data. The position is looked up by timestamp, and a
     * partition with no such record yet starts at its end, so records written while the monitor
     * starts may be skipped.
     */
    RETENTION
}
