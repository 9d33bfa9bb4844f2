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
 * One of the 32 sensor channels every simulated machine reports.
 *
 * @param name the feature name, with its unit as suffix (e.g. {@code motor_temp_c})
 * @param group the physical kind of the channel
 * @param base the typical reading
 * @param span the typical range around {@code base}
 */
record SensorChannel(String name, Group group, double base, double span) {

    /** The physical kind of a channel; channels of one kind respond to the operating state alike. */
    enum Group {
        TEMPERATURE,
        VIBRATION,
        PRESSURE,
        ELECTRICAL,
        PROCESS
    }
}
