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
 * What the simulator knows about a reading and a model has to infer.
 *
 * @param regime index of the machine type in {@link FactorySimulator#MACHINE_TYPES}
 * @param load latent load in [0, 1]
 * @param speed latent speed in [0, 1]
 * @param wear latent wear in [0, 1]; maintenance resets it
 * @param healthScore the true health score in (0, 1): 0 healthy, 1 failing
 * @param anomaly whether {@code healthScore} is at or above {@link FactorySimulator#ANOMALY_THRESHOLD}
 */
public record GroundTruth(int regime, double load, double speed, double wear, double healthScore, boolean anomaly) {}
