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
package io.polyroute.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.avro.ModelRef;
import io.polyroute.avro.Prediction;
import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.eval.ReferenceModel;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionTallyTest {
    private static final int DIM = 6;
    private static final int RECORDS = 40;

    @TempDir
    Path dir;

    private final SyntheticReadings readings = new SyntheticReadings("soak", DIM, 7);

    @Test
    void shouldCheckEveryPredictionAgainstTheVersionItNames() throws Exception {
        ModelBundle v1 = bundle("v1", 11, "1");
        ModelBundle v2 = bundle("v2", 12, "2");
        Map<String, PredictionTally.Models> models = new LinkedHashMap<>();
        try {
            models.put("synthetic-moe:1", open(v1));
            models.put("synthetic-moe:2", open(v2));
            // Records 0..19 served by version 1, 20..39 by version 2 (a switch at record 20).
            PredictionTally right = new PredictionTally(readings, 0, RECORDS, v1.outputDim());
            PredictionTally wrong = new PredictionTally(readings, 0, RECORDS, v1.outputDim());
            for (int i = 0; i < RECORDS; i++) {
                ModelBundle served = i < 20 ? v1 : v2;
                right.add(prediction(i, served, served.version(), 1_000 + 10L * i));
                // In the second tally record 30 names version 1 but carries version 2's output.
                wrong.add(prediction(i, served, i == 30 ? "1" : served.version(), 1_000 + 10L * i));
            }

            PredictionTally.Comparison ok = right.compare(models, 8);
            PredictionTally.Comparison bad = wrong.compare(models, 8);

            assertThat(ok.mismatched()).isZero();
            assertThat(ok.maxRelativeError()).isLessThanOrEqualTo(ReferenceModel.TOLERANCE);
            assertThat(right.perVersion())
                    .containsExactly(Map.entry("synthetic-moe:1", 20L), Map.entry("synthetic-moe:2", 20L));
            assertThat(bad.mismatched()).isEqualTo(1);
        } finally {
            models.values().forEach(m -> {
                m.evaluator().close();
                m.reference().close();
            });
        }
    }

    @Test
    void shouldCountAPredictionOfAVersionNotGivenAsMismatched() throws Exception {
        ModelBundle v1 = bundle("v1", 11, "1");
        Map<String, PredictionTally.Models> models = new LinkedHashMap<>();
        try {
            models.put("synthetic-moe:1", open(v1));
            PredictionTally tally = new PredictionTally(readings, 0, 4, v1.outputDim());
            for (int i = 0; i < 4; i++) {
                tally.add(prediction(i, v1, i == 3 ? "9" : "1", 1_000));
            }

            PredictionTally.Comparison c = tally.compare(models, 8);

            assertThat(c.unknownVersion()).isEqualTo(1);
            assertThat(c.mismatched()).isEqualTo(1);
        } finally {
            models.values().forEach(m -> {
                m.evaluator().close();
                m.reference().close();
            });
        }
    }

    @Test
    void shouldFindTheFirstPredictionOfAVersionAfterARolloutCommand() throws Exception {
        ModelBundle v1 = bundle("v1", 11, "1");
        PredictionTally tally = new PredictionTally(readings, 0, 6, 0);
        tally.add(prediction(0, v1, "1", 5_000));
        tally.add(prediction(1, v1, "2", 5_950));
        tally.add(prediction(2, v1, "1", 9_000));
        tally.add(prediction(3, v1, "2", 12_340));
        tally.add(prediction(4, v1, "2", 12_310));

        assertThat(tally.firstProcessed("synthetic-moe:2", 5_900)).isEqualTo(5_950);
        assertThat(tally.firstProcessed("synthetic-moe:2", 12_000)).isEqualTo(12_310);
        assertThat(tally.firstProcessed("synthetic-moe:1", 9_001)).isEqualTo(-1);
        assertThat(tally.firstProcessed("synthetic-moe:3", 0)).isEqualTo(-1);
    }

    private ModelBundle bundle(String folder, long seed, String version) throws Exception {
        return SyntheticBundleBuilder.create()
                .inputDim(DIM)
                .hidden(8)
                .experts(4)
                .topK(2)
                .seed(seed)
                .version(version)
                .build(dir.resolve(folder));
    }

    private static PredictionTally.Models open(ModelBundle b) {
        return new PredictionTally.Models(
                ReferenceModel.open(b, RuntimeOptions.cpu()), MoeEvaluator.open(b, RuntimeOptions.cpu()));
    }

    /** The prediction the fused job commits for record {@code i}: the reference output of {@code served}. */
    private Prediction prediction(int i, ModelBundle served, String namedVersion, long processedMillis) {
        List<Float> output = new ArrayList<>();
        if (served != null) {
            try (ReferenceModel ref = ReferenceModel.open(served, RuntimeOptions.cpu())) {
                float[] y = ref.predict(readings.features(i), 1, new int[] {-1});
                for (float v : y) {
                    output.add(v);
                }
            }
        }
        return Prediction.newBuilder()
                .setEventId(readings.eventId(i))
                .setSourceId("s")
                .setEventTime(Instant.ofEpochMilli(0))
                .setProcessedTime(Instant.ofEpochMilli(processedMillis))
                .setModel(ModelRef.newBuilder()
                        .setName("synthetic-moe")
                        .setVersion(namedVersion)
                        .build())
                .setOutput(output)
                .setExperts(List.of())
                .setLatencyMs(1)
                .build();
    }
}
