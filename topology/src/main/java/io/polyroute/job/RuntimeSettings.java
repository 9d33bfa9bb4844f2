package io.polyroute.job;

import io.polyroute.job.config.JobConfig;
import io.polyroute.runtime.onnx.Device;
import io.polyroute.runtime.onnx.RuntimeOptions;

/** Maps the job's {@code runtime.*} options to the core's ONNX Runtime options. */
public final class RuntimeSettings {
    private RuntimeSettings() {}

    public static RuntimeOptions from(JobConfig config) {
        return RuntimeOptions.builder()
                .device(Device.parse(config.get(io.polyroute.job.config.RuntimeOptions.DEVICE).name()))
                .intraOpThreads(config.get(io.polyroute.job.config.RuntimeOptions.INTRA_OP_THREADS))
                .build();
    }
}
