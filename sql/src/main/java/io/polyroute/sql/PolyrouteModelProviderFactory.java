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
import io.polyroute.runtime.bundle.BundleValidationException;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.onnx.Device;
import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.ml.ModelProvider;

/**
 * Serves Polyroute bundles to Flink SQL and the Table API, in process, with the fused evaluator:
 *
 * <pre>{@code
 * CREATE MODEL factory_moe
 *   INPUT (features ARRAY<FLOAT>)
 *   OUTPUT (prediction ARRAY<FLOAT>, model_version STRING, error STRING)
 *   WITH ('provider' = 'polyroute', 'bundle.path' = 'models/factory-moe');
 * SELECT * FROM ML_PREDICT(TABLE sensors, MODEL factory_moe, DESCRIPTOR(features));
 * }</pre>
 *
 * <p>The bundle is loaded and fully validated (checksums, every model's signature, the reference)
 * when a query using the model is planned, so a bad bundle fails there with the file named.
 */
public final class PolyrouteModelProviderFactory implements ModelProviderFactory {

    @Override
    public String factoryIdentifier() {
        return PolyrouteModelOptions.IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(PolyrouteModelOptions.BUNDLE_PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return Set.of(
                PolyrouteModelOptions.DEVICE,
                PolyrouteModelOptions.BATCH_SIZE,
                PolyrouteModelOptions.BATCH_MAX_DELAY,
                PolyrouteModelOptions.OUTPUT,
                PolyrouteModelOptions.ON_ERROR,
                PolyrouteModelOptions.INTRA_OP_THREADS);
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        return new PolyrouteModelProvider(
                spec(context.getObjectIdentifier().asSummaryString(), context.getCatalogModel(), helper.getOptions()));
    }

    /** Checks the options, the bundle and the model's columns; every failure names what to fix. */
    static ModelSpec spec(String model, ResolvedCatalogModel catalogModel, ReadableConfig options) {
        String path = options.get(PolyrouteModelOptions.BUNDLE_PATH);
        ModelBundle bundle;
        try {
            bundle = BundleLoader.load(BundleFetcher.localFolder(path));
        } catch (BundleValidationException e) {
            throw new ValidationException(
                    "Model " + model + ": the bundle at '" + path + "' (bundle.path) is invalid: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new ValidationException(
                    "Model " + model + ": cannot read the bundle at '" + path + "' (bundle.path): " + e.getMessage(),
                    e);
        }
        Device device;
        try {
            device = Device.parse(options.get(PolyrouteModelOptions.DEVICE));
        } catch (IllegalArgumentException e) {
            throw new ValidationException("Model " + model + ": option 'device': " + e.getMessage(), e);
        }
        int batchSize = options.get(PolyrouteModelOptions.BATCH_SIZE);
        if (batchSize < 1) {
            throw new ValidationException(
                    "Model " + model + ": option 'batch.size' must be >= 1, but is " + batchSize + ".");
        }
        Duration delay = options.get(PolyrouteModelOptions.BATCH_MAX_DELAY);
        if (delay.isNegative()) {
            throw new ValidationException(
                    "Model " + model + ": option 'batch.max-delay' must not be negative, but is " + delay + ".");
        }
        int threads = options.get(PolyrouteModelOptions.INTRA_OP_THREADS);
        if (threads < 1) {
            throw new ValidationException(
                    "Model " + model + ": option 'intra-op-threads' must be >= 1, but is " + threads + ".");
        }
        String onError = options.get(PolyrouteModelOptions.ON_ERROR).trim().toLowerCase(Locale.ROOT);
        if (!onError.equals("null") && !onError.equals("fail")) {
            throw new ValidationException(
                    "Model " + model + ": option 'on-error' must be 'null' or 'fail', but is '" + onError + "'.");
        }
        ModelSignature signature;
        try {
            signature = ModelSignature.of(
                    model,
                    catalogModel.getResolvedInputSchema(),
                    catalogModel.getResolvedOutputSchema(),
                    options.getOptional(PolyrouteModelOptions.OUTPUT).orElse(null),
                    bundle);
        } catch (IllegalArgumentException e) {
            throw new ValidationException(e.getMessage(), e);
        }
        return new ModelSpec(model, path, device, threads, batchSize, delay, onError.equals("fail"), signature);
    }
}
