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

/**
 * What COMBINE holds for one record until it is complete: the header (once it arrived) and the
 * expert results received so far, in arrival order. One keyed-state entry per record in flight.
 */
public class Pending {
    /** The record's header, or null while only results have arrived. */
    public RecordHeader header;
    /** Experts whose result arrived, in arrival order; the first {@link #received} entries are valid. */
    public int[] experts = new int[0];
    /** Their output rows (an empty row for a failed expert), parallel to {@link #experts}. */
    public float[][] outputs = new float[0][];

    public int received;
    /** The first expert failure of this record, or null. */
    public String failure;
    /**
     * Processing time at which COMBINE gives up on the record (its timer); 0 when none is set yet,
     * e.g. in state restored from a build without timers.
     */
    public long deadline;

    public Pending() {}

    /** Adds one expert result; a repeated result of the same expert replaces the earlier one. */
    public void add(int expert, float[] output) {
        for (int i = 0; i < received; i++) {
            if (experts[i] == expert) {
                outputs[i] = output;
                return;
            }
        }
        if (received == experts.length) {
            int n = Math.max(2, received * 2);
            experts = Arrays.copyOf(experts, n);
            outputs = Arrays.copyOf(outputs, n);
        }
        experts[received] = expert;
        outputs[received] = output;
        received++;
    }

    /** Whether the header and one result per visited expert are here. */
    public boolean complete() {
        return header != null && received >= header.visited();
    }

    /** The received output of {@code expert}, or null. */
    public float[] outputOf(int expert) {
        for (int i = 0; i < received; i++) {
            if (experts[i] == expert) {
                return outputs[i];
            }
        }
        return null;
    }
}
