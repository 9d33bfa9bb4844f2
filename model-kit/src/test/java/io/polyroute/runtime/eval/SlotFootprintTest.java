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
package io.polyroute.runtime.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.kit.synthetic.SyntheticBundleBuilder;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotFootprintTest {

    @TempDir
    Path dir;

    @Test
    void shouldOpenEverySessionOfEveryStage() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .experts(4)
                .topK(2)
                .stages(2)
                .sharedExpert(true)
                .seed(3)
                .build(dir.resolve("b"));

        SlotFootprint.Result r = SlotFootprint.measure(
                bundle, RuntimeOptions.builder().intraOpThreads(1).build(), 32, 2);

        // Per stage: gate + shared expert + 4 experts.
        assertThat(r.experts()).isEqualTo(8);
        assertThat(r.sessions()).isEqualTo(12);
        assertThat(r.batch()).isEqualTo(32);
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertThat(SlotFootprint.rss()).isPositive();
            assertThat(r.rssPerExpert()).isNotNegative();
        } else {
            assertThat(r.rssBytes()).isEqualTo(-1);
        }
    }

    @Test
    void shouldRefuseAnEmptyBatch() throws Exception {
        ModelBundle bundle = SyntheticBundleBuilder.create()
                .inputDim(8)
                .hidden(16)
                .experts(2)
                .topK(1)
                .seed(3)
                .build(dir.resolve("c"));

        assertThatThrownBy(() -> SlotFootprint.measure(bundle, RuntimeOptions.cpu(), 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch must be >= 1");
    }
}
