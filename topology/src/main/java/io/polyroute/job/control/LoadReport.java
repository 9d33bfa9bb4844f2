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
package io.polyroute.job.control;

/**
 * The load one operator subtask saw for one stage in one window: records routed to (GATE) or
 * served by (EXPERT) each expert, the service time, and the queue depth at the window's end.
 * During a rollout GATE reports each version it routed apart: {@link #bundleName} and {@link
 * #bundleVersion} name it, both null for the job's own bundle.
 */
public class LoadReport {
    public static final String GATE = "GATE";
    public static final String EXPERT = "EXPERT";

    public String source;
    public int subtask;
    public int stage;
    public long windowStart;
    public long windowEnd;
    public long planVersion;
    public long[] records;
    public long[] serviceNanos;
    public int[] queueDepth;
    /** The bundle version the window counts, null for the job's own bundle. */
    public String bundleName;

    public String bundleVersion;

    public LoadReport() {}

    public static LoadReport empty(
            String source, int subtask, int stage, int experts, long windowStart, long windowEnd, long planVersion) {
        LoadReport r = new LoadReport();
        r.source = source;
        r.subtask = subtask;
        r.stage = stage;
        r.windowStart = windowStart;
        r.windowEnd = windowEnd;
        r.planVersion = planVersion;
        r.records = new long[experts];
        r.serviceNanos = new long[experts];
        r.queueDepth = new int[experts];
        return r;
    }

    /** The version key ({@code name:version}) of the version counted, or null for the job's own bundle. */
    public String versionKey() {
        return bundleVersion == null || bundleVersion.isEmpty() ? null : bundleName + ":" + bundleVersion;
    }
}
