package io.polyroute.job.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code combine.timeout}: typed, defaulted, checked, and shorter than the dedupe horizon where COMBINE runs. */
class CombineOptionsTest {

    @Test
    void shouldDefaultToOneMinute() {
        assertThat(JobConfig.defaults().get(CombineOptions.TIMEOUT)).isEqualTo(Duration.ofMinutes(1));
        assertThat(OptionsRegistry.keys()).contains("combine.timeout");
    }

    @Test
    void shouldRefuseATimeoutThatIsNotPositive() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("combine.timeout", "0 s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("combine.timeout");
    }

    @Test
    void shouldRefuseDeduplicationOffInTheExpertParallelMode() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("dedupe.horizon", "0 s")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedupe.horizon")
                .hasMessageContaining("combine.timeout")
                .hasMessageContaining("job.mode=fused");
        assertThat(JobConfig.of(Map.of("dedupe.horizon", "0 s", "job.mode", "fused"))
                        .get(DedupeOptions.HORIZON))
                .isZero();
    }

    @Test
    void shouldRefuseATimeoutNotShorterThanTheDedupeHorizon() {
        assertThatThrownBy(() -> JobConfig.of(Map.of("dedupe.horizon", "1 min", "combine.timeout", "1 min")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedupe.horizon");
        assertThat(JobConfig.of(Map.of("dedupe.horizon", "2 min", "combine.timeout", "1 min"))
                        .get(CombineOptions.TIMEOUT))
                .isEqualTo(Duration.ofMinutes(1));
    }
}
