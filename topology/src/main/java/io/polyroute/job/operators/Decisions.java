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
