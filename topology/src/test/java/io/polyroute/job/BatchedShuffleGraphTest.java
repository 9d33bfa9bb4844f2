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
import io.polyroute.job.operators.CombineBatchOperator;
import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.CustomPartitionerWrapper;
import org.apache.flink.streaming.runtime.partitioner.ForwardPartitioner;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;

/**
 * The job graph of the batched dedupe shuffle: batches reach dedupe through the custom partitioner
 * (not replaced by the forward partitioning of the keyed view), dedupe runs chained behind the
 * identity step in one task whose max parallelism is the one routing uses, and
 * {@code batching.transport=record} keeps the keyed shuffle of single records.
 */
class BatchedShuffleGraphTest {

    @Test
    void shouldRouteBatchesWithTheCustomPartitionerIntoOneChainOfTheRoutingMaxParallelism() throws Exception {
        StreamGraph graph = graph(Map.of(), -1);

        assertThat(edge(graph, "decode-validate", "dedupe-in").getPartitioner())
                .isInstanceOf(CustomPartitionerWrapper.class);
        assertThat(edge(graph, "dedupe-in", "dedupe").getPartitioner()).isInstanceOf(ForwardPartitioner.class);
        assertThat(node(graph, "dedupe-in").getMaxParallelism()).isEqualTo(128);
        assertThat(node(graph, "dedupe").getMaxParallelism()).isEqualTo(128);

        JobGraph job = graph.getJobGraph();
        JobVertex dedupe = vertexWith(job, "dedupe");
        assertThat(dedupe.getName()).contains("dedupe-in").contains("dedupe").contains("fused");
        assertThat(dedupe.getMaxParallelism()).isEqualTo(128);
    }

    @Test
    void shouldUseTheConfiguredMaxParallelismForRoutingAndState() throws Exception {
        StreamGraph graph = graph(Map.of(), 512);
        assertThat(node(graph, "dedupe").getMaxParallelism()).isEqualTo(512);
        assertThat(vertexWith(graph.getJobGraph(), "dedupe").getMaxParallelism())
                .isEqualTo(512);
    }

    @Test
    void shouldShuffleSingleRecordsByKeyWithTheRecordTransport() throws Exception {
        StreamGraph graph = graph(Map.of("batching.transport", "record"), -1);
        assertThat(edge(graph, "decode-validate", "dedupe").getPartitioner())
                .isInstanceOf(KeyGroupStreamPartitioner.class);
        assertThat(graph.getStreamNodes())
                .extracting(StreamNode::getOperatorName)
                .doesNotContain("dedupe-in");
    }

    @Test
    void shouldExchangeBatchesBetweenGateExpertAndCombineInExpertParallelMode() throws Exception {
        StreamGraph graph = graph(Map.of("job.mode", "expert-parallel", "job.slots", "2"), -1);
        int s = 0;
        assertThat(edge(graph, "gate-" + s, "expert-" + s).getPartitioner())
                .isInstanceOf(CustomPartitionerWrapper.class);
        StreamNode combine = node(graph, "combine-" + s);
        assertThat(combine.getOperatorFactory()
                        .getStreamOperatorClass(getClass().getClassLoader()))
                .isEqualTo(CombineBatchOperator.class);
        // Results and headers each cross one keyed shuffle, grouped under COMBINE's own max parallelism.
        assertThat(edge(graph, "expert-" + s, "combine-" + s).getPartitioner())
                .isInstanceOf(KeyGroupStreamPartitioner.class);
        assertThat(combine.getInEdges())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class));
        assertThat(combine.getMaxParallelism()).isEqualTo(128);
        assertThat(combine.getParallelism()).isEqualTo(3);
        assertThat(node(graph, "expert-" + s).getParallelism()).isEqualTo(2);
    }

    @Test
    void shouldKeepSingleElementsBetweenGateExpertAndCombineWithTheRecordTransport() throws Exception {
        StreamGraph graph =
                graph(Map.of("job.mode", "expert-parallel", "job.slots", "2", "batching.transport", "record"), -1);
        StreamNode combine = node(graph, "combine-0");
        assertThat(combine.getOperatorFactory()
                        .getStreamOperatorClass(getClass().getClassLoader()))
                .isNotEqualTo(CombineBatchOperator.class);
        assertThat(combine.getInEdges())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class));
        assertThat(node(graph, "gate-0").getTypeSerializerOut().createInstance())
                .isInstanceOf(io.polyroute.job.model.ExpertTask.class);
    }

    private static StreamGraph graph(Map<String, String> options, int maxParallelism) throws Exception {
        ModelBundle bundle = BundleLoader.load(Path.of(
                BatchedShuffleGraphTest.class.getResource("/bundles/tiny").toURI()));
        Map<String, String> all = new HashMap<>(Map.of(
                "kafka.bootstrap-servers", "localhost:9",
                "job.name", "graph",
                "job.mode", "fused",
                "job.parallelism", "3"));
        all.putAll(options);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (maxParallelism > 0) {
            env.setMaxParallelism(maxParallelism);
        }
        PolyrouteJob.build(env, JobConfig.of(all), bundle);
        return env.getStreamGraph();
    }

    private static StreamNode node(StreamGraph graph, String name) {
        List<StreamNode> found = graph.getStreamNodes().stream()
                .filter(n -> n.getOperatorName().equals(name))
                .toList();
        assertThat(found).as("operators named %s", name).hasSize(1);
        return found.get(0);
    }

    private static StreamEdge edge(StreamGraph graph, String from, String to) {
        StreamNode source = node(graph, from);
        List<StreamEdge> edges = node(graph, to).getInEdges().stream()
                .filter(e -> e.getSourceId() == source.getId())
                .toList();
        assertThat(edges).as("edges %s -> %s", from, to).hasSize(1);
        return edges.get(0);
    }

    private static JobVertex vertexWith(JobGraph job, String operator) {
        for (JobVertex v : job.getVertices()) {
            for (String part : v.getName().split(" -> ")) {
                if (part.equals(operator)) {
                    return v;
                }
            }
        }
        throw new AssertionError("No task runs " + operator + ": " + job.getVertices());
    }
}
