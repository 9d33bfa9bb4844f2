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

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The synthetic factory as a stream of sensor readings: 8 machine types
 * (the operating regimes), several machines of each, every reading 32 channels that are a
 * nonlinear, type-specific function of the machine's latent operating state (load, speed, wear)
 * plus noise. Each machine's load and speed wander around its own set point, its wear grows with
 * use and maintenance resets it, so health anomalies come and go. Which machine type reports next
 * follows a {@link RegimeMix} that may drift over time.
 *
 * <p>Deterministic: the same seed and the same sequence of calls give the same readings. The
 * factory itself (how states become readings and health) is the same for every seed, and is the
 * one {@link FactoryModelKit} trains the {@code factory-moe} bundle on.
 *
 * <pre>{@code
 * FactorySimulator sim = FactorySimulator.builder()
 *         .seed(7)
 *         .mix(RegimeMix.rotating(start, 300_000, 0.8))
 *         .startMillis(start)
 *         .build();
 * FactoryReading r = sim.next();          // r.sourceId() = "press-03", r.features().length = 32
 * }</pre>
 */
public final class FactorySimulator {
    /** The machine types, which are also the record's {@code task} and the experts' regimes. */
    public static final List<String> MACHINE_TYPES = FactoryPhysics.REGIMES;

    /** The feature names, in the order of {@link FactoryReading#features()}. */
    public static final List<String> FEATURE_NAMES =
            FactoryPhysics.CHANNELS.stream().map(SensorChannel::name).toList();

    /** Width of every feature vector. */
    public static final int FEATURE_COUNT = FactoryPhysics.FEATURES;

    /** A health score at or above this value is an anomaly. */
    public static final double ANOMALY_THRESHOLD = 0.5;

    /** 2026-01-01T00:00:00Z, the default start of the simulated clock. */
    public static final long DEFAULT_START_MILLIS = 1_767_225_600_000L;

    private final FactoryPhysics physics = FactoryPhysics.get();
    private final SplittableRandom random;
    private final RegimeMix mix;
    private final long intervalMillis;
    private final int machinesPerType;
    private final Machine[][] machines;
    private long clock;
    private long sequence;
    private long driftAtMillis = Long.MAX_VALUE;

    private FactorySimulator(Builder b) {
        this.random = new SplittableRandom(b.seed);
        this.mix = b.mix;
        this.intervalMillis = b.intervalMillis;
        this.machinesPerType = b.machinesPerType;
        this.clock = b.startMillis;
        this.machines = new Machine[MACHINE_TYPES.size()][machinesPerType];
        for (int r = 0; r < MACHINE_TYPES.size(); r++) {
            for (int m = 0; m < machinesPerType; m++) {
                machines[r][m] = new Machine(sourceId(r, m), random);
            }
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The next reading; the simulated clock then advances by the configured interval. */
    public FactoryReading next() {
        FactoryReading r = next(clock);
        clock += intervalMillis;
        return r;
    }

    /** The next reading, stamped {@code eventTimeMillis}; the mix is taken at that time. */
    public FactoryReading next(long eventTimeMillis) {
        int type = pick(mixAt(eventTimeMillis));
        Machine machine = machines[type][random.nextInt(machinesPerType)];
        machine.step(random);
        double[] z = machine.state();
        int regime = machine.movedTo >= 0 && eventTimeMillis >= driftAtMillis ? machine.movedTo : type;
        float[] features = new float[FEATURE_COUNT];
        physics.features(regime, z, random, features);
        double score = physics.healthScore(regime, z);
        GroundTruth truth = new GroundTruth(regime, z[0], z[1], z[2], score, score >= ANOMALY_THRESHOLD);
        return new FactoryReading(machine.id, MACHINE_TYPES.get(type), features, eventTimeMillis, truth, sequence++);
    }

    /**
     * Moves {@code count} machines to another operating regime from event time {@code atMillis} on:
     * their readings then follow the physics of the machine type four places on (so a gate routes
     * them elsewhere), while their id and {@code task} stay those of their own type, as when a
     * machine is set up for another product or its tooling wears. The machines are the first of
     * each type in turn: {@code press-01, lathe-01, …, press-02, …}.
     *
     * @return the ids of the moved machines
     * @throws IllegalArgumentException if {@code count} is negative or above the number of machines
     */
    public List<String> moveMachines(int count, long atMillis) {
        int types = MACHINE_TYPES.size();
        if (count < 0 || count > types * machinesPerType) {
            throw new IllegalArgumentException("Between 0 and " + (types * machinesPerType)
                    + " machines can move to another regime, not " + count + ".");
        }
        driftAtMillis = atMillis;
        List<String> moved = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int type = i % types;
            Machine m = machines[type][i / types];
            m.movedTo = (type + types / 2) % types;
            moved.add(m.id);
        }
        return moved;
    }

    /** The share of readings of each machine type at {@code tMillis}, summing to 1. */
    public double[] mixAt(long tMillis) {
        double[] w = mix.at(tMillis);
        double sum = 0.0;
        for (double v : w) {
            sum += v;
        }
        double[] out = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = w[i] / sum;
        }
        return out;
    }

