package io.polyroute.runtime.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The bias step per window, snapshots and validation. */
class BiasBalancerTest {

    @Test
    void shouldStepEveryBiasAgainstItsDeviationFromTheMean() {
        BiasBalancer balancer = new BiasBalancer(3, 0.5f);
        float[] z = {3f, 1f, 0f, 3f, 1f, 0f, 0f, 3f, 1f, 1f, 0f, 3f};
        balancer.count(Gating.routeBatch(z, 4, 1, 3, 1, null)); // loads 2, 1, 1: mean 4/3
        balancer.update();
        assertThat(balancer.bias()).containsExactly(-0.5f, 0.5f, 0.5f);
        balancer.update(); // an empty window changes nothing
        assertThat(balancer.bias()).containsExactly(-0.5f, 0.5f, 0.5f);
        assertThat(balancer.maxAbsBias()).isEqualTo(0.5f);
    }

    @Test
    void shouldRestoreASnapshotAndRefuseOneOfAnotherStage() {
        BiasBalancer balancer = new BiasBalancer(3, 0.5f);
        balancer.restore(new float[] {0.1f, -0.2f, 0.1f});
        assertThat(balancer.snapshot()).containsExactly(0.1f, -0.2f, 0.1f);
        assertThatThrownBy(() -> balancer.restore(new float[4]))
                .hasMessageContaining("4 entries")
                .hasMessageContaining("3 experts");
        assertThatThrownBy(() -> new BiasBalancer(3, 0f)).hasMessageContaining("gamma");
    }
}
