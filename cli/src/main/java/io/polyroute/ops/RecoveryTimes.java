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
package io.polyroute.ops;

import java.util.ArrayList;
import java.util.List;

/**
 * How long the job took to recover from each kill: from the kill until committed output moved
 * again after the job's restart (or, when the job did not restart, after the kill). Pure function
 * of the samples and the kill times, so it can be tested without a cluster.
 */
final class RecoveryTimes {
    private RecoveryTimes() {}

    /**
     * A process killed at {@code millis}, or a network fault ({@code fault}) that began then.
     */
    record Kill(long millis, String what, boolean fault) {
        Kill(long millis, String what) {
            this(millis, what, false);
        }
    }

    /**
     * The recovery of one kill.
     *
     * @param restartedMillis when the job restarted after the kill (the JobManager's timestamp, or
     *     the first sample that saw the restart count go up), -1 if it did not
     * @param resumedMillis when committed output first moved after that, -1 if it never did
     */
    record Recovery(Kill kill, long restartedMillis, long resumedMillis) {
        boolean recovered() {
            return resumedMillis >= 0;
        }

        double seconds() {
            return recovered() ? (resumedMillis - kill.millis()) / 1000.0 : Double.NaN;
        }

        double restartSeconds() {
            return restartedMillis >= 0 ? (restartedMillis - kill.millis()) / 1000.0 : Double.NaN;
        }
    }

    /** Recovery of every kill, in kill order; samples must be in time order. */
    static List<Recovery> compute(List<Sample> samples, List<Kill> kills) {
        List<Recovery> out = new ArrayList<>();
        for (int k = 0; k < kills.size(); k++) {
            Kill kill = kills.get(k);
            long until = k + 1 < kills.size() ? kills.get(k + 1).millis() : Long.MAX_VALUE;
            out.add(one(samples, kill, until));
        }
        return out;
    }

    private static Recovery one(List<Sample> samples, Kill kill, long nextKill) {
        long restartsBefore = 0;
        for (Sample s : samples) {
            if (s.millis() > kill.millis()) {
                break;
            }
            restartsBefore = Math.max(restartsBefore, s.restarts());
        }
        // The JobManager's own timestamp of the restart when it is known; otherwise the first sample
        // whose restart count went up (the numRestarts metric can be reported seconds late).
        long restarted = -1;
        for (Sample s : samples) {
            long at = s.restartingAt();
            if (at >= kill.millis() && at < nextKill && (restarted < 0 || at < restarted)) {
                restarted = at;
            }
        }
        for (Sample s : samples) {
            if (restarted >= 0) {
                break;
            }
            if (s.millis() >= kill.millis() && s.millis() < nextKill && s.restarts() > restartsBefore) {
                restarted = s.millis();
            }
        }
        long from = restarted >= 0 ? restarted : kill.millis();
        long base = -1;
        for (Sample s : samples) {
            if (s.millis() < from) {
                continue;
            }
            if (base < 0) {
                base = s.committed();
            } else if (s.committed() > base) {
                return new Recovery(kill, restarted, s.millis());
            }
        }
        return new Recovery(kill, restarted, -1);
    }

    /**
     * Seconds from {@code healMillis} (a network fault ended) until the first sample at or after it
     * whose input lag is known and at most {@code steadyLag}: the job has caught up. NaN if it
     * never did.
     */
    static double caughtUpSeconds(List<Sample> samples, long healMillis, long steadyLag) {
        for (Sample s : samples) {
            if (s.millis() >= healMillis && s.lag() >= 0 && s.lag() <= steadyLag) {
                return (s.millis() - healMillis) / 1000.0;
            }
        }
        return Double.NaN;
    }
}
