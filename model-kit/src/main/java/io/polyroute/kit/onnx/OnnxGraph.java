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
package io.polyroute.kit.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A small builder of ONNX graphs over the ONNX protobuf classes: float inputs {@code [N, width]},
 * initializers, nodes and outputs. Opset {@value #OPSET} and IR version {@value #IR_VERSION} unless
 * constructed with others; nodes and initializers copied from another model can be added as they are.
 *
 * <pre>{@code
 * OnnxGraph g = new OnnxGraph("expert-3");
 * String x = g.input("x", 32);
 * String h = g.dense(x, w1, b1, 32, 256, true);
 * g.output(g.dense(h, w2, b2, 256, 32, false), "y", 32);
 * g.save(path);
 * }</pre>
 */
public final class OnnxGraph {
    public static final int OPSET = 17;
    public static final int IR_VERSION = 8;

    private final String name;
    private final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
    private final Set<String> names = new HashSet<>();
    private final Map<String, Long> opsets;
    private final long irVersion;
    private int counter;

    /** A graph with opset {@value #OPSET} of the default domain and IR version {@value #IR_VERSION}. */
    public OnnxGraph(String name) {
        this(name, Map.of("", (long) OPSET), IR_VERSION);
    }

    /**
     * A graph importing the given opsets (domain {@code ""} is the default ONNX domain), for graphs
     * that embed models written elsewhere at another opset.
     */
    public OnnxGraph(String name, Map<String, Long> opsets, long irVersion) {
        this.name = name;
        this.opsets = new LinkedHashMap<>(opsets);
        this.opsets.putIfAbsent("", (long) OPSET);
        this.irVersion = irVersion;
        graph.setName(name);
    }

    /** Declares a float input of shape {@code [N, width]} with a dynamic batch dimension. */
    public String input(String inputName, int width) {
        return input(inputName, width, OnnxMl.TensorProto.DataType.FLOAT);
    }

    /** Declares an input of another element type, for models whose inputs are not features. */
    public String input(String inputName, int width, OnnxMl.TensorProto.DataType type) {
        graph.addInput(valueInfo(inputName, width, type));
        names.add(inputName);
        return inputName;
    }

    /** Declares {@code value} as the float output {@code outputName} of shape {@code [N, width]}. */
    public void output(String value, String outputName, int width) {
        output(value, outputName, width, OnnxMl.TensorProto.DataType.FLOAT);
    }

    /** Declares {@code value} as an output of the given element type. */
    public void output(String value, String outputName, int width, OnnxMl.TensorProto.DataType type) {
        String v = value;
        if (!value.equals(outputName)) {
            node("Identity", new String[] {value}, new String[] {outputName}, null);
            v = outputName;
        }
        graph.addOutput(valueInfo(v, width, type));
    }

    /** A float constant (initializer) of the given shape. */
    public String constant(String hint, float[] data, long... dims) {
        String n = fresh(hint);
        ByteBuffer buf = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        OnnxMl.TensorProto.Builder t = OnnxMl.TensorProto.newBuilder()
                .setName(n)
                .setDataType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())
                .setRawData(ByteString.copyFrom(buf.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return n;
    }

    /** An int64 constant (initializer), for shapes, axes and indices. */
    public String constantLong(String hint, long[] data, long... dims) {
        String n = fresh(hint);
        OnnxMl.TensorProto.Builder t =
                OnnxMl.TensorProto.newBuilder().setName(n).setDataType(OnnxMl.TensorProto.DataType.INT64.getNumber());
        for (long v : data) {
            t.addInt64Data(v);
        }
        for (long d : dims) {
            t.addDims(d);
        }
        graph.addInitializer(t);
        return n;
    }

    /** A node with one output and no attributes; returns the output's name. */
    public String op(String opType, String... inputs) {
        return op(opType, null, inputs);
    }

    /** A node with one output and the given attributes. */
    public String op(String opType, Attrs attrs, String... inputs) {
        String out = fresh(opType.toLowerCase());
        node(opType, inputs, new String[] {out}, attrs);
        return out;
    }

    /** A node with {@code outputs} outputs; returns their names. */
    public String[] opN(String opType, Attrs attrs, int outputs, String... inputs) {
        String[] outs = new String[outputs];
        for (int i = 0; i < outputs; i++) {
            outs[i] = fresh(opType.toLowerCase() + "_o" + i);
        }
        node(opType, inputs, outs, attrs);
        return outs;
    }

    /**
     * {@code x · W + b} with optional ReLU; {@code w} is row-major {@code [in, out]}, {@code b}
     * may be null.
     */
    public String dense(String x, float[] w, float[] b, int in, int out, boolean relu) {
        String y = op("MatMul", x, constant("W", w, in, out));
        if (b != null) {
            y = op("Add", y, constant("b", b, out));
        }
        return relu ? op("Relu", y) : y;
    }

    /**
     * Adds a node as it is, for nodes copied from another model; its output names are reserved so
     * that no later generated name collides with them.
     */
    public void addNode(OnnxMl.NodeProto node) {
        names.addAll(node.getOutputList());
        names.add(node.getName());
        graph.addNode(node);
    }

    /** Adds an initializer as it is, for weights copied from another model; its name is reserved. */
    public void addInitializer(OnnxMl.TensorProto tensor) {
        names.add(tensor.getName());
        graph.addInitializer(tensor);
    }

    /** Adds a sparse initializer as it is; its name is reserved. */
    public void addSparseInitializer(OnnxMl.SparseTensorProto tensor) {
        names.add(tensor.getValues().getName());
        graph.addSparseInitializer(tensor);
    }

    /** A name prefix no other call returns, for embedding a model's names without collisions. */
    public String freshPrefix(String hint) {
        return fresh(hint) + "/";
    }

    /** The opsets this graph imports, by domain ({@code ""} is the default ONNX domain). */
    public Map<String, Long> opsets() {
        return Map.copyOf(opsets);
    }

    public byte[] toBytes() {
        OnnxMl.ModelProto.Builder model = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(irVersion)
                .setProducerName("polyroute")
                .setModelVersion(1)
                .setGraph(graph.build());
        opsets.forEach((domain, version) -> model.addOpsetImport(
                OnnxMl.OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version)));
        return model.build().toByteArray();
    }

    public void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(file, toBytes());
    }

    public String name() {
        return name;
    }

    private void node(String opType, String[] inputs, String[] outputs, Attrs attrs) {
        OnnxMl.NodeProto.Builder n =
                OnnxMl.NodeProto.newBuilder().setOpType(opType).setName(fresh("n_" + opType.toLowerCase()));
        for (String i : inputs) {
            n.addInput(i);
        }
        for (String o : outputs) {
            n.addOutput(o);
            names.add(o);
        }
        if (attrs != null) {
            attrs.addTo(n);
        }
        graph.addNode(n);
    }

    private String fresh(String hint) {
        String n;
        do {
            n = hint + "_" + (counter++);
        } while (names.contains(n));
        names.add(n);
        return n;
    }

    private static OnnxMl.ValueInfoProto valueInfo(String valueName, int width, OnnxMl.TensorProto.DataType type) {
        OnnxMl.TensorShapeProto shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(width))
                .build();
        return OnnxMl.ValueInfoProto.newBuilder()
                .setName(valueName)
                .setType(OnnxMl.TypeProto.newBuilder()
                        .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                                .setElemType(type.getNumber())
                                .setShape(shape)))
                .build();
    }
}
