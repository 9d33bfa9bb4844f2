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
package io.polyroute.job.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.polyroute.job.model.ExpertResultBatch;
import io.polyroute.job.model.RecordHeaderBatch;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.jobgraph.DistributionPattern;
import org.apache.flink.runtime.jobgraph.JobEdge;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamEdge;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;
import org.junit.jupiter.api.Test;

/**
 * The graph {@link CombineBatchOperator#wire} builds: results and headers batches reach COMBINE
 * (uid {@code combine-s}, the record-by-record COMBINE's) keyed by a {@code String} as before, each
 * by its first element's key, with the parallelism and max parallelism the batches are grouped for.
 */
class CombineBatchGraphTest {
    private static final int PARALLELISM = 3;
    private static final int MAX_PARALLELISM = 256;

    @Test
    void shouldKeyBothBatchStreamsIntoCombine() throws Exception {
        StreamGraph graph = graph();

        StreamNode combine = node(graph, "combine-1");
        assertThat(combine.getTransformationUID()).isEqualTo("combine-1");
        assertThat(combine.getMaxParallelism()).isEqualTo(MAX_PARALLELISM);
        assertThat(combine.getParallelism()).isEqualTo(PARALLELISM);
        assertThat(combine.getStateKeySerializer()).isInstanceOf(StringSerializer.class);
        assertThat(combine.getStatePartitioners()).hasSize(2).doesNotContainNull();
        assertThat(combine.getInEdges()).hasSize(2);

        // One hop: each batch goes straight to the subtask owning its first element's key group.
        assertThat(edge(graph, "expert-1", "combine-1").getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class);
        assertThat(edge(graph, "gate-1", "combine-1").getPartitioner()).isInstanceOf(KeyGroupStreamPartitioner.class);

        JobGraph job = graph.getJobGraph();
        JobVertex vertex = vertexWith(job, "combine-1");
        assertThat(vertex.getMaxParallelism()).isEqualTo(MAX_PARALLELISM);
        assertThat(vertex.getParallelism()).isEqualTo(PARALLELISM);
        assertThat(vertex.getInputs()).hasSize(2);
        for (JobEdge input : vertex.getInputs()) {
            assertThat(input.getDistributionPattern()).isEqualTo(DistributionPattern.ALL_TO_ALL);
        }
    }

    @Test
    void shouldSendABatchToTheSubtaskItWasGroupedFor() throws Exception {
        // The keyed edge routes a batch by its first element's key: the subtask PartRouting grouped it for.
        for (int i = 0; i < 2_000; i++) {
            String id = "evt-" + i;
            int target = PartRouting.combineSubtask(id, MAX_PARALLELISM, PARALLELISM);
            int keyed = org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
                    new CombineBatchOperator.ResultsKey().getKey(batchOf(id, target)), MAX_PARALLELISM, PARALLELISM);
            assertThat(keyed).as(id).isEqualTo(target);
        }
    }

    private static ExpertResultBatch batchOf(String eventId, int target) {
        ExpertResultBatch b = new ExpertResultBatch(target, PARALLELISM, 1);
        b.add(new io.polyroute.job.model.ExpertResult(eventId, 0, 0, 0, new float[] {1f}, null));
        return b;
    }

    private static StreamGraph graph() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        // Never run: stand-ins for EXPERT and GATE that give the batch streams their types.
        DataStream<ExpertResultBatch> results = env.fromSequence(0, 1)
                .map(i -> (ExpertResultBatch) null, TypeInformation.of(ExpertResultBatch.class))
                .name("expert-1");
        DataStream<RecordHeaderBatch> headers = env.fromSequence(0, 1)
                .map(i -> (RecordHeaderBatch) null, TypeInformation.of(RecordHeaderBatch.class))
                .name("gate-1");
        CombineFunction function = new CombineFunction(
                new StageOpener("unused", RuntimeOptions.builder().build()), 1, Duration.ofSeconds(10));
        CombineBatchOperator.wire(results, headers, function, 1, PARALLELISM, MAX_PARALLELISM)
                .sinkTo(new DiscardingSink<>())
                .name("sink");
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
