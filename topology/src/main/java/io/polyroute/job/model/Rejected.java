package io.polyroute.job.model;

/**
 * A record the job refuses, on its way to the dead-letter topic. {@link #reason} is the name of a
 * {@code DeadLetterReason} constant.
 */
public class Rejected {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    public String reason;
    public String message;
    public String eventId;
    public long time;

    public Rejected() {}

    public static Rejected of(RawRecord raw, String reason, String message, String eventId) {
        Rejected r = new Rejected();
        r.key = raw.key;
        r.value = raw.value;
        r.topic = raw.topic;
        r.partition = raw.partition;
        r.offset = raw.offset;
        r.reason = reason;
        r.message = message;
        r.eventId = eventId;
        r.time = System.currentTimeMillis();
        return r;
    }

    public static Rejected of(InFlight rec, String reason, String message) {
        Rejected r = new Rejected();
        r.key = rec.rawKey;
        r.value = rec.rawValue;
        r.topic = rec.topic;
        r.partition = rec.partition;
        r.offset = rec.offset;
        r.reason = reason;
        r.message = message;
        r.eventId = rec.eventId;
        r.time = System.currentTimeMillis();
        return r;
    }
}
