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
package io.polyroute.job.model;

import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A decoded, validated record on its way through the stages. Between stages it carries the
 * previous stage's output and the experts chosen so far; after the last stage {@link #previous}
 * is the prediction.
 */
@TypeInfo(InFlightSerializer.Factory.class)
public class InFlight {
    public String eventId;
    public String sourceId;
    /** The record's task, or null. */
    public String task;
    /** Index of {@link #task} in the bundle's task vocabulary, -1 when unused. */
    public int taskIndex = -1;
    /** Event time from the record, milliseconds. */
    public long eventTime;
    /** When the job read the record, milliseconds. */
    public long readTime;

    public float[] features;
    /** Output of the last finished stage; null before the first. */
    public float[] previous;
    /** The next stage to run. */
    public int stage;
    /** Experts chosen so far, one entry per (stage, group, rank). */
    public int[] choiceStage = new int[0];

    public int[] choiceGroup = new int[0];
    public int[] choiceExpert = new int[0];
    public int[] choiceSlot = new int[0];
    public float[] choiceWeight = new float[0];
    /** Flags such as {@code bias_balanced}; empty unless optional balancing changed routing. */
    public String[] flags = new String[0];
    /** The original Kafka key and value, so a record refused later reaches the DLQ intact. */
    public byte[] rawKey;

    public byte[] rawValue;
    /** Kafka coordinates, for dead letters raised after decoding. */
    public String topic;

    public int partition;
    public long offset;
    /**
     * Bundle name and version that serve the record, chosen once by the serving subtask during a
     * rollout; null when the job's own bundle serves it.
     */
    public String modelName;

    public String modelVersion;
    /**
     * Where every TaskManager loads that version from (a folder or URI, as in the rollout command),
     * so later stages of the expert-parallel mode serve the record with it; null with {@link #modelName}.
     */
    public String modelPath;

    public InFlight() {}

    /** Appends the choices of one stage. */
    public void addChoices(int stage, int[] groups, int[] experts, int[] slots, float[] weights) {
        int n = choiceStage.length;
        int m = experts.length;
        choiceStage = Arrays.copyOf(choiceStage, n + m);
        choiceGroup = Arrays.copyOf(choiceGroup, n + m);
        choiceExpert = Arrays.copyOf(choiceExpert, n + m);
        choiceSlot = Arrays.copyOf(choiceSlot, n + m);
        choiceWeight = Arrays.copyOf(choiceWeight, n + m);
        for (int i = 0; i < m; i++) {
            choiceStage[n + i] = stage;
            choiceGroup[n + i] = groups[i];
            choiceExpert[n + i] = experts[i];
            choiceSlot[n + i] = slots[i];
            choiceWeight[n + i] = weights[i];
        }
    }

    public void addFlag(String flag) {
        for (String f : flags) {
            if (f.equals(flag)) {
                return;
            }
        }
        flags = Arrays.copyOf(flags, flags.length + 1);
        flags[flags.length - 1] = flag;
    }
}
