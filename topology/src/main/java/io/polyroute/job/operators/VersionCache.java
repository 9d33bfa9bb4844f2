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
import io.polyroute.job.rollout.VersionRef;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of the versions other than the job's own bundle that records of a later part of the
 * expert-parallel job name (docs/rollouts.md): opened on the first record that needs a version,
 * from the path the record carries, and released at a barrier when no record used them since the
 * barrier before. The version a record is served by is chosen once, at the first stage's GATE;
 * every later operator follows it.
 *
 * @param <R> the models of one version that the operator runs
 */
final class VersionCache<R extends AutoCloseable> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VersionCache.class);

    /** Opens the models of the version at {@code path}; runs on the task thread. */
    @FunctionalInterface
    interface Opener<R> {
        R open(String path) throws Exception;
    }

    private static final class Entry<R> {
        final R models;
        boolean used = true;

        Entry(R models) {
            this.models = models;
        }
    }

    private final String label;
    private final Opener<R> opener;
    private final Map<String, Entry<R>> open = new HashMap<>();

    VersionCache(String label, Opener<R> opener) {
        this.label = label;
        this.opener = opener;
    }

    /** The version id ({@code name:version}) a record is served by, or null for the job's own bundle. */
    static String versionOf(InFlight rec) {
        return rec.modelName == null ? null : rec.modelName + ":" + rec.modelVersion;
    }

    /** Marks {@code rec} as served by {@code v}; nothing when {@code v} is the job's own bundle. */
    static void stamp(InFlight rec, VersionRef v, VersionRef base) {
        if (v.sameVersion(base)) {
            rec.modelName = null;
            rec.modelVersion = null;
            rec.modelPath = null;
        } else {
            rec.modelName = v.name();
            rec.modelVersion = v.version();
            rec.modelPath = v.path();
        }
    }

    /**
     * The models of version {@code id}, opened from {@code path} when not open yet.
     *
     * @throws IllegalStateException naming the version and the path when they cannot be opened; the
     *     task fails and restarts from its last checkpoint
     */
    R get(String id, String path) {
        Entry<R> e = open.get(id);
        if (e == null) {
            LOG.info("{}: opening {} from {} for its records", label, id, path);
            try {
                e = new Entry<>(opener.open(path));
            } catch (Exception ex) {
                throw new IllegalStateException(
                        label + " cannot open " + id + " from " + path + ", which records it receives are served by: "
                                + ex.getMessage(),
                        ex);
            }
            open.put(id, e);
        }
        e.used = true;
        return e.models;
    }

    /** Versions open now. */
    int size() {
        return open.size();
    }

    /** Releases the versions no record used since the previous call. */
    void atBarrier() {
        for (Iterator<Map.Entry<String, Entry<R>>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Entry<R>> e = it.next();
            if (!e.getValue().used) {
                LOG.info("{}: released {}", label, e.getKey());
                closeQuietly(e.getValue().models);
                it.remove();
            } else {
                e.getValue().used = false;
            }
        }
    }

    private void closeQuietly(R r) {
        try {
            r.close();
        } catch (Exception ex) {
            LOG.warn("{}: closing the models of a version failed", label, ex);
        }
    }

    @Override
    public void close() {
        open.values().forEach(e -> closeQuietly(e.models));
        open.clear();
    }
}
