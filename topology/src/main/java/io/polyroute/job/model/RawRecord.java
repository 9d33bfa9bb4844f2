/*
 * Copyright 2026 the Polyroute authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */
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
