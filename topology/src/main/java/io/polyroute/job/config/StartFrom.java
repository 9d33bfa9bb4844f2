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

/** Where the monitor starts reading a topic for which its application has no committed offset. */
public enum StartFrom {
    /** The oldest record the topic still holds. */
    EARLIEST,
    /** Only records written after the monitor starts. */
    LATEST,
    /**
     * The first record written within one retention period before the start: a fresh monitor fills
     * its windows without reading older data. The position is looked up by timestamp, and a
     * partition with no such record yet starts at its end, so records written while the monitor
     * starts may be skipped.
     */
    RETENTION
}
