package io.polyroute.monitor;

/** Where the monitor starts reading a topic for which its application has no committed offset. */
public enum StartFrom {
    /** The oldest record the topic still holds. */
    EARLIEST,
    /** Only records written after the monitor starts. */
    LATEST,
    /** The first record written within one retention period before the start, so a fresh monitor fills its windows. */
    RETENTION
}
