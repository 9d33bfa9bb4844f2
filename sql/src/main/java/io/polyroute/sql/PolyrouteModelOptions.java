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
package io.polyroute.sql;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** The options of {@code CREATE MODEL … WITH ('provider' = 'polyroute', …)}, each typed, defaulted and described. */
public final class PolyrouteModelOptions {

    /** The provider name to put in {@code 'provider'}. */
    public static final String IDENTIFIER = "polyroute";

    public static final ConfigOption<String> BUNDLE_PATH = ConfigOptions.key("bundle.path")
            .stringType()
            .noDefaultValue()
            .withDescription("The Polyroute bundle folder (the one holding bundle.yaml), on any Flink file system:"
                    + " a local path, file://, or a scheme the cluster has a plug-in for (s3://, hdfs://, ...)."
                    + " Remote bundles are copied to a local folder where they are served.");

    public static final ConfigOption<String> DEVICE = ConfigOptions.key("device")
            .stringType()
            .defaultValue("cpu")
            .withDescription("Where ONNX Runtime runs the models: cpu, cuda or auto (CUDA when available, else CPU).");

    public static final ConfigOption<Integer> BATCH_SIZE = ConfigOptions.key("batch.size")
            .intType()
            .defaultValue(256)
            .withDescription("Rows evaluated together. The asynchronous function completes a micro-batch when it holds"
                    + " this many rows; ML_PREDICT's 'max-concurrent-operations' must be at least this large for"
                    + " batches to fill.");

    public static final ConfigOption<Duration> BATCH_MAX_DELAY = ConfigOptions.key("batch.max-delay")
            .durationType()
            .defaultValue(Duration.ofMillis(20))
            .withDescription("Longest time a row waits for its micro-batch to fill before the batch is evaluated.");

    public static final ConfigOption<String> OUTPUT = ConfigOptions.key("output")
            .stringType()
            .noDefaultValue()
            .withDescription("What each OUTPUT column holds, as a comma-separated list in the order of the OUTPUT"
                    + " columns, from: prediction, experts, model_name, model_version, error. Without it the OUTPUT"
                    + " column names must be these words.");

    public static final ConfigOption<String> ON_ERROR = ConfigOptions.key("on-error")
            .stringType()
            .defaultValue("null")
            .withDescription("What a bad row (wrong dimension, NaN or infinity, unknown task, NULL input) does: 'null'"
                    + " yields NULL outputs and a message in the error column; 'fail' fails the job.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS = ConfigOptions.key("intra-op-threads")
            .intType()
            .defaultValue(1)
            .withDescription("ONNX Runtime intra-op threads per session.");

    private PolyrouteModelOptions() {}
}
