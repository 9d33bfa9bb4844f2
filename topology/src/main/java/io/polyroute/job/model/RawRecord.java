package io.polyroute.job.model;

/**
 * One Kafka record as read, before decoding: the bytes and where they came from, so that a record
 * that cannot be decoded still reaches the dead-letter topic intact.
 */
public class RawRecord {
    public byte[] key;
    public byte[] value;
    public String topic;
    public int partition;
    public long offset;
    /** Kafka record timestamp, milliseconds. */
    public long timestamp;
    /** When the job read the record, milliseconds. */
    public long readTime;

    public RawRecord() {}

    public RawRecord(
            byte[] key, byte[] value, String topic, int partition, long offset, long timestamp, long readTime) {
        this.key = key;
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.readTime = readTime;
    }
}
