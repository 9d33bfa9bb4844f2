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
import java.util.Arrays;
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
    /** Rows of one ONNX Runtime run; a larger batch is run as consecutive runs of this many rows. */
    private final int maxRowsPerRun;

    private final ThreadLocal<Scratch> scratches = ThreadLocal.withInitial(Scratch::new);
    private volatile boolean closed;

    private ModelSession(String label, OrtEnvironment env, OrtSession session, int maxRowsPerRun) throws OrtException {
        this.label = label;
        this.env = env;
        this.session = session;
        this.maxRowsPerRun = maxRowsPerRun;
        this.inputs = signatures(session.getInputInfo());
        this.outputs = signatures(session.getOutputInfo());
    }

    /**
     * Opens {@code file} with {@code options}; {@code label} names the model in every error. ONNX
     * Runtime reads the file itself, so a model costs no Java heap however large it is.
     */
    public static ModelSession open(Path file, String label, RuntimeOptions options) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ModelRuntimeException("Cannot read model " + label + " from " + file + ": "
                    + (Files.exists(file) ? "not a readable file" : "no such file"));
        }
        return open(label, options, (env, so) -> env.createSession(file.toString(), so));
    }

    /** Opens a model from its serialized bytes. */
    public static ModelSession open(byte[] model, String label, RuntimeOptions options) {
        return open(label, options, (env, so) -> env.createSession(model, so));
    }

    private interface SessionFactory {
        OrtSession create(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException;
    }

    private static ModelSession open(String label, RuntimeOptions options, SessionFactory factory) {
        OrtEnvironment env = OrtRuntime.environment(options.intraOpThreads());
        try (OrtSession.SessionOptions so = OrtRuntime.sessionOptions(options)) {
            OrtSession session = factory.create(env, so);
            try {
                return new ModelSession(label, env, session, options.maxRowsPerRun(onCuda(options)));
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new ModelRuntimeException("ONNX Runtime refused model " + label + ": " + e.getMessage(), e);
        }
    }

    /** Whether sessions of {@code options} run on CUDA, asked only when the row limit depends on it. */
    private static boolean onCuda(RuntimeOptions options) {
        return options.maxRowsPerRun() == RuntimeOptions.AUTO_ROWS_PER_RUN
                && options.device() != Device.CPU
                && OrtRuntime.cudaUsable(options);
    }

    /** The most rows one ONNX Runtime run of this session takes ({@code Integer.MAX_VALUE}: no limit). */
    public int maxRowsPerRun() {
        return maxRowsPerRun;
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
        checkOpen();
        if (rows == 0) {
            return new float[0];
        }
        checkRows(inputName, input.length, rows);
        Scratch scratch = scratches.get();
        FloatBuffer buf = scratch.input(0, input.length);
        buf.put(input, 0, input.length);
        buf.flip();
        return runOne(inputName, buf, rows, input.length / rows, outputName, scratch);
    }

    /**
     * Runs the model on {@code rows} records gathered from {@code source}: record {@code i} is row
     * {@code rowIndex[i]} of {@code source} (row-major, {@code width} values a row). The rows are
     * copied straight into the input buffer, with no intermediate array.
     */
    public float[] runRows(String inputName, float[] source, int width, int[] rowIndex, int rows, String outputName) {
        checkOpen();
        if (rows == 0) {
            return new float[0];
        }
        if (width < 1 || source.length % width != 0 || rowIndex.length < rows) {
            throw new IllegalArgumentException("Input " + inputName + " of model " + label + ": cannot take "
                    + rows + " rows of width " + width + " from " + source.length + " values and "
                    + rowIndex.length + " row indices.");
        }
        Scratch scratch = scratches.get();
        FloatBuffer buf = scratch.input(0, rows * width);
        for (int i = 0; i < rows; i++) {
            buf.put(source, rowIndex[i] * width, width);
        }
        buf.flip();
        return runOne(inputName, buf, rows, width, outputName, scratch);
    }

    private float[] runOne(String inputName, FloatBuffer buf, int rows, int width, String outputName, Scratch scratch) {
        return runInRuns(
                new String[] {inputName}, new FloatBuffer[] {buf}, new int[] {width}, rows, outputName, scratch);
    }

    /**
     * Runs the model on several named float inputs of {@code rows} rows each and returns output
     * {@code outputName} as a row-major array.
     */
    public float[] run(String[] inputNames, float[][] inputData, int rows, String outputName) {
        if (inputNames.length == 1) {
            return run(inputNames[0], inputData[0], rows, outputName);
        }
        checkOpen();
        if (rows == 0) {
            return new float[0];
        }
        Scratch scratch = scratches.get();
        FloatBuffer[] bufs = new FloatBuffer[inputNames.length];
        int[] widths = new int[inputNames.length];
        for (int i = 0; i < inputNames.length; i++) {
            float[] data = inputData[i];
            checkRows(inputNames[i], data.length, rows);
            bufs[i] = scratch.input(i, data.length);
            bufs[i].put(data, 0, data.length);
            bufs[i].flip();
            widths[i] = data.length / rows;
        }
        return runInRuns(inputNames, bufs, widths, rows, outputName, scratch);
    }

    /**
     * Runs {@code rows} rows of the filled input buffers. Rows are independent, so a batch larger
     * than {@link #maxRowsPerRun} runs as consecutive runs of at most that many rows: the hidden
     * activations of one run then stay small enough for the caches, where one run of thousands of
     * rows through a wide hidden layer streams them through memory.
     */
    private float[] runInRuns(
            String[] inputNames, FloatBuffer[] bufs, int[] widths, int rows, String outputName, Scratch scratch) {
        if (rows <= maxRowsPerRun) {
            return runFeed(inputNames, bufs, widths, 0, rows, outputName, scratch, null);
        }
        // A pinned output's runs write straight into the one result array; others are copied in.
        int pinned = pinnableWidth(outputName);
        float[] out = pinned > 0 ? new float[rows * pinned] : null;
        for (int start = 0; start < rows; start += maxRowsPerRun) {
            int n = Math.min(maxRowsPerRun, rows - start);
            float[] part = runFeed(inputNames, bufs, widths, start, n, outputName, scratch, out);
            if (part != out) {
                int outWidth = part.length / n;
                if (out == null) {
                    out = new float[rows * outWidth];
                }
                System.arraycopy(part, 0, out, start * outWidth, part.length);
            }
        }
        return out;
    }

    /**
     * One run on rows {@code [start, start + n)} of the inputs; one input needs no map of its own.
     * A pinned output is written into rows {@code [start, start + n)} of {@code dest} when given.
     */
    private float[] runFeed(
            String[] inputNames,
            FloatBuffer[] bufs,
            int[] widths,
            int start,
            int n,
            String outputName,
            Scratch scratch,
            float[] dest) {
        OnnxTensor[] tensors = new OnnxTensor[inputNames.length];
        try {
            for (int i = 0; i < inputNames.length; i++) {
                FloatBuffer rowsOf = bufs[i];
                if (start > 0 || rowsOf.limit() != n * widths[i]) {
                    rowsOf = bufs[i].duplicate();
                    rowsOf.position(start * widths[i]).limit((start + n) * widths[i]);
                    rowsOf = rowsOf.slice();
                }
                tensors[i] = OnnxTensor.createTensor(env, rowsOf, new long[] {n, widths[i]});
            }
            Map<String, OnnxTensor> feed;
            if (tensors.length == 1) {
                feed = Collections.singletonMap(inputNames[0], tensors[0]);
            } else {
                feed = new HashMap<>(inputNames.length * 2);
                for (int i = 0; i < tensors.length; i++) {
                    feed.put(inputNames[i], tensors[i]);
                }
            }
            return execute(feed, n, outputName, scratch, dest, start);
        } catch (OrtException e) {
            throw failure(n, e);
        } finally {
            for (OnnxTensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }

    /**
     * Runs on {@code feed} and copies output {@code outputName} into a new array. An output of
     * shape {@code [N, W]} with a fixed W is written by ONNX Runtime straight into this thread's
     * direct output buffer (a pinned output), so it is copied once, into rows {@code destRow...}
     * of {@code dest} when one is given (then returned); other outputs are read back from the
     * result into a new array.
     */
    private float[] execute(
            Map<String, OnnxTensor> feed, int rows, String outputName, Scratch scratch, float[] dest, int destRow)
            throws OrtException {
        int width = pinnableWidth(outputName);
        if (width > 0) {
            int size = rows * width;
            FloatBuffer out = scratch.output(size);
            out.limit(size);
            try (OnnxTensor pinned = OnnxTensor.createTensor(env, out, new long[] {rows, width})) {
                session.run(feed, Collections.singletonMap(outputName, pinned)).close();
                if (dest == null) {
                    float[] copy = new float[size];
                    out.get(0, copy);
                    return copy;
                }
                out.get(0, dest, destRow * width, size);
                return dest;
            }
        }
        try (OrtSession.Result result = session.run(feed, Collections.singleton(outputName))) {
            OnnxValue value = result.get(outputName)
                    .orElseThrow(() -> new ModelRuntimeException(
                            "Model " + label + " returned no output named " + outputName + "."));
            FloatBuffer out = ((OnnxTensor) value).getFloatBuffer();
            float[] copy = new float[out.remaining()];
            out.get(copy);
            return copy;
        }
    }

    /** The fixed width W of float output {@code name} of shape {@code [N, W]}, or -1. */
    private int pinnableWidth(String name) {
        for (TensorSignature t : outputs) {
            if (t.name().equals(name)) {
                long[] shape = t.shape();
                boolean pinnable = t.isFloat()
                        && shape.length == 2
                        && shape[0] < 0
                        && shape[1] > 0
                        && shape[1] <= Integer.MAX_VALUE;
                return pinnable ? (int) shape[1] : -1;
            }
        }
        return -1;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("Model session " + label + " is closed.");
        }
    }

    private void checkRows(String inputName, int values, int rows) {
        if (values % rows != 0) {
            throw new IllegalArgumentException("Input " + inputName + " of model " + label + " has " + values
                    + " values, not a multiple of " + rows + " rows.");
        }
    }

    private ModelRuntimeException failure(int rows, OrtException e) {
        return new ModelRuntimeException(
                "Model " + label + " failed on a batch of " + rows + " rows: " + e.getMessage(), e);
    }

    /** One thread's reusable native-order direct buffers: inputs by position, and the output. */
    private static final class Scratch {
        private FloatBuffer[] inputs = new FloatBuffer[1];
        private FloatBuffer output;

        /** Input buffer {@code i}, cleared, with room for {@code size} floats. */
        FloatBuffer input(int i, int size) {
            if (i >= inputs.length) {
                inputs = Arrays.copyOf(inputs, i + 1);
            }
            FloatBuffer b = inputs[i];
            if (b == null || b.capacity() < size) {
                b = allocate(size);
                inputs[i] = b;
            }
            b.clear();
            return b;
        }

        /** The output buffer, cleared, with room for {@code size} floats. */
        FloatBuffer output(int size) {
            if (output == null || output.capacity() < size) {
                output = allocate(size);
            }
            output.clear();
            return output;
        }

        private static FloatBuffer allocate(int size) {
            return ByteBuffer.allocateDirect(Math.max(size, 1024) * Float.BYTES)
                    .order(ByteOrder.nativeOrder())
                    .asFloatBuffer();
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
