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

/** How the Flink job is laid out; both modes produce identical predictions. */
public enum JobMode {
    /** Gate, experts and combine run as separate operators connected by shuffles. */
    EXPERT_PARALLEL,
    /** Gate, every expert and combine run inside one operator per subtask, without shuffles. */
    FUSED
}
