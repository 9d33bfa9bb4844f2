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
package io.polyroute.job.rollout;

import io.polyroute.avro.ShadowPair;
import io.polyroute.avro.ShadowSide;
import io.polyroute.job.model.InFlight;
import io.polyroute.runtime.eval.Evaluation;
import io.polyroute.runtime.routing.Choices;
import io.polyroute.runtime.routing.RoutingDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the {@link ShadowPair} of a served record and the shadow version's evaluation of it. */
public final class ShadowPairs {
    private ShadowPairs() {}

    /**
     * The pair of {@code served} (already computed by {@code servedBy}) and row {@code row} of
     * {@code shadow}, computed by {@code shadowBy}.
     */
    public static ShadowPair of(
            InFlight served, VersionRef servedBy, Evaluation shadow, int row, VersionRef shadowBy, long now) {
        List<Integer> stages = new ArrayList<>();
        List<Integer> experts = new ArrayList<>();
        List<Float> weights = new ArrayList<>();
        for (int s = 0; s < shadow.routing().length; s++) {
            RoutingDecision d = shadow.routing()[s][row];
            Choices c = Choices.of(d);
            for (int i = 0; i < c.size(); i++) {
                stages.add(s);
                experts.add(c.experts()[i]);
                weights.add(c.weights()[i]);
            }
        }
        return of(served, servedBy, shadow.row(row), stages, experts, weights, shadowBy, now);
    }

    /**
     * The pair of {@code served} (computed by {@code servedBy}) and {@code shadow}, the same record
     * computed by {@code shadowBy} through every stage (its output and choices filled in).
     */
    public static ShadowPair of(InFlight served, VersionRef servedBy, InFlight shadow, VersionRef shadowBy, long now) {
        return of(
                served,
                servedBy,
                shadow.previous,
                ints(shadow.choiceStage),
                ints(shadow.choiceExpert),
                floats(shadow.choiceWeight),
                shadowBy,
                now);
    }

    private static ShadowPair of(
            InFlight served,
            VersionRef servedBy,
            float[] b,
            List<Integer> stages,
            List<Integer> experts,
            List<Float> weights,
            VersionRef shadowBy,
            long now) {
        float[] a = served.previous;
        double diff = a.length == b.length ? 0 : Double.POSITIVE_INFINITY;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            diff = Math.max(diff, Math.abs((double) a[i] - b[i]));
        }
        ShadowSide servedSide = ShadowSide.newBuilder()
                .setBundleName(servedBy.name())
                .setBundleVersion(servedBy.version())
                .setOutput(floats(a))
                .setStages(ints(served.choiceStage))
                .setExperts(ints(served.choiceExpert))
                .setWeights(floats(served.choiceWeight))
                .build();
        ShadowSide shadowSide = ShadowSide.newBuilder()
                .setBundleName(shadowBy.name())
                .setBundleVersion(shadowBy.version())
                .setOutput(floats(b))
                .setStages(stages)
                .setExperts(experts)
                .setWeights(weights)
                .build();
        return ShadowPair.newBuilder()
                .setEventId(served.eventId)
                .setServed(servedSide)
                .setShadow(shadowSide)
                .setMaxAbsDifference(diff)
                .setSameRouting(stages.equals(ints(served.choiceStage)) && experts.equals(ints(served.choiceExpert)))
                .setProcessedTime(Instant.ofEpochMilli(now))
                .build();
    }

    private static List<Float> floats(float[] v) {
        List<Float> out = new ArrayList<>(v.length);
        for (float x : v) {
            out.add(x);
        }
        return out;
    }

    private static List<Integer> ints(int[] v) {
        List<Integer> out = new ArrayList<>(v.length);
        for (int x : v) {
            out.add(x);
        }
        return out;
    }
}
