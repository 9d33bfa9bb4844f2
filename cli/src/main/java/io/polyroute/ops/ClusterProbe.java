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
package io.polyroute.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the state of a running job: restarts, TaskManager heap and source backpressure from the
 * Flink REST API, input lag from Kafka. Every probe returns -1 instead of failing, because the
 * processes it asks may be the ones just killed.
 */
final class ClusterProbe implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TERMINAL = "FINISHED|CANCELED|FAILED";

    private final String rest;
    private final String jobName;
    private final String inputTopic;
    private final String group;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final Admin admin;
    private String jobId;
    private String sourceVertex;

    /**
     * @param rest Flink REST base URL, or null to skip the Flink probes
     * @param inputTopic topic whose lag is measured, or null to skip
     * @param group consumer group whose committed offsets define the lag (the job name)
     */
    ClusterProbe(String rest, String jobName, Properties kafka, String inputTopic, String group) {
        this.rest = rest;
        this.jobName = jobName;
        this.inputTopic = inputTopic;
        this.group = group;
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        this.admin = inputTopic == null ? null : Admin.create(p);
    }

    /** The job's restart count, -1 when unknown. */
    long restarts() {
        String id = jobId();
        if (id == null) {
            return -1;
        }
        JsonNode n = get("/jobs/" + id + "/metrics?get=numRestarts");
        return n != null && n.size() > 0 ? n.get(0).path("value").asLong(-1) : -1;
    }

    /**
     * When the job last entered RESTARTING, in epoch milliseconds by the JobManager's clock
     * ({@code timestamps.RESTARTING} of {@code /jobs/<id>}): 0 when it never restarted, -1 when
     * unknown. Unlike the {@code numRestarts} metric, which the REST API can report many seconds
     * late, this is the moment the JobManager switched the job's state.
     */
    long restartingAt() {
        JsonNode job = liveJob();
        return job == null ? -1 : job.path("timestamps").path("RESTARTING").asLong(0);
    }

    /**
     * The details of the job with the configured name; a job that has ended (stopped with a
     * savepoint, say) is replaced by the newest live job of that name, such as the next version
     * started from the savepoint.
     */
    private JsonNode liveJob() {
        String id = jobId();
        JsonNode job = id == null ? null : get("/jobs/" + id);
        if (job != null && job.path("state").asText().matches(TERMINAL)) {
            jobId = null;
            sourceVertex = null;
            id = jobId();
            job = id == null ? null : get("/jobs/" + id);
        }
        return job;
    }

    /** The state of the job (RUNNING, RESTARTING, ...), or null. */
    String jobState() {
        String id = jobId();
        JsonNode n = id == null ? null : get("/jobs/" + id);
        return n == null ? null : n.path("state").asText(null);
    }

    /** The largest heap in use over all TaskManagers, in bytes; -1 when unknown. */
    long maxTaskManagerHeapUsed() {
        JsonNode tms = get("/taskmanagers");
        if (tms == null) {
            return -1;
        }
        long max = -1;
        for (JsonNode tm : tms.path("taskmanagers")) {
            JsonNode m = get("/taskmanagers/" + tm.path("id").asText() + "/metrics?get=Status.JVM.Memory.Heap.Used");
            if (m != null && m.size() > 0) {
                max = Math.max(max, m.get(0).path("value").asLong(-1));
            }
        }
        return max;
    }

    /** The largest TaskManager heap limit in bytes; -1 when unknown. */
    long taskManagerHeapMax() {
        JsonNode tms = get("/taskmanagers");
        if (tms == null) {
            return -1;
        }
        long max = -1;
        for (JsonNode tm : tms.path("taskmanagers")) {
            JsonNode m = get("/taskmanagers/" + tm.path("id").asText() + "/metrics?get=Status.JVM.Memory.Heap.Max");
            if (m != null && m.size() > 0) {
                max = Math.max(max, m.get(0).path("value").asLong(-1));
            }
        }
        return max;
    }

    /** Milliseconds per second the source subtasks spent backpressured (max over subtasks), -1 when unknown. */
    long sourceBackpressureMsPerSecond() {
        String id = jobId();
        if (id == null) {
            return -1;
        }
        if (sourceVertex == null) {
            JsonNode job = get("/jobs/" + id);
            if (job == null) {
                return -1;
            }
            for (JsonNode v : job.path("vertices")) {
                if (v.path("name").asText().contains("kafka-sensors")) {
                    sourceVertex = v.path("id").asText();
                }
            }
            if (sourceVertex == null) {
                return -1;
            }
        }
        JsonNode m = get("/jobs/" + id + "/vertices/" + sourceVertex
                + "/subtasks/metrics?get=backPressuredTimeMsPerSecond&agg=max");
        return m != null && m.size() > 0 ? (long) m.get(0).path("max").asDouble(-1) : -1;
    }

    /** Input records not yet committed by the job's consumer group; -1 when unknown. */
    long lag() {
        if (admin == null) {
            return -1;
        }
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(3, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = admin
                    .describeTopics(java.util.List.of(inputTopic))
                    .allTopicNames()
                    .get(3, TimeUnit.SECONDS)
                    .get(inputTopic)
                    .partitions()
                    .stream()
                    .collect(Collectors.toMap(
                            p -> new TopicPartition(inputTopic, p.partition()), p -> OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResultInfo> ends =
                    admin.listOffsets(latest).all().get(3, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, ListOffsetsResultInfo> e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue().offset() - (c == null ? 0 : c.offset());
            }
            return lag;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return -1;
        }
    }

    private String jobId() {
        if (jobId != null || rest == null) {
            return jobId;
        }
        JsonNode jobs = get("/jobs/overview");
        long newest = -1;
        for (JsonNode j : jobs == null ? JSON.createArrayNode() : jobs.path("jobs")) {
            boolean live = !j.path("state").asText().matches(TERMINAL);
            if (j.path("name").asText().equals(jobName)
                    && live
                    && j.path("start-time").asLong() > newest) {
                newest = j.path("start-time").asLong();
                jobId = j.path("jid").asText();
            }
        }
        return jobId;
    }

    private JsonNode get(String path) {
        if (rest == null) {
            return null;
        }
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(rest + path))
                            .timeout(TIMEOUT)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
