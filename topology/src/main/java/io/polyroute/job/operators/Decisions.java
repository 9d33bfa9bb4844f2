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
package io.polyroute.job.operators;

import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.RecordHeader;
import io.polyroute.runtime.routing.Choices;
import io.polyroute.runtime.routing.RoutingDecision;

/** Rebuilds routing decisions from what records carry between operators (see {@link Choices}). */
final class Decisions {
    private Decisions() {}

    static RoutingDecision of(RecordHeader header) {
        return Choices.decision(header.groups(), header.k(), header.selected(), header.weights(), header.reroutes());
    }

    /** Rebuilds the decision a record got at {@code stage} from its accumulated choices. */
    static RoutingDecision lastStage(InFlight rec, int stage) {
        return Choices.decision(stage, rec.choiceStage, rec.choiceGroup, rec.choiceExpert, rec.choiceWeight, 0);
    }
}
