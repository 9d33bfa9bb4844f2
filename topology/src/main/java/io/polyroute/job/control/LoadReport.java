package io.polyroute.job.control;

/**
 * The load one operator subtask saw for one stage in one window: records routed to (GATE) or
 * served by (EXPERT) each expert, the service time, and the queue depth at the window's end.
 */
public class LoadReport {
    public static final String GATE = "GATE";
    public static final String EXPERT = "EXPERT";

    public String source;
    public int subtask;
    public int stage;
    public long windowStart;
    public long windowEnd;
    public long planVersion;
    public long[] records;
    public long[] serviceNanos;
    public int[] queueDepth;

    public LoadReport() {}

    public static LoadReport empty(
            String source, int subtask, int stage, int experts, long windowStart, long windowEnd, long planVersion) {
        LoadReport r = new LoadReport();
        r.source = source;
        r.subtask = subtask;
        r.stage = stage;
        r.windowStart = windowStart;
        r.windowEnd = windowEnd;
        r.planVersion = planVersion;
        r.records = new long[experts];
        r.serviceNanos = new long[experts];
        r.queueDepth = new int[experts];
        return r;
    }
}
