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
package io.polyroute.job.rollout;

import java.nio.charset.StandardCharsets;
import org.apache.commons.codec.digest.MurmurHash3;

/**
 * The canary split (docs/rollouts.md): {@code bucket(id) = unsigned(h) mod 10000}, {@code h} the
 * first 64-bit word of the MurmurHash3 x64 128-bit hash (seed 0) of the id's UTF-8 bytes. A record
 * goes to the candidate iff its bucket is below {@code round(share · 10000)}: the same answer on
 * every subtask, after every restart and rescale; a larger share only adds ids.
 */
public final class CanaryHash {
    /** Buckets of the split: shares resolve to 1/10000. */
    public static final int BUCKETS = 10_000;

    private CanaryHash() {}

    /** The bucket of {@code eventId}, in {@code [0, BUCKETS)}. */
    public static int bucket(String eventId) {
        long h = MurmurHash3.hash128x64(eventId.getBytes(StandardCharsets.UTF_8))[0];
        return (int) Long.remainderUnsigned(h, BUCKETS);
    }

    /** Buckets taken by {@code share}, in {@code [0, BUCKETS]}. */
    public static int threshold(double share) {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("A canary share must be between 0 and 1, but is " + share + ".");
        }
        return (int) Math.round(share * BUCKETS);
    }

    /** Whether a canary of {@code share} serves {@code eventId}. */
    public static boolean inCanary(String eventId, double share) {
        return bucket(eventId) < threshold(share);
    }
}
