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
package io.polyroute.kit.synthetic;

import java.util.Random;

/**
 * Deterministic random weights. Every model gets its own generator, derived from the bundle seed
 * and the model's place (stage, role, index), so a model's weights do not change when an unrelated
 * option (say, the number of experts) does. {@link Random} is used because its sequence is fixed by
 * its specification, hence the same on every JVM.
 */
final class WeightSampler {
    /** Which model of a stage a generator is for. */
    enum Role {
        GATE,
        ENCODER,
        EXPERT,
        SHARED
    }

    private WeightSampler() {}

    static Random forModel(long seed, int stage, Role role, int index) {
        long h = mix(seed);
        h = mix(h ^ (stage + 1) * 0x9E3779B97F4A7C15L);
        h = mix(h ^ (role.ordinal() + 1) * 0xC2B2AE3D27D4EB4FL);
        h = mix(h ^ (index + 1) * 0x165667B19E3779F9L);
        return new Random(h);
    }

    /** {@code count} samples of N(0, std²). */
    static float[] gaussian(Random rnd, int count, double std) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) (rnd.nextGaussian() * std);
        }
        return out;
    }

    /** The SplitMix64 finaliser: spreads nearby seeds over the whole range. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
