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
package io.polyroute.kit.simulate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.polyroute.avro.SensorReading;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fitting set weights so that the job's own gate visits experts with the asked-for shares. */
class SkewedInputTest {
    private static final int EXPERTS = 16;

    @TempDir
    static Path dir;

    static ModelBundle bundle;
    static SkewedInput input;

    @BeforeAll
    static void search() throws Exception {
        bundle = SyntheticBundleBuilder.create()
                .inputDim(16)
                .hidden(32)
                .experts(EXPERTS)
                .topK(2)
                .seed(3)
                .build(dir.resolve("b"));
        input = SkewedInput.search(bundle, 40_000, 9);
    }

    @Test
    void shouldGiveEachExpertItsZipfShareOfTheVisitsWhereThePlainProductFlattensIt() {
        int[] ranking = SkewedInput.rotation(EXPERTS, 2, 0);
        double[] zipf = SkewedInput.zipf(EXPERTS, 1.2, ranking);

        double[] plain = input.expectedShares(zipf);
        assertThat(plain[ranking[0]])
                .as("the product of popularities under-weights the hottest expert")
                .isLessThan(zipf[ranking[0]] - 0.05);

        double[] weights = input.fit(zipf);
        double[] expected = input.expectedShares(weights);
        for (int e = 0; e < EXPERTS; e++) {
            assertThat(expected[e]).as("expected share of expert %d", e).isCloseTo(zipf[e], within(0.005));
        }

        // The gate, run on what is drawn, agrees.
        int n = 20_000;
        List<SensorReading> readings = input.sample("t", n, weights, new Random(4));
        long[] visits = SkewedInput.visits(bundle, readings);
        long all = Arrays.stream(visits).sum();
        assertThat(all).isEqualTo(2L * n);
        for (int e = 0; e < EXPERTS; e++) {
            assertThat((double) visits[e] / all)
                    .as("observed share of expert %d", e)
                    .isCloseTo(zipf[e], within(0.01));
        }
    }

    @Test
    void shouldRefuseAShareNoExpertCanTakeWithTopTwo() {
        double[] shares = new double[EXPERTS];
        shares[0] = 0.6;
        Arrays.fill(shares, 1, EXPERTS, 0.4 / (EXPERTS - 1));
        assertThatThrownBy(() -> input.fit(shares))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Expert 0")
                .hasMessageContaining("at most once per record");
    }
}
