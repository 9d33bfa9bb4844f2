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
package io.polyroute.job.config;

/** Flink's state backends the job can be run with ({@code job.state-backend}). */
public enum StateBackendKind {
    /** Objects on the Java heap; every checkpoint writes the whole state. */
    HASHMAP,
    /** Embedded RocksDB on local disk, with incremental checkpoints. */
    ROCKSDB,
    /**
     * ForSt (Flink's RocksDB fork, experimental in Flink 2.2), with incremental checkpoints. Part of
     * the Flink distribution; not on Maven Central, so local runs cannot load it.
     */
    FORST;

    /** The value of Flink's {@code state.backend.type} for this backend. */
    public String flinkName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Whether its checkpoints upload only the files that changed since the previous one. */
    public boolean incremental() {
        return this != HASHMAP;
    }
}
