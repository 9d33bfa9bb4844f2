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

/** Where the job looks for an earlier record with the same event id ({@code dedupe.scope}). */
public enum DedupeScope {
    /**
     * Among all records of the job: the records are shuffled by event id to the dedupe operator,
     * whose keyed state lives in the job's state backend.
     */
    GLOBAL,
    /**
     * Among the records of the same Kafka partition only, right after decoding and without a
     * shuffle. Correct only when every copy of an event id is written to the same partition, i.e.
     * producers key their records by event id; repeats on other partitions are not caught.
     */
    PARTITION
}
