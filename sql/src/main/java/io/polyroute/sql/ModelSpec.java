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

import io.polyroute.runtime.bundle.BundleLoader;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.eval.MoeEvaluator;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Everything a predict function needs to serve a model on a worker, checked at planning time and
 * shipped with the function.
 *
 * @param model the model's name in the catalog, for messages
 * @param bundlePath {@code bundle.path} as given
 * @param device where ONNX Runtime runs
 * @param intraOpThreads ONNX Runtime threads per session
 * @param batchSize rows per micro-batch
 * @param maxDelay longest wait of a row for its batch
 * @param failOnError whether a bad row fails the job instead of yielding an error
 * @param signature the model's input and output columns
 */
record ModelSpec(
        String model,
        String bundlePath,
        Device device,
        int intraOpThreads,
        int batchSize,
        Duration maxDelay,
        boolean failOnError,
        ModelSignature signature)
        implements Serializable {

    /** Fetches and loads the bundle and opens its sessions, for subtask {@code slot}. */
    RowScorer open(int slot) {
        ModelBundle bundle;
        try {
            bundle = BundleLoader.loadForServing(BundleFetcher.localFolder(bundlePath));
        } catch (IOException e) {
            throw new UncheckedIOException("Model " + model + ": cannot read bundle.path " + bundlePath, e);
        }
        RuntimeOptions options = RuntimeOptions.builder()
                .device(device)
                .intraOpThreads(intraOpThreads)
                .build();
        MoeEvaluator evaluator = MoeEvaluator.open(bundle, options);
        try {
            evaluator.preloadExperts();
        } catch (RuntimeException e) {
            evaluator.close();
            throw e;
        }
        return new RowScorer(bundle, evaluator, signature, slot);
    }

    /** The exception a bad row raises with {@code on-error = fail}. */
    RuntimeException badRow(String error) {
        return new IllegalArgumentException("Model " + model + " cannot evaluate a row (" + error
                + "); set 'on-error' = 'null' to get NULL outputs and an error column instead.");
    }
}
