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
package io.polyroute.monitor;

import io.polyroute.avro.DeadLetterReason;
import io.polyroute.avro.ExpertChoice;
import io.polyroute.avro.ExpertLoad;
import io.polyroute.avro.ExpertLoadEntry;
import io.polyroute.avro.ExpertPlacement;
import io.polyroute.avro.LoadSource;
import io.polyroute.avro.ModelRef;
import io.polyroute.avro.PlacementPlan;
import io.polyroute.avro.Prediction;
import io.polyroute.avro.ShadowPair;
import io.polyroute.avro.ShadowSide;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * What a running pipeline writes, made up but plausible, for the browser test: 8 experts on 4
 * slots with skewed demand, an initial plan that leaves two slots hot, and a rebalanced plan that
 * replicates the two hottest experts, after which both imbalance and latency drop. Twelve sources,
 * two of them prone to anomalies, one ({@code press-03}) routed to experts 6 and 7 only from the
 * plan change on (a routing drift); load reports every 5 s; a trickle of dead letters.
 */
final class SyntheticPipelineStream {

    static final int SLOTS = 4;
    static final int EXPERTS = 8;
    /** Index of the source whose routing drifts at the plan change ({@code press-03}). */
    static final int DRIFTING_SOURCE = 2;

    private static final double[] POPULARITY = {0.30, 0.22, 0.12, 0.10, 0.08, 0.07, 0.06, 0.05};
    /** The version served until the plan change; the shadow version, promoted at the plan change. */
    private static final ModelRef MODEL =
            ModelRef.newBuilder().setName("factory-moe").setVersion("3").build();

    private static final ModelRef SHADOW =
            ModelRef.newBuilder().setName("factory-moe").setVersion("4").build();
    private static final DeadLetterReason[] REASONS = {
        DeadLetterReason.WRONG_DIMENSION,
        DeadLetterReason.WRONG_DIMENSION,
        DeadLetterReason.NON_FINITE,
        DeadLetterReason.UNDECODABLE,
        DeadLetterReason.WRONG_DIMENSION,
        DeadLetterReason.DUPLICATE
    };
    private static final long REPORT_MS = 5_000;
    private static final int STEP_MS = 33;

    private final MonitorKafka topics;
    private final long rebalanceAt;
    private final boolean shadowed;
    private final Random random = new Random(42);
    private final long[] demand = new long[EXPERTS];
    private final long[] served = new long[SLOTS * EXPERTS];
    private long nextReport;
    private long sequence;

    /**
     * @param topics where the records go
     * @param startMs when the stream starts; plan 1 is created then
     * @param rebalanceAt when plan 2 is created
     */
    SyntheticPipelineStream(MonitorKafka topics, long startMs, long rebalanceAt) {
        this(topics, startMs, rebalanceAt, false);
    }

    /**
     * Like {@link #SyntheticPipelineStream(MonitorKafka, long, long)}; with {@code shadowed}, a shadow
     * rollout of version 4 writes a shadow pair per prediction until the plan change (the topics need
     * a shadow topic). Either way predictions name version 3 before the plan change and 4 after it.
     */
    SyntheticPipelineStream(MonitorKafka topics, long startMs, long rebalanceAt, boolean shadowed) {
        this.shadowed = shadowed;
        this.topics = topics;
        this.rebalanceAt = rebalanceAt;
        this.nextReport = startMs - Math.floorMod(startMs, REPORT_MS) + REPORT_MS;
        topics.send(initialPlan(startMs));
    }

    /** Writes what the pipeline emitted in [fromMs, toMs), at about 30 predictions a second. */
    void emit(long fromMs, long toMs) {
        for (long t = fromMs; t < toMs; t += STEP_MS) {
            if (t >= rebalanceAt && t - STEP_MS < rebalanceAt) {
                topics.send(rebalancedPlan(rebalanceAt));
            }
            if (t >= nextReport) {
                report(nextReport);
                nextReport += REPORT_MS;
            }
            double wave = 1 + 0.25 * Math.sin(t / 20_000.0);
            if (random.nextDouble() < wave * 0.95) {
                prediction(t + random.nextInt(STEP_MS));
            }
            if (random.nextDouble() < 0.008) {
                topics.send(MonitorRecords.deadLetter(REASONS[random.nextInt(REASONS.length)], t));
            }
        }
        topics.flush();
    }

    private void prediction(long t) {
        boolean balanced = t >= rebalanceAt;
        int source = random.nextInt(12);
        int first = pickExpert(-1);
        int second = pickExpert(first);
        if (source == DRIFTING_SOURCE && balanced) {
            // press-03 moves to another operating regime: its records go to experts 6 and 7.
            first = 6;
            second = 7;
        }
        List<ExpertChoice> choices = List.of(choice(first, balanced), choice(second, balanced));
        boolean prone = source == 6 || source == 10;
        float output = (float) Math.max(0, (prone ? 0.46 : 0.18) + random.nextGaussian() * (prone ? 0.12 : 0.08));
        double latency = 9
                + (balanced ? 0 : 7)
                + -Math.log(1 - random.nextDouble()) * (balanced ? 4 : 9)
                + (random.nextDouble() < 0.01 ? 60 : 0);
        Prediction p = Prediction.newBuilder()
                .setEventId("evt-" + sequence++)
                .setSourceId(String.format("press-%02d", source + 1))
                .setEventTime(Instant.ofEpochMilli(t - Math.round(latency)))
                .setProcessedTime(Instant.ofEpochMilli(t))
                .setModel(balanced ? SHADOW : MODEL)
                .setOutput(List.of(output, 1 - output))
                .setExperts(choices)
                .setLatencyMs(latency)
                .setFlags(List.of())
                .build();
        topics.send(p, source % 2);
        if (!balanced && shadowed) {
            // A shadow rollout of version 4 until the plan change, when it is promoted.
            double diff = -Math.log(1 - random.nextDouble()) * 6e-4;
            topics.send(ShadowPair.newBuilder()
                    .setEventId(p.getEventId())
                    .setServed(side(MODEL, p.getOutput(), first, second))
                    .setShadow(side(SHADOW, List.of(output + (float) diff, 1 - output - (float) diff), first, second))
                    .setMaxAbsDifference(diff)
                    .setSameRouting(random.nextDouble() < 0.93)
                    .setProcessedTime(Instant.ofEpochMilli(t))
                    .build());
        }
    }

