package io.polyroute.runtime.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One ONNX Runtime session of a model with float inputs of shape {@code [N, width]} and one float
 * output of shape {@code [N, outputWidth]}.
 *
 * <p>Runs are batched and thread-safe: each calling thread reuses its own native-order direct
 * buffers (ONNX Runtime reads them without copying), and every tensor is closed only after the run
 * that used it has returned — running on a closed tensor crashes the JVM.
 */
public final class ModelSession implements AutoCloseable {
    private final String label;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<TensorSignature> inputs;
    private final List<TensorSignature> outputs;
    private final ThreadLocal<FloatBuffer[]> buffers = ThreadLocal.withInitial(() -> new FloatBuffer[4]);
    private volatile boolean closed;

    private ModelSession(String label, OrtEnvironment env, OrtSession session) throws OrtException {
        this.label = label;
        this.env = env;
        this.session = session;
        this.inputs = signatures(session.getInputInfo());
        this.outputs = signatures(session.getOutputInfo());
    }

    /** Opens {@code file} with {@code options}; {@code label} names the model in every error. */
    public static ModelSession open(Path file, String label, RuntimeOptions options) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (java.io.IOException e) {
            throw new ModelRuntimeException("Cannot read model " + label + " from " + file + ": " + e, e);
        }
        return open(bytes, label, options);
    }

    /** Opens a model from its serialized bytes. */
    public static ModelSession open(byte[] model, String label, RuntimeOptions options) {
        OrtEnvironment env = OrtRuntime.environment(options.intraOpThreads());
        try (OrtSession.SessionOptions so = OrtRuntime.sessionOptions(options)) {
            OrtSession session = env.createSession(model, so);
            try {
                return new ModelSession(label, env, session);
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new ModelRuntimeException(
                    "ONNX Runtime refused model " + label + ": " + e.getMessage(), e);
        }
    }

    public String label() {
        return label;
    }

    public List<TensorSignature> inputs() {
        return inputs;
    }

    public List<TensorSignature> outputs() {
        return outputs;
    }

    /**
     * Runs the model on {@code rows} records whose single input is {@code input} (row-major,
     * {@code rows × width}) and returns output {@code outputName} row-major.
     */
    public float[] run(String inputName, float[] input, int rows, String outputName) {
        return run(new String[] {inputName}, new float[][] {input}, rows, outputName);
    }

    /**
     * Runs the model on several named float inputs of {@code rows} rows each and returns output
     * {@code outputName} as a row-major array.
     */
    public float[] run(String[] inputNames, float[][] inputData, int rows, String outputName) {
        if (closed) {
            throw new IllegalStateException("Model session " + label + " is closed.");
        }
        if (rows == 0) {
            return new float[0];
        }
        Map<String, OnnxTensor> feed = new HashMap<>(inputNames.length * 2);
        try {
            FloatBuffer[] local = buffers.get();
            if (local.length < inputNames.length) {
                local = new FloatBuffer[inputNames.length];
                buffers.set(local);
            }
            for (int i = 0; i < inputNames.length; i++) {
                float[] data = inputData[i];
                if (data.length % rows != 0) {
                    throw new IllegalArgumentException("Input " + inputNames[i] + " of model " + label
                            + " has " + data.length + " values, not a multiple of " + rows + " rows.");
                }
                FloatBuffer buf = local[i];
                if (buf == null || buf.capacity() < data.length) {
                    buf = ByteBuffer.allocateDirect(Math.max(data.length, 1024) * Float.BYTES)
                            .order(ByteOrder.nativeOrder())
                            .asFloatBuffer();
                    local[i] = buf;
                }
                buf.clear();
                buf.put(data, 0, data.length);
                buf.flip();
                feed.put(inputNames[i], OnnxTensor.createTensor(
                        env, buf, new long[] {rows, data.length / rows}));
            }
            try (OrtSession.Result result = session.run(feed, Collections.singleton(outputName))) {
                OnnxValue value = result.get(outputName).orElseThrow(() -> new ModelRuntimeException(
                        "Model " + label + " returned no output named " + outputName + "."));
                FloatBuffer out = ((OnnxTensor) value).getFloatBuffer();
                float[] copy = new float[out.remaining()];
                out.get(copy);
                return copy;
            }
        } catch (OrtException e) {
            throw new ModelRuntimeException("Model " + label + " failed on a batch of " + rows
                    + " rows: " + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : feed.values()) {
                t.close();
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                session.close();
            } catch (OrtException e) {
                throw new ModelRuntimeException("Could not close model session " + label + ": " + e, e);
            }
        }
    }

    private static List<TensorSignature> signatures(Map<String, NodeInfo> infos) {
        List<TensorSignature> out = new ArrayList<>();
        for (Map.Entry<String, NodeInfo> e : infos.entrySet()) {
            Object info = e.getValue().getInfo();
            if (info instanceof TensorInfo ti) {
                out.add(new TensorSignature(e.getKey(), Objects.toString(ti.type), ti.getShape()));
            } else {
                out.add(new TensorSignature(e.getKey(), info.getClass().getSimpleName(), new long[0]));
            }
        }
        return List.copyOf(out);
    }
}
