package io.polyroute.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ExpertSettings} refuses every value out of range with a message naming its key. */
class ExpertSettingsTest {

    private static ExpertSettings.Builder valid() {
        return ExpertSettings.builder()
                .stageIndex(0)
                .expertsPerStage(List.of(4))
                .deviceCount(0)
                .releaseGraceMillis(0)
                .windowMillis(1)
                .batchSize(1)
                .maxDelayMillis(0);
    }

    @Test
    void shouldKeepTheValuesItIsBuiltWith() {
        ExpertSettings s = valid().deviceCount(2).build();

        assertThat(s.deviceCount()).isEqualTo(2);
        assertThat(s.expertsPerStage()).containsExactly(4);
    }

    @Test
    void shouldNameTheKeyOfEveryValueOutOfRange() {
        assertThatThrownBy(() -> valid().deviceCount(-1).build()).hasMessageContaining("runtime.cuda.device-count");
        assertThatThrownBy(() -> valid().releaseGraceMillis(-1).build())
                .hasMessageContaining("rebalance.release-grace");
        assertThatThrownBy(() -> valid().windowMillis(0).build()).hasMessageContaining("rebalance.window");
        assertThatThrownBy(() -> valid().batchSize(0).build()).hasMessageContaining("batching.expert.size");
        assertThatThrownBy(() -> valid().maxDelayMillis(-5).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batching.expert.max-delay")
                .hasMessageContaining("-5");
        assertThatThrownBy(() -> valid().stageIndex(-1).build()).hasMessageContaining(GateSettings.STAGE);
        assertThatThrownBy(() -> valid().expertsPerStage(List.of()).build())
                .hasMessageContaining(GateSettings.EXPERTS_PER_STAGE);
    }
}
