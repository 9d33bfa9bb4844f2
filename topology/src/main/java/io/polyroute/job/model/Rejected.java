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
