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

import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.java.tuple.Tuple2;

/**
 * Decoded records bound for one subtask of a keyed operator, with each record's 128-bit key, sent
 * across a shuffle as one element: Flink's per-element cost (record writer, mailbox,
 * deserialisation) is then paid once per batch. Every record of a batch belongs to the key-group
 * range of {@link #target} out of {@link #subtasks} subtasks; the receiving operator sets each
 * record's key itself.
 */
@TypeInfo(InFlightBatchSerializer.Factory.class)
public final class InFlightBatch {
    /** The receiving subtask. */
    public int target;
    /** The receiving operator's parallelism the batch was grouped for. */
    public int subtasks;

    private int size;
    private long[] keyHigh;
    private long[] keyLow;
    private InFlight[] records;

    /** An empty batch for {@code target} of {@code subtasks} with room for {@code capacity} records. */
    public InFlightBatch(int target, int subtasks, int capacity) {
        this.target = target;
        this.subtasks = subtasks;
        int c = Math.max(1, capacity);
        this.keyHigh = new long[c];
        this.keyLow = new long[c];
        this.records = new InFlight[c];
    }

    /** Appends {@code record} with its key halves. */
    public void add(long high, long low, InFlight record) {
        if (size == records.length) {
            int c = 2 * size;
            keyHigh = Arrays.copyOf(keyHigh, c);
            keyLow = Arrays.copyOf(keyLow, c);
            records = Arrays.copyOf(records, c);
        }
        keyHigh[size] = high;
        keyLow[size] = low;
        records[size] = record;
        size++;
    }

    public int size() {
        return size;
    }

    public long keyHigh(int i) {
        return keyHigh[check(i)];
    }

    public long keyLow(int i) {
        return keyLow[check(i)];
    }

    public InFlight record(int i) {
        return records[check(i)];
    }

    /** The key of record {@code i}, as the keyed state sees it. */
    public Tuple2<Long, Long> key(int i) {
        return Tuple2.of(keyHigh(i), keyLow(i));
    }

    private int check(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("Record " + i + " of a batch of " + size + ".");
        }
        return i;
    }

    @Override
    public String toString() {
        return "InFlightBatch{target=" + target + "/" + subtasks + ", size=" + size + "}";
    }
}
