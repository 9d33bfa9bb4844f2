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
package io.polyroute.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.polyroute.job.config.JobConfig;
import io.polyroute.job.config.TopicsOptions;
import io.polyroute.testing.KafkaBrokerExtension;
import io.polyroute.testing.KafkaTestUtils;
import io.polyroute.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(60)
@ExtendWith(LeakCheckExtension.class)
class TopicsITCase {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private Admin admin;

    @BeforeEach
    void openAdmin() {
        admin = Admin.create(KAFKA.broker().adminProperties());
    }

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    @Test
    void shouldNameEachMissingTopicAndItsKeyWhenAutoCreateIsOff() {
        JobConfig config = jobConfig(false);
        KAFKA.broker().createTopic(config.get(TopicsOptions.INPUT), 1);

        assertThatThrownBy(() -> Topics.ensure(admin, config, TIMEOUT))
                .isInstanceOf(MissingTopicException.class)
                .hasMessageContaining("(topics.output)")
                .hasMessageContaining("(topics.plans)")
                .hasMessageNotContaining("(topics.input)")
                .hasMessageContaining("'topics.auto-create' is false")
                .satisfies(e -> assertThat(((MissingTopicException) e).topics()).hasSize(4));
    }

    @Test
    void shouldCreateMissingTopicsWithOnePartitionForPlans() throws Exception {
        JobConfig config = jobConfig(true);

        assertThat(Topics.ensure(admin, config, TIMEOUT)).hasSize(5);
        assertThat(Topics.ensure(admin, config, TIMEOUT)).isEmpty();
        assertThat(Topics.ensure(admin, config.with("topics.auto-create", "false"), TIMEOUT))
                .isEmpty();

        Map<String, TopicDescription> described = admin.describeTopics(
                        List.of(config.get(TopicsOptions.INPUT), TopicsOptions.plans(config)))
                .allTopicNames()
                .get();
        assertThat(described.get(config.get(TopicsOptions.INPUT)).partitions()).hasSize(3);
        assertThat(described.get(TopicsOptions.plans(config)).partitions()).hasSize(1);
    }

    @Test
    void shouldCreateOnlyTheTopicsThatDoNotExist() {
        String existing = KAFKA.createRandomTopic("existing", 1);
        String fresh = KafkaTestUtils.randomTopic("fresh");

        assertThat(Topics.createIfMissing(
                        admin,
                        List.of(new NewTopic(existing, 1, (short) 1), new NewTopic(fresh, 1, (short) 1)),
                        TIMEOUT))
                .containsExactly(fresh);
        assertThat(Topics.missing(admin, List.of(existing, fresh), TIMEOUT)).isEmpty();
    }

    private static JobConfig jobConfig(boolean autoCreate) {
        return JobConfig.of(Map.of(
                "kafka.bootstrap-servers", KAFKA.bootstrapServers(),
                "topics.input", KafkaTestUtils.randomTopic("in"),
                "topics.output", KafkaTestUtils.randomTopic("out"),
                "topics.dlq", KafkaTestUtils.randomTopic("dlq"),
                "topics.load", KafkaTestUtils.randomTopic("load"),
                "topics.plans", KafkaTestUtils.randomTopic("plans"),
                "topics.auto-create", Boolean.toString(autoCreate),
                "topics.partitions", "3"));
    }
}