    /** Every machine id, grouped by type: {@code press-01 … press-NN, lathe-01, …}. */
    public List<String> sourceIds() {
        List<String> ids = new ArrayList<>();
        for (Machine[] type : machines) {
            for (Machine m : type) {
                ids.add(m.id);
            }
        }
        return ids;
    }

    /** The time the next {@link #next()} call will stamp. */
    public long clockMillis() {
        return clock;
    }

    private int pick(double[] shares) {
        double u = random.nextDouble();
        double acc = 0.0;
        for (int r = 0; r < shares.length; r++) {
            acc += shares[r];
            if (u < acc && shares[r] > 0.0) {
                return r;
            }
        }
        for (int r = shares.length - 1; r >= 0; r--) {
            if (shares[r] > 0.0) {
                return r; // rounding left u just above the cumulative sum
            }
        }
        throw new IllegalStateException("The regime mix has no positive weight.");
    }

    private static String sourceId(int regime, int machine) {
        return String.format("%s-%02d", MACHINE_TYPES.get(regime), machine + 1);
    }

    /** One machine's latent state: load and speed revert to set points, wear accumulates. */
    private static final class Machine {
        /** Pull of load and speed towards their set points per reading. */
        private static final double REVERSION = 0.08;
        /** Random step of load and speed per reading. */
        private static final double JITTER = 0.05;
        /** Wear at which the machine is serviced. */
        private static final double SERVICE_AT = 0.97;

        private final String id;
        private final double loadSetPoint;
        private final double speedSetPoint;
        private final double wearRate;
        private double load;
        private double speed;
        private double wear;
        /** Regime the machine's readings follow after the drift time, or -1. */
        private int movedTo = -1;

        Machine(String id, SplittableRandom random) {
            this.id = id;
            this.loadSetPoint = 0.2 + 0.6 * random.nextDouble();
            this.speedSetPoint = 0.2 + 0.6 * random.nextDouble();
            this.wearRate = 0.002 + 0.004 * random.nextDouble();
            this.load = loadSetPoint;
            this.speed = speedSetPoint;
            this.wear = 0.9 * random.nextDouble();
        }

        void step(SplittableRandom random) {
            load = clamp(load + REVERSION * (loadSetPoint - load) + JITTER * random.nextGaussian());
            speed = clamp(speed + REVERSION * (speedSetPoint - speed) + JITTER * random.nextGaussian());
            wear += wearRate * (0.5 + load) * random.nextDouble() * 2.0;
            if (wear >= SERVICE_AT) {
                wear = 0.05 * random.nextDouble();
            }
        }

        double[] state() {
            return new double[] {load, speed, wear};
        }

        private static double clamp(double v) {
            return Math.min(1.0, Math.max(0.0, v));
        }
    }

    /** Builder of {@link FactorySimulator}; {@link #build()} checks every value. */
    public static final class Builder {
        private long seed = 1L;
        private RegimeMix mix = RegimeMix.uniform();
        private long startMillis = DEFAULT_START_MILLIS;
        private long intervalMillis = 10L;
        private int machinesPerType = 8;

        private Builder() {}

        /** Seed of the operating states, machine choice and sensor noise. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Which machine types report, over time. Default: uniform. */
        public Builder mix(RegimeMix mix) {
            this.mix = mix;
            return this;
        }

        /** Event time of the first {@link FactorySimulator#next()} reading. */
        public Builder startMillis(long startMillis) {
            this.startMillis = startMillis;
            return this;
        }

        /** Clock step between {@link FactorySimulator#next()} readings. Default: 10 ms. */
        public Builder intervalMillis(long intervalMillis) {
            this.intervalMillis = intervalMillis;
            return this;
        }

        /** Machines of each type; ids run {@code <type>-01 … <type>-NN}. Default: 8 (64 machines). */
        public Builder machinesPerType(int machinesPerType) {
            this.machinesPerType = machinesPerType;
            return this;
        }

        public FactorySimulator build() {
            Objects.requireNonNull(mix, "The regime mix must be set.");
            if (intervalMillis < 0) {
                throw new IllegalArgumentException(
                        "The reading interval must be >= 0 ms, but is " + intervalMillis + " ms.");
            }
            if (machinesPerType < 1 || machinesPerType > 99) {
                throw new IllegalArgumentException(
                        "Machines per type must be between 1 and 99, but is " + machinesPerType + ".");
            }
            return new FactorySimulator(this);
        }
    }
}
