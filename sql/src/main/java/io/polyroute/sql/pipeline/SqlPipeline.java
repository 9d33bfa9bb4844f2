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
package io.polyroute.sql.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The SQL form of the Polyroute job: a Kafka table of {@code SensorReading}s, the bundle as a
 * {@code polyroute} model, {@code ML_PREDICT} over the table, the predictions into a Kafka table of
 * {@code Prediction}s (exactly once) and the rows with an error into a table of {@code DeadLetter}s.
 * Renders the statements only; whoever runs them picks the table environment.
 *
 * <pre>{@code
 * SqlPipeline p = SqlPipeline.builder()
 *         .bootstrapServers("localhost:9092")
 *         .bundlePath("models/factory-moe")
 *         .build();
 * p.ddl().forEach(tEnv::executeSql);
 * StatementSet set = tEnv.createStatementSet();
 * p.inserts().forEach(set::addInsertSql);
 * set.execute();
 * }</pre>
 */
public final class SqlPipeline {
    /** The experts column type, the same in the model's OUTPUT and in the predictions table. */
    public static final String EXPERTS_TYPE = "ARRAY<ROW<stage INT, expert INT, `group` INT, weight FLOAT, slot INT>>";

    private final Builder b;

    private SqlPipeline(Builder b) {
        this.b = b;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The CREATE TABLE / CREATE MODEL statements, in order. */
    public List<String> ddl() {
        List<String> out = new ArrayList<>();
        out.add("CREATE TABLE " + b.sensorsTable + " (\n"
                + "  event_id STRING,\n"
                + "  source_id STRING,\n"
                + "  task STRING,\n"
                + "  event_time TIMESTAMP_LTZ(3),\n"
                + "  features ARRAY<FLOAT>,\n"
                + "  decode_error STRING,\n"
                + "  raw_value BYTES,\n"
                + "  `topic` STRING METADATA VIRTUAL,\n"
                + "  `partition` INT METADATA VIRTUAL,\n"
                + "  `offset` BIGINT METADATA VIRTUAL\n"
                + ") WITH (\n"
                + kafka(b.inputTopic, "SensorReading")
                + ",\n  'properties.group.id' = '" + b.groupId + "',\n"
                + "  'properties.isolation.level' = 'read_committed',\n"
                + "  'scan.startup.mode' = 'earliest-offset'"
                + (b.bounded ? ",\n  'scan.bounded.mode' = 'latest-offset'" : "")
                + "\n)");
        out.add("CREATE MODEL " + b.model + "\n"
                + "  INPUT (features ARRAY<FLOAT>)\n"
                + "  OUTPUT (prediction ARRAY<FLOAT>, experts " + EXPERTS_TYPE
                + ", model_name STRING, model_version STRING, error STRING)\n"
                + "WITH (\n"
                + "  'provider' = 'polyroute',\n"
                + "  'bundle.path' = '" + escape(b.bundlePath) + "',\n"
                + "  'device' = '" + b.device + "',\n"
                + "  'batch.size' = '" + b.batchSize + "',\n"
                + "  'batch.max-delay' = '" + b.batchMaxDelayMs + " ms'\n"
                + ")");
        out.add("CREATE TABLE " + b.predictionsTable + " (\n"
                + "  event_id STRING,\n"
                + "  source_id STRING,\n"
                + "  event_time TIMESTAMP_LTZ(3),\n"
                + "  model ROW<name STRING, version STRING>,\n"
                + "  output ARRAY<FLOAT>,\n"
                + "  experts " + EXPERTS_TYPE + "\n"
                + ") WITH (\n"
                + kafka(b.outputTopic, "Prediction") + ",\n"
                + sinkOptions("p")
                + "\n)");
        out.add("CREATE TABLE " + b.deadLettersTable + " (\n"
                + "  `value` BYTES,\n"
                + "  `topic` STRING,\n"
                + "  `partition` INT,\n"
                + "  `offset` BIGINT,\n"
                + "  reason STRING,\n"
                + "  message STRING,\n"
                + "  event_id STRING\n"
                + ") WITH (\n"
                + kafka(b.dlqTopic, "DeadLetter") + ",\n"
                + sinkOptions("d")
                + "\n)");
        out.add("CREATE TEMPORARY VIEW " + b.scoredView + " AS\n"
                + "SELECT * FROM ML_PREDICT(TABLE " + b.sensorsTable + ", MODEL " + b.model
                + ", DESCRIPTOR(features),\n"
                + "  MAP['async', 'true', 'max-concurrent-operations', '" + Math.max(b.batchSize, 1)
                + "', 'output-mode', 'ALLOW_UNORDERED'])");
        return out;
    }

    /** The two INSERTs, to run together as one statement set (one job). */
    public List<String> inserts() {
        return List.of(
                "INSERT INTO " + b.predictionsTable + "\n"
                        + "SELECT event_id, source_id, event_time, ROW(model_name, model_version), prediction, experts\n"
                        + "FROM " + b.scoredView + "\n"
                        + "WHERE error IS NULL AND decode_error IS NULL",
                "INSERT INTO " + b.deadLettersTable + "\n"
                        + "SELECT raw_value, `topic`, `partition`, `offset`,\n"
                        + "  CASE WHEN decode_error IS NOT NULL THEN SPLIT_INDEX(decode_error, ':', 0)"
                        + " ELSE SPLIT_INDEX(error, ':', 0) END,\n"
                        + "  COALESCE(decode_error, error), event_id\n"
                        + "FROM " + b.scoredView + "\n"
                        + "WHERE error IS NOT NULL OR decode_error IS NOT NULL");
    }

    /** Every statement, DDL first, the inserts wrapped in one {@code EXECUTE STATEMENT SET}. */
    public String script() {
        StringBuilder sb = new StringBuilder();
        for (String s : ddl()) {
            sb.append(s).append(";\n\n");
        }
        sb.append("EXECUTE STATEMENT SET BEGIN\n");
        for (String s : inserts()) {
            sb.append(s).append(";\n");
        }
        return sb.append("END;\n").toString();
    }

    private String kafka(String topic, String record) {
        return "  'connector' = 'kafka',\n"
                + "  'topic' = '" + escape(topic) + "',\n"
                + "  'properties.bootstrap.servers' = '" + escape(b.bootstrapServers) + "',\n"
                + "  'value.format' = 'polyroute-avro',\n"
                + "  'value.polyroute-avro.record' = '" + record + "',\n"
                + "  'value.polyroute-avro.encoding' = '" + b.encoding + "'";
    }

    private String sinkOptions(String suffix) {
        return "  'sink.delivery-guarantee' = 'exactly-once',\n"
                + "  'sink.transactional-id-prefix' = '" + escape(b.transactionalIdPrefix) + "-" + suffix + "',\n"
                + "  'properties.transaction.timeout.ms' = '600000'";
    }

    private static String escape(String s) {
        return s.replace("'", "''");
    }

    /** Builds a {@link SqlPipeline}; only the bootstrap servers and the bundle path are required. */
    public static final class Builder {
        private String bootstrapServers;
        private String bundlePath;
        private String inputTopic = "sensors";
        private String outputTopic = "predictions";
        private String dlqTopic = "polyroute.dlq";
        private String groupId = "polyroute-sql";
        private String transactionalIdPrefix = "polyroute-sql";
        private String encoding = "binary";
        private String device = "cpu";
        private int batchSize = 256;
        private long batchMaxDelayMs = 20;
        private boolean bounded;
        private String sensorsTable = "sensors";
        private String model = "factory_moe";
        private String predictionsTable = "predictions";
        private String deadLettersTable = "dead_letters";
        private String scoredView = "scored";

        private Builder() {}

        public Builder bootstrapServers(String servers) {
            this.bootstrapServers = servers;
            return this;
        }

        public Builder bundlePath(String path) {
            this.bundlePath = path;
            return this;
        }

        public Builder topics(String input, String output, String dlq) {
            this.inputTopic = input;
            this.outputTopic = output;
            this.dlqTopic = dlq;
            return this;
        }

        /** Consumer group and transactional id prefix; distinct per pipeline sharing a broker. */
        public Builder name(String name) {
            this.groupId = name;
            this.transactionalIdPrefix = name;
            return this;
        }

        /** binary or single-object, as the producers write the topics. */
        public Builder encoding(String encoding) {
            this.encoding = encoding.toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder device(String device) {
            this.device = device;
            return this;
        }

        public Builder batch(int size, long maxDelayMs) {
            this.batchSize = size;
            this.batchMaxDelayMs = maxDelayMs;
            return this;
        }

        /** Reads the input topic up to its end at start, then finishes (for tests and benchmarks). */
        public Builder bounded(boolean bounded) {
            this.bounded = bounded;
            return this;
        }

        /** The model's name in the catalog. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public SqlPipeline build() {
            Objects.requireNonNull(bootstrapServers, "bootstrapServers must be set");
            Objects.requireNonNull(bundlePath, "bundlePath must be set");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, but is " + batchSize + ".");
            }
            return new SqlPipeline(this);
        }
    }
}
