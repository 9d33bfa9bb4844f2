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
package io.polyroute.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
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

    @Test
    void shouldWatchATestsAdminClientButNotOneAFlinkTaskLeftOpen() throws Exception {
        Set<Long> before = new HashSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> before.add(t.getId()));
        CountDownLatch stop = new CountDownLatch(1);
        Runnable idle = () -> {
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread ours = new Thread(idle, "kafka-admin-client-thread | adminclient-1");
        Thread task = new Thread(idle, "kafka-admin-client-thread | adminclient-2");
        try (URLClassLoader userCode =
                FlinkUserCodeClassLoaders.parentFirst(new URL[0], getClass().getClassLoader(), e -> {}, false)) {
            task.setContextClassLoader(userCode);
            ours.start();
            task.start();
            try {
                assertThat(LeakCheckExtension.leaked(before)).containsExactly(ours);
            } finally {
                stop.countDown();
                ours.join();
                task.join();
            }
        }
    }
}
