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

import io.polyroute.runtime.bundle.ModelBundle;

/**
 * What a serving subtask checks of a version it loads for a rollout, before it opens a session:
 * that the folder holds the version the command named, with the files the command line validated,
 * and that it reads the input the job validates.
 */
public final class VersionChecks {
    private VersionChecks() {}

    /**
     * Checks {@code loaded}, read from {@code v.path()}, against the command's {@code v} and the
     * job's own bundle {@code base}.
     *
     * @throws IllegalStateException naming the path and what differs
     */
    public static void check(ModelBundle loaded, VersionRef v, ModelBundle base) {
        if (!loaded.name().equals(v.name()) || !loaded.version().equals(v.version())) {
            throw new IllegalStateException(v.path() + " holds " + loaded.name() + ":" + loaded.version() + ", not "
                    + v.id() + " as the command says.");
        }
        String digest = ChecksumsDigest.of(loaded.manifest().checksums());
        if (!v.digest().isEmpty() && !v.digest().equals(digest)) {
            throw new IllegalStateException("The files of " + v.id() + " at " + v.path()
                    + " differ from the bundle the command line validated (checksums digest " + digest
                    + ", expected " + v.digest() + ").");
        }
        if (loaded.inputDim() != base.inputDim() || !loaded.tasks().equals(base.tasks())) {
            throw new IllegalStateException(v.id() + " reads " + loaded.inputDim() + " features and tasks "
                    + loaded.tasks() + "; the job validates input for " + base.inputDim() + " features and tasks "
                    + base.tasks() + ".");
        }
        // Predictions carry the job bundle's output.names: a version that names its outputs
        // otherwise would be mislabelled, so it needs a job of its own.
        if (!loaded.manifest().outputNames().equals(base.manifest().outputNames())) {
            throw new IllegalStateException(
                    v.id() + " names its outputs " + loaded.manifest().outputNames()
                            + " (output.names); the job's bundle names them "
                            + base.manifest().outputNames()
                            + ", and a rollout keeps the names.");
        }
    }

    /**
     * The expert-parallel job's graph has one GATE, EXPERT and COMBINE per stage of its own bundle:
     * a version with another stage count cannot be served by it.
     *
     * @throws IllegalStateException naming the version and both counts
     */
    public static void sameStages(ModelBundle loaded, VersionRef v, ModelBundle base) {
        if (loaded.stageCount() != base.stageCount()) {
            throw new IllegalStateException(v.id() + " has " + loaded.stageCount() + " stages; this expert-parallel"
                    + " job has a GATE, EXPERT and COMBINE for each of the " + base.stageCount() + " stages of "
                    + base.name() + ":" + base.version() + " (a version with another stage count needs a new job"
                    + " or job.mode fused).");
        }
    }
}
