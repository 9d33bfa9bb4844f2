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
package io.polyroute.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.job.config.JobConfig;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.dag.Transformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.transformations.SinkTransformation;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {

    @Test
    void shouldReuseAPoolOfTransactionalIdsOnEveryExactlyOnceSinkOfTheJob() throws Exception {
        ModelBundle bundle = BundleLoader.load(
                Path.of(KafkaSinksTest.class.getResource("/bundles/tiny").toURI()));
        JobConfig config = JobConfig.of(Map.of(
                "kafka.bootstrap-servers", "localhost:9",
                "job.name", "sinks",
                "rebalance.enabled", "true"));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();

        PolyrouteJob.build(env, config, bundle);

        List<String> transactional = new ArrayList<>();
        for (Transformation<?> t : env.getTransformations()) {
            if (t instanceof SinkTransformation<?, ?> st && st.getSink() instanceof KafkaSink<?> sink) {
                assertThat(sink).extracting("deliveryGuarantee").isNotNull();
                if (DeliveryGuarantee.EXACTLY_ONCE.equals(extract(sink, "deliveryGuarantee"))) {
                    transactional.add(t.getName());
                    assertThat(sink)
                            .as("transaction naming of sink %s", t.getName())
                            .extracting("transactionNamingStrategy")
                            .isEqualTo(TransactionNamingStrategy.POOLING);
                    assertThat((String) extract(sink, "transactionalIdPrefix")).startsWith("sinks-");
                }
            }
        }
        assertThat(transactional).containsExactlyInAnyOrder("kafka-predictions", "kafka-dlq", "kafka-plans-out");
    }

    private static Object extract(Object o, String field) throws ReflectiveOperationException {
        var f = o.getClass().getDeclaredField(field);
        f.setAccessible(true);
        return f.get(o);
    }
}
