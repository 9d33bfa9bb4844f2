package io.polyroute.job.operators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link FusedSettings} refuses every value out of range with a message naming its key. */
class FusedSettingsTest {

    private static FusedSettings.Builder valid() {
        return FusedSettings.builder()
                .deviceCount(0)
                .batchSize(1)
                .maxDelayMillis(0)
                .windowMillis(1);
    }

    @Test
    void shouldKeepTheValuesItIsBuiltWith() {
        Balancing b = new Balancing(true, 0.01f, 1.5);
        FusedSettings s = valid().batchSize(64).balancing(b).build();

        assertThat(s.batchSize()).isEqualTo(64);
        assertThat(s.balancing()).isEqualTo(b);
    }

    @Test
    void shouldNameTheKeyOfEveryValueOutOfRange() {
        assertThatThrownBy(() -> valid().deviceCount(-1).build()).hasMessageContaining("runtime.cuda.device-count");
        assertThatThrownBy(() -> valid().batchSize(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batching.gate.size");
        assertThatThrownBy(() -> valid().maxDelayMillis(-1).build()).hasMessageContaining("batching.gate.max-delay");
        assertThatThrownBy(() -> valid().windowMillis(0).build()).hasMessageContaining("rebalance.window");
        assertThatThrownBy(() -> valid().balancing(null).build()).hasMessageContaining(GateSettings.BALANCING);
    }
}
