package io.polyroute.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LeakCheckExtension} sees a watched thread that started after its snapshot, and only that. */
@Timeout(30)
class LeakCheckExtensionTest {
    @Test
    void shouldReportAWatchedThreadStartedAfterTheSnapshotOnly() throws Exception {
        Set<Long> before = new HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> before.add(t.getId()));
        CountDownLatch stop = new CountDownLatch(1);
        Thread producer = new Thread(
                () -> {
                    try {
                        stop.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "kafka-producer-network-thread | leak-test");
        Thread other = new Thread(producer::getName, "some-other-thread");
        producer.start();
        try {
            assertThat(LeakCheckExtension.leaked(before)).containsExactly(producer);
            assertThat(LeakCheckExtension.leaked(before)).doesNotContain(other);
        } finally {
            stop.countDown();
            producer.join();
        }
        assertThat(LeakCheckExtension.leaked(before)).isEmpty();
    }
}
