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

import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.InFlightSerializer;

/**
 * A shadow in the expert-parallel mode (docs/rollouts.md): during a live shadow the first stage's
 * GATE sends every record twice, the served record as always (flagged {@link #SHADOWED}) and a
 * copy stamped with the shadow version, whose event id carries {@link #MARK} in front. The copy
 * travels through every stage as a record of its own (its tasks, results and headers carry the
 * marked id, so no record layout changes); COMBINE keys both by the plain id ({@link #key}), keeps
 * their parts apart, and the last stage pairs them. The input refuses event ids that begin with
 * the mark ({@link DecodeValidateFunction}), so a marked id is always a copy.
 */
public final class ShadowCopies {
    /** What a shadow copy's event id begins with: U+0000, which no accepted event id begins with. */
    public static final String MARK = "\u0000";

    /** The flag of a served record that has a shadow copy; removed before the prediction is written. */
    static final String SHADOWED = "\u0000shadowed";

    private ShadowCopies() {}

    /** Whether {@code eventId} is a shadow copy's. */
    public static boolean isCopy(String eventId) {
        return eventId.startsWith(MARK);
    }

    /** The event id a record and its shadow copy share: COMBINE's key. */
    public static String key(String eventId) {
        return isCopy(eventId) ? eventId.substring(MARK.length()) : eventId;
    }

    /** A copy of {@code rec} with the marked event id; {@code rec} gains the {@link #SHADOWED} flag. */
    static InFlight copyOf(InFlight rec) {
        InFlight copy = InFlightSerializer.INSTANCE.copy(rec);
        copy.eventId = MARK + rec.eventId;
        rec.addFlag(SHADOWED);
        return copy;
    }

    /** Whether {@code rec} is a served record with a shadow copy. */
    static boolean isShadowed(InFlight rec) {
        for (String f : rec.flags) {
            if (f.equals(SHADOWED)) {
                return true;
            }
        }
        return false;
    }

    /** Removes the {@link #SHADOWED} flag from {@code rec}. */
    static void unflag(InFlight rec) {
        int n = 0;
        String[] kept = new String[rec.flags.length];
        for (String f : rec.flags) {
            if (!f.equals(SHADOWED)) {
                kept[n++] = f;
            }
        }
        rec.flags = java.util.Arrays.copyOf(kept, n);
    }
}
