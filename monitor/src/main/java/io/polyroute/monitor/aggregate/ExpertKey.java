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
package io.polyroute.monitor.aggregate;

/**
 * One expert of one pipeline stage.
 *
 * @param stage index of the stage (0 for the first)
 * @param expert index of the expert within the stage
 */
public record ExpertKey(int stage, int expert) implements Comparable<ExpertKey> {

    @Override
    public int compareTo(ExpertKey o) {
        return stage != o.stage ? Integer.compare(stage, o.stage) : Integer.compare(expert, o.expert);
    }

    /** A short label such as {@code s0·e3}. */
    public String label() {
        return "s" + stage + "\u00b7e" + expert;
    }
}
