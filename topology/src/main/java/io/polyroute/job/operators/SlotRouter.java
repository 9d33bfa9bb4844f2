package io.polyroute.job.operators;

import java.io.Serializable;

/** Picks the EXPERT slot that serves (stage, expert) for a record. */
@FunctionalInterface
public interface SlotRouter extends Serializable {

    int slotFor(int stage, int expert, String eventId);

    /** The static default: expert {@code e} of every stage on slot {@code e mod slots}. */
    static SlotRouter roundRobin(int slots) {
        return (stage, expert, eventId) -> Math.floorMod(expert, slots);
    }
}
