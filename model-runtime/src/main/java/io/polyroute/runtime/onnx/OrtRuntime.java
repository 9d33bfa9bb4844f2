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
package io.polyroute.runtime.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide ONNX Runtime environment and the factory of session options.
 *
 * <p>All sessions share one global intra-op thread pool (per-session pools cost an OS thread and
 * ~25 ms per session). The pool size is fixed by the first call in the process; later calls asking
 * for another size get the existing pool and one warning. Bundle validation therefore opens its
 * sessions with {@link #validationOptions(RuntimeOptions)}: the serving options' thread count when
 * the caller knows them, else the existing pool's size, so validating first never shrinks the pool.
 */
public final class OrtRuntime {
    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);

    private static final Object LOCK = new Object();
    private static OrtEnvironment environment;
    private static int environmentThreads;
    private static final AtomicBoolean THREAD_MISMATCH_LOGGED = new AtomicBoolean();
    private static final AtomicBoolean CUDA_FALLBACK_LOGGED = new AtomicBoolean();
    private static final Map<Integer, Boolean> CUDA_USABLE = new ConcurrentHashMap<>();

    private OrtRuntime() {}

    /** The shared environment, created on first use with {@code intraOpThreads} global threads. */
    public static OrtEnvironment environment(int intraOpThreads) {
        synchronized (LOCK) {
            if (environment == null) {
                try {
                    OrtEnvironment.ThreadingOptions threading = new OrtEnvironment.ThreadingOptions();
                    threading.setGlobalIntraOpNumThreads(intraOpThreads);
                    threading.setGlobalInterOpNumThreads(1);
                    threading.setGlobalSpinControl(false);
                    environment = OrtEnvironment.getEnvironment(
                            OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, "polyroute", threading);
                    environmentThreads = intraOpThreads;
                } catch (OrtException e) {
                    throw new ModelRuntimeException(
                            "Could not create the ONNX Runtime environment with " + intraOpThreads
                                    + " intra-op threads: " + e.getMessage(),
                            e);
                }
            } else if (environmentThreads != intraOpThreads && THREAD_MISMATCH_LOGGED.compareAndSet(false, true)) {
                LOG.warn(
                        "ONNX Runtime environment already runs {} intra-op threads; "
                                + "the request for {} is ignored (the pool is process-wide).",
                        environmentThreads,
                        intraOpThreads);
            }
            return environment;
        }
    }

    /** The size of the process-wide intra-op pool, or empty before the environment exists. */
    public static OptionalInt intraOpThreads() {
        synchronized (LOCK) {
            return environment == null ? OptionalInt.empty() : OptionalInt.of(environmentThreads);
        }
    }

    /** Options for validation sessions: CPU, with the thread count of the pool if one exists, else 1. */
    public static RuntimeOptions validationOptions() {
        return RuntimeOptions.builder()
                .device(Device.CPU)
                .intraOpThreads(intraOpThreads().orElse(1))
                .build();
    }

    /**
     * Options for validation sessions of a process that will serve with {@code serving}: CPU, with
     * the serving thread count (which fixes the pool if validation opens the first session).
     */
    public static RuntimeOptions validationOptions(RuntimeOptions serving) {
        return RuntimeOptions.builder()
                .device(Device.CPU)
                .intraOpThreads(serving.intraOpThreads())
                .build();
    }

    /**
     * Session options for {@code options}: shared thread pool, full graph optimisation, and the
     * CUDA provider when the device asks for it. {@link Device#AUTO} falls back to CPU with one log
     * line saying why; {@link Device#CUDA} throws instead.
     */
    public static OrtSession.SessionOptions sessionOptions(RuntimeOptions options) {
        environment(options.intraOpThreads());
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.disablePerSessionThreads();
            so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (options.device() != Device.CPU) {
                addCuda(so, options);
            }
            return so;
        } catch (OrtException e) {
            so.close();
            throw new ModelRuntimeException(
                    "Could not configure ONNX Runtime session options (" + options + "): " + e.getMessage(), e);
        }
    }

    /**
     * Whether sessions created with {@code options} would run on CUDA. The answer of each CUDA
     * device is found once per process (adding the provider can take a while) and remembered.
     */
    public static boolean cudaUsable(RuntimeOptions options) {
        if (options.device() == Device.CPU) {
            return false;
        }
        return CUDA_USABLE.computeIfAbsent(options.deviceId(), id -> {
            try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
                so.addCUDA(cudaOptions(options));
                return true;
            } catch (OrtException | RuntimeException e) {
                return false;
            }
        });
    }

    private static void addCuda(OrtSession.SessionOptions so, RuntimeOptions options) {
        // The GPU artifact reports CUDA as available even without a GPU, so the only reliable test
        // is to try adding the provider. On failure the same SessionOptions still work on CPU.
        try {
            so.addCUDA(cudaOptions(options));
        } catch (OrtException | RuntimeException e) {
            if (options.device() == Device.CUDA) {
                throw new ModelRuntimeException(
                        "runtime.device is 'cuda' but the CUDA execution "
                                + "provider could not be added for device " + options.deviceId() + ": "
                                + e.getMessage() + ". Build with -Pgpu on a machine with CUDA, or set "
                                + "runtime.device=auto or cpu.",
                        e);
            }
            if (CUDA_FALLBACK_LOGGED.compareAndSet(false, true)) {
                LOG.info(
                        "runtime.device=auto: running on CPU because the CUDA execution provider "
                                + "is unavailable ({}).",
                        firstLine(e.getMessage()));
            }
        }
    }

    private static OrtCUDAProviderOptions cudaOptions(RuntimeOptions options) throws OrtException {
        OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(options.deviceId());
        if (options.cudaMemoryLimitBytes() > 0) {
            cuda.add("gpu_mem_limit", Long.toString(options.cudaMemoryLimitBytes()));
        }
        cuda.add("arena_extend_strategy", options.cudaArenaStrategy());
        return cuda;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no reason given";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