    private static ShadowSide side(ModelRef version, List<Float> output, int first, int second) {
        return ShadowSide.newBuilder()
                .setBundleName(version.getName())
                .setBundleVersion(version.getVersion())
                .setOutput(output)
                .setStages(List.of(0, 0))
                .setExperts(List.of(first, second))
                .setWeights(List.of(0.5f, 0.5f))
                .build();
    }

    private ExpertChoice choice(int expert, boolean balanced) {
        int slot = expert % SLOTS;
        if (balanced) {
            slot = switch (expert) {
                case 0 -> random.nextBoolean() ? 0 : 1;
                case 1 -> random.nextBoolean() ? 2 : 3;
                default -> rebalancedSlot(expert);
            };
        }
        demand[expert]++;
        served[slot * EXPERTS + expert]++;
        return MonitorRecords.choice(expert, slot);
    }

    private int pickExpert(int exclude) {
        while (true) {
            double r = random.nextDouble();
            for (int e = 0; e < EXPERTS; e++) {
                r -= POPULARITY[e];
                if (r <= 0) {
                    if (e != exclude) {
                        return e;
                    }
                    break;
                }
            }
        }
    }

    private void report(long end) {
        List<ExpertLoadEntry> gate = new ArrayList<>();
        for (int e = 0; e < EXPERTS; e++) {
            gate.add(MonitorRecords.entry(e, -1, demand[e], 0, 0));
            demand[e] = 0;
        }
        topics.send(
                MonitorRecords.load(LoadSource.GATE, 0, end - REPORT_MS, end, gate.toArray(ExpertLoadEntry[]::new)), 0);
        for (int slot = 0; slot < SLOTS; slot++) {
            List<ExpertLoadEntry> entries = new ArrayList<>();
            for (int e = 0; e < EXPERTS; e++) {
                long n = served[slot * EXPERTS + e];
                if (n > 0) {
                    entries.add(MonitorRecords.entry(
                            e, slot, n, n * (35_000 + random.nextInt(10_000)), random.nextInt(1 + (int) n / 20)));
                    served[slot * EXPERTS + e] = 0;
                }
            }
            if (!entries.isEmpty()) {
                ExpertLoad load = MonitorRecords.load(
                        LoadSource.EXPERT, slot, end - REPORT_MS, end, entries.toArray(ExpertLoadEntry[]::new));
                topics.send(load, slot % 2);
            }
        }
    }

    private static int rebalancedSlot(int expert) {
        return switch (expert) {
            case 2 -> 2;
            case 3 -> 3;
            case 4, 6 -> 0;
            default -> 1;
        };
    }

    private static PlacementPlan initialPlan(long createdMs) {
        List<ExpertPlacement> replicas = new ArrayList<>();
        for (int e = 0; e < EXPERTS; e++) {
            replicas.add(placement(e, List.of(e % SLOTS), List.of(1.0)));
        }
        return plan(1, createdMs, "Initial placement: round robin over 4 slots.", 1.52, EXPERTS, replicas);
    }

    private static PlacementPlan rebalancedPlan(long createdMs) {
        List<ExpertPlacement> replicas = new ArrayList<>();
        replicas.add(placement(0, List.of(0, 1), List.of(0.5, 0.5)));
        replicas.add(placement(1, List.of(2, 3), List.of(0.5, 0.5)));
        for (int e = 2; e < EXPERTS; e++) {
            replicas.add(placement(e, List.of(rebalancedSlot(e)), List.of(1.0)));
        }
        return plan(2, createdMs, "Imbalance 1.52 above 1.20: replicate experts 0 and 1.", 1.16, 5, replicas);
    }

    private static ExpertPlacement placement(int expert, List<Integer> slots, List<Double> shares) {
        return ExpertPlacement.newBuilder()
                .setStage(0)
                .setExpert(expert)
                .setSlots(slots)
                .setShares(shares)
                .build();
    }

    private static PlacementPlan plan(
            long version, long createdMs, String reason, double predicted, int moved, List<ExpertPlacement> replicas) {
        return PlacementPlan.newBuilder()
                .setVersion(version)
                .setCreatedTime(Instant.ofEpochMilli(createdMs))
                .setReason(reason)
                .setPinned(false)
                .setSlots(SLOTS)
                .setPredictedImbalance(predicted)
                .setSessionsMoved(moved)
                .setReplicas(replicas)
                .build();
    }
}
