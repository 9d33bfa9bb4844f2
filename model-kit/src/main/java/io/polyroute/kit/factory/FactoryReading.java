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
package io.polyroute.kit.factory;

/**
 * One record of the simulated factory, shaped like a {@code SensorReading}.
 *
 * @param sourceId the machine, e.g. {@code press-07}
 * @param task the machine type, e.g. {@code press}; usable as a routing feature
 * @param features the 32 readings in the order of {@link FactorySimulator#FEATURE_NAMES}
 * @param eventTimeMillis when the reading was taken
 * @param truth the latent state and health behind the reading, for tests and quality figures
 * @param sequence position of the reading in its simulator's stream, from 0; with the seed it
 *     makes a unique, replayable event id such as {@code sim-7-000123}
 */
public record FactoryReading(
        String sourceId, String task, float[] features, long eventTimeMillis, GroundTruth truth, long sequence) {}
