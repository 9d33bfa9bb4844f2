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
package io.polyroute.monitor.aggregate;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Load per (stage, expert, slot) over one window: records, service time and the peak queue
 * depth. From it come the load per expert, the load per slot, the expert × slot heat map and the
 * imbalance. Slot {@value #UNPLACED} holds demand counted before a slot was chosen (the gate's
 * load reports).
 *
 * <p>Mutable: the {@code add} methods change this matrix and return it.
 */
public final class LoadMatrix {

    /** The slot of load that has no slot yet: demand as the gate routed it. */
    public static final int UNPLACED = -1;

    private static final String TYPE = "LoadMatrix";
    /** stage, expert, slot (ints), records, service nanos (longs), queue depth (int). */
    private static final int CELL_BYTES = 3 * 4 + 2 * 8 + 4;

    private final NavigableMap<Cell, Load> cells = new TreeMap<>();

    /** An empty matrix. */
    public static LoadMatrix empty() {
        return new LoadMatrix();
    }

    /** Adds load to one cell; the queue depth keeps its peak. */
    public LoadMatrix add(int stage, int expert, int slot, long records, long serviceNanos, int queueDepth) {
        Load load = cells.computeIfAbsent(new Cell(stage, expert, slot), c -> new Load());
        load.records += records;
        load.serviceNanos += serviceNanos;
        load.peakQueueDepth = Math.max(load.peakQueueDepth, queueDepth);
        return this;
    }

    /** Adds every cell of {@code other}. */
    public LoadMatrix add(LoadMatrix other) {
        other.cells.forEach(
                (c, l) -> add(c.stage(), c.expert(), c.slot(), l.records, l.serviceNanos, l.peakQueueDepth));
        return this;
    }

    /** Every cell with its load, ordered by stage, expert and slot. */
    public Map<Cell, Load> cells() {
        return Collections.unmodifiableMap(cells);
    }

    /** Whether no load was recorded. */
    public boolean isEmpty() {
        return cells.isEmpty();
    }

    /** Records over every cell, placed or not. */
    public long totalRecords() {
        return cells.values().stream().mapToLong(l -> l.records).sum();
    }

    /** Records per slot, slots in ascending order; unplaced demand is left out. */
    public NavigableMap<Integer, Long> recordsBySlot() {
        NavigableMap<Integer, Long> out = new TreeMap<>();
        cells.forEach((c, l) -> {
            if (c.slot() != UNPLACED) {
                out.merge(c.slot(), l.records, Long::sum);
            }
        });
        return out;
    }

    /** Records per expert over every slot (unplaced demand included). */
    public NavigableMap<ExpertKey, Long> recordsByExpert() {
        NavigableMap<ExpertKey, Long> out = new TreeMap<>();
        cells.forEach((c, l) -> out.merge(c.expertKey(), l.records, Long::sum));
        return out;
    }

    /** Service nanoseconds per expert over every slot. */
    public NavigableMap<ExpertKey, Long> serviceNanosByExpert() {
        NavigableMap<ExpertKey, Long> out = new TreeMap<>();
        cells.forEach((c, l) -> out.merge(c.expertKey(), l.serviceNanos, Long::sum));
        return out;
    }

    /** Peak queue depth per slot. */
    public NavigableMap<Integer, Integer> peakQueueDepthBySlot() {
        NavigableMap<Integer, Integer> out = new TreeMap<>();
        cells.forEach((c, l) -> {
            if (c.slot() != UNPLACED) {
                out.merge(c.slot(), l.peakQueueDepth, Math::max);
            }
        });
        return out;
    }

    /** The highest slot index with load, or -1 when no slot has any. */
    public int highestSlot() {
        NavigableMap<Integer, Long> bySlot = recordsBySlot();
        return bySlot.isEmpty() ? -1 : bySlot.lastKey();
    }

    /**
     * Imbalance of the slot loads: the largest slot load divided by the mean over {@code slots}
     * slots, where slots without load count as zero (1.0 is perfect balance). The slot count is
     * raised to cover every slot with load.
     *
     * @return the imbalance, or NaN when no slot has load
     */
    public double imbalance(int slots) {
        NavigableMap<Integer, Long> bySlot = recordsBySlot();
        long total = bySlot.values().stream().mapToLong(Long::longValue).sum();
        if (total == 0) {
            return Double.NaN;
        }
        int n = Math.max(slots, bySlot.lastKey() + 1);
        long max = bySlot.values().stream().mapToLong(Long::longValue).max().orElse(0);
        return max / ((double) total / n);
    }

    /** The matrix in a compact binary form behind a format version byte. */
    public byte[] toBytes() {
        ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + cells.size() * CELL_BYTES);
        buffer.put(Encoding.VERSION).putInt(cells.size());
        cells.forEach((c, l) -> buffer.putInt(c.stage())
                .putInt(c.expert())
                .putInt(c.slot())
                .putLong(l.records)
                .putLong(l.serviceNanos)
                .putInt(l.peakQueueDepth));
        return buffer.array();
    }

    /**
     * Reads a matrix written by {@link #toBytes()}.
     *
     * @throws IllegalArgumentException if the bytes are not such a matrix
     */
    public static LoadMatrix fromBytes(byte[] bytes) {
        ByteBuffer buffer = Encoding.open(bytes, TYPE);
        int count = Encoding.readCount(buffer, CELL_BYTES, TYPE);
        LoadMatrix matrix = new LoadMatrix();
        for (int i = 0; i < count; i++) {
            matrix.add(
                    buffer.getInt(),
                    buffer.getInt(),
                    buffer.getInt(),
                    buffer.getLong(),
                    buffer.getLong(),
                    buffer.getInt());
        }
        Encoding.requireConsumed(buffer, TYPE);
        return matrix;
    }

    /** The serde of this type, for state stores and their changelogs. */
    public static AggregateSerde<LoadMatrix> serde() {
        return AggregateSerde.of(LoadMatrix.class, LoadMatrix::toBytes, LoadMatrix::fromBytes);
    }

    @Override
    public String toString() {
        return "LoadMatrix" + cells;
    }

    /**
     * One cell of the matrix.
     *
     * @param stage pipeline stage
     * @param expert expert within the stage
     * @param slot expert slot, or {@link #UNPLACED}
     */
    public record Cell(int stage, int expert, int slot) implements Comparable<Cell> {

        /** The expert of this cell. */
        public ExpertKey expertKey() {
            return new ExpertKey(stage, expert);
        }

        @Override
        public int compareTo(Cell o) {
            int byExpert = expertKey().compareTo(o.expertKey());
            return byExpert != 0 ? byExpert : Integer.compare(slot, o.slot);
        }
    }

    /** The load of one cell. */
    public static final class Load {
        private long records;
        private long serviceNanos;
        private int peakQueueDepth;

        /** Records routed to or served by the cell's expert on the cell's slot. */
        public long records() {
            return records;
        }

        /** Time spent running the expert, in nanoseconds (0 when only routing was seen). */
        public long serviceNanos() {
            return serviceNanos;
        }

        /** Largest queue depth reported for the cell. */
        public int peakQueueDepth() {
            return peakQueueDepth;
        }

        @Override
        public String toString() {
            return "{records=" + records + ", serviceNanos=" + serviceNanos + ", peakQueueDepth=" + peakQueueDepth
                    + "}";
        }
    }
}
