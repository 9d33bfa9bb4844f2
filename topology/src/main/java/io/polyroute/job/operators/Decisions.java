package io.polyroute.job.operators;

import io.polyroute.job.model.InFlight;
import io.polyroute.job.model.Part;
import io.polyroute.runtime.routing.RoutingDecision;

/** Converts routing decisions to and from the flat arrays records carry between operators. */
final class Decisions {
    private Decisions() {}

    static RoutingDecision of(Part header) {
        return new RoutingDecision(
                header.groups, header.k, header.selected.clone(), header.weights.clone(), header.reroutes);
    }

    /** Rebuilds the decision a record got at {@code stage} from its accumulated choices. */
    static RoutingDecision lastStage(InFlight rec, int stage) {
        int count = 0;
        int groups = 0;
        for (int i = 0; i < rec.choiceStage.length; i++) {
            if (rec.choiceStage[i] == stage) {
                count++;
                groups = Math.max(groups, rec.choiceGroup[i] + 1);
            }
        }
        int k = count / groups;
        int[] experts = new int[count];
        float[] weights = new float[count];
        int[] seen = new int[groups];
        for (int i = 0; i < rec.choiceStage.length; i++) {
            if (rec.choiceStage[i] == stage) {
                int g = rec.choiceGroup[i];
                experts[g * k + seen[g]] = rec.choiceExpert[i];
                weights[g * k + seen[g]] = rec.choiceWeight[i];
                seen[g]++;
            }
        }
        return new RoutingDecision(groups, k, experts, weights, false);
    }
}
