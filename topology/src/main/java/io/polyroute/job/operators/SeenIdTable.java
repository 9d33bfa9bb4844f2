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
package io.polyroute.job.operators;

import java.util.Arrays;

/**
 * The event ids one Kafka partition delivered within the dedupe horizon, for
 * {@link PartitionDedupeFunction}: 128-bit id hashes with their first sighting, in insertion order,
 * in primitive arrays. A ring of entries keeps the order, so expiry drops from the head at a cost
 * in proportion to inserts; an open-addressing index (linear probing, at most half full) finds an
 * id. No object is allocated per id: a partition that sees a million ids within the horizon holds
 * about 40 MB here, not the 90 MB a linked hash map of boxed entries needs.
 *
 * <p>An id added again after its entry counted as expired (a clock step back left it behind)
 * leaves a dead entry in the ring and a new one at the tail, as a remove-and-put on a
 * {@link java.util.LinkedHashMap} moves it.
 */
final class SeenIdTable {
    private static final int MIN_CAPACITY = 16;

    // The ring: sequence numbers head..tail-1 at positions seq & ringMask; dead entries are skipped.
    private long[] high;
    private long[] low;
    private long[] time;
    private boolean[] live;
    private int ringMask;
    private long head;
    private long tail;
    private int size;

    // The index: 0 = empty, otherwise the ring sequence number + 1 of a live entry.
    private long[] index;
    private int indexMask;

    SeenIdTable() {
        allocateRing(MIN_CAPACITY);
        index = new long[2 * MIN_CAPACITY];
        indexMask = index.length - 1;
    }

    /** Live ids. */
    int size() {
        return size;
    }

    /** Drops, from the head, the entries first seen at or before {@code cutoff}. */
    void expire(long cutoff) {
        while (head < tail) {
            int p = (int) head & ringMask;
            if (live[p]) {
                if (time[p] > cutoff) {
                    return;
                }
                removeFromIndex(slotOf(high[p], low[p]));
                live[p] = false;
                size--;
            }
            head++;
        }
    }

    /**
     * Adds the id unless it was seen after {@code cutoff}; an older entry left behind a clock
     * step back counts as expired and is replaced by one at the tail.
     */
    boolean addIfAbsent(long h, long l, long t, long cutoff) {
        int slot = slotOf(h, l);
        if (slot >= 0) {
            int p = (int) (index[slot] - 1) & ringMask;
            if (time[p] > cutoff) {
                return false;
            }
            removeFromIndex(slot);
            live[p] = false;
            size--;
        }
        append(h, l, t);
        return true;
    }

    /** Adds restored entries {@code (high, low, first seen)*}; an id already here takes the later entry's time in place. */
    void addAll(long[] entries) {
        for (int i = 0; i + 2 < entries.length; i += 3) {
            int slot = slotOf(entries[i], entries[i + 1]);
            if (slot >= 0) {
                time[(int) (index[slot] - 1) & ringMask] = entries[i + 2];
            } else {
                append(entries[i], entries[i + 1], entries[i + 2]);
            }
        }
    }

    /** The live entries, oldest first, as {@code (high, low, first seen)*}. */
    long[] toArray() {
        long[] out = new long[size * 3];
        int i = 0;
        for (long s = head; s < tail; s++) {
            int p = (int) s & ringMask;
            if (live[p]) {
                out[i++] = high[p];
                out[i++] = low[p];
                out[i++] = time[p];
            }
        }
        return out;
    }

    private void append(long h, long l, long t) {
        if (tail - head == high.length) {
            // Compact when dead entries take at least a quarter of the ring, otherwise grow.
            rebuild(size <= high.length * 3L / 4 ? high.length : 2 * high.length);
        } else if (2L * (size + 1) > index.length) {
            rebuild(high.length);
        }
        int p = (int) tail & ringMask;
        high[p] = h;
        low[p] = l;
        time[p] = t;
        live[p] = true;
        index[-slotOf(h, l) - 1] = tail + 1;
        tail++;
        size++;
    }

    /** The index slot of the id, or {@code -(free slot) - 1} when absent. */
    private int slotOf(long h, long l) {
        int i = home(h, l);
        while (true) {
            long e = index[i];
            if (e == 0) {
                return -i - 1;
            }
            int p = (int) (e - 1) & ringMask;
            if (high[p] == h && low[p] == l) {
                return i;
            }
            i = (i + 1) & indexMask;
        }
    }

    private int home(long h, long l) {
        // The ids are already 128-bit hashes; fold and spread them over the index.
        long x = (h ^ l) * 0x9E3779B97F4A7C15L;
        return (int) (x >>> 32) & indexMask;
    }

    /** Removes index slot {@code i}, shifting later entries of its probe run back (no tombstones). */
    private void removeFromIndex(int i) {
        int j = i;
        while (true) {
            j = (j + 1) & indexMask;
            long e = index[j];
            if (e == 0) {
                break;
            }
            int p = (int) (e - 1) & ringMask;
            int k = home(high[p], low[p]);
            // Move the entry at j back to i unless its home lies cyclically in (i, j].
            boolean stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays) {
                index[i] = e;
                i = j;
            }
        }
        index[i] = 0;
    }

    /** Copies the live entries, in order, into a ring of {@code capacity} and rebuilds the index. */
    private void rebuild(int capacity) {
        long[] oh = high;
        long[] ol = low;
        long[] ot = time;
        boolean[] olive = live;
        int omask = ringMask;
        long ohead = head;
        long otail = tail;
        allocateRing(capacity);
        int n = 0;
        for (long s = ohead; s < otail; s++) {
            int p = (int) s & omask;
            if (olive[p]) {
                high[n] = oh[p];
                low[n] = ol[p];
                time[n] = ot[p];
                live[n] = true;
                n++;
            }
        }
        head = 0;
        tail = n;
        size = n;
        int indexCapacity = Integer.highestOneBit(Math.max(2 * MIN_CAPACITY, 4 * (n + 1)) - 1) << 1;
        if (index.length != indexCapacity) {
            index = new long[indexCapacity];
            indexMask = indexCapacity - 1;
        } else {
            Arrays.fill(index, 0);
        }
        for (int s = 0; s < n; s++) {
            index[-slotOf(high[s], low[s]) - 1] = s + 1L;
        }
    }

    private void allocateRing(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        time = new long[capacity];
        live = new boolean[capacity];
        ringMask = capacity - 1;
    }
}
