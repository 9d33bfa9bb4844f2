package io.polyroute.job.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What travels between the GATE, EXPERT and COMBINE operators of one stage, keyed by event id:
 * <ul>
 *   <li>{@link #TASK}: GATE → EXPERT, one per (record, visited expert): the encoded row to run;
 *   <li>{@link #RESULT}: EXPERT → COMBINE: the expert's output row (or an error);
 *   <li>{@link #HEADER}: GATE → COMBINE, one per record: the record, its routing decision and
 *       the shared expert's row.
 * </ul>
 */
@TypeInfo(PartSerializer.Factory.class)
public class Part {
    public static final byte TASK = 1;
    public static final byte RESULT = 2;
    public static final byte HEADER = 3;

    public byte kind;
    public String eventId;
    public int stage;
    /** TASK/RESULT: the expert. */
    public int expert;
    /** TASK/RESULT: the slot chosen for the expert; HEADER: unused. */
    public int slot;
    /** TASK: encoded input row; RESULT: expert output row. */
    public float[] vector;
    /** RESULT: why the expert failed on this record, else null. */
    public String error;
    /** TASK: when the gate emitted it (ns, for queue delay metrics). */
    public long emittedNanos;

    /** HEADER: the record. */
    public InFlight record;
    /** HEADER: routing groups and experts per group. */
    public int groups;

    public int k;
    /** HEADER: selected experts {@code [groups·k]} and their weights. */
    public int[] selected;

    public float[] weights;
    /** HEADER: slot of each entry of {@link #selected}. */
    public int[] slots;
    /** HEADER: how many distinct experts the record visits (results to wait for). */
    public int visited;
    /** HEADER: the shared expert's output row, or null. */
    public float[] shared;
    /** HEADER: how optional balancing changed the selection ({@code RoutingDecision} reroute bits, 0 for not). */
    public int reroutes;

    public Part() {}

    public static Part task(String eventId, int stage, int expert, int slot, float[] row) {
        Part p = new Part();
        p.kind = TASK;
        p.eventId = eventId;
        p.stage = stage;
        p.expert = expert;
        p.slot = slot;
        p.vector = row;
        p.emittedNanos = System.nanoTime();
        return p;
    }

    public static Part result(Part task, float[] output, String error) {
        Part p = new Part();
        p.kind = RESULT;
        p.eventId = task.eventId;
        p.stage = task.stage;
        p.expert = task.expert;
        p.slot = task.slot;
        p.vector = output;
        p.error = error;
        return p;
    }
}
