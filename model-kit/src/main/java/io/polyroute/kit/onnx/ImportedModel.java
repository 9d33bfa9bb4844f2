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
import com.google.protobuf.InvalidProtocolBufferException;
import io.polyroute.runtime.bundle.BundleValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A model written elsewhere (for example by {@code torch.onnx.export}) used as a {@link
 * ModelFragment}: {@link #apply} copies its nodes and initializers into another graph under a
 * fresh name prefix and wires its input to the given value, so a bundle's own files can be composed
 * into one dense reference graph.
 *
 * <p>{@link #read} accepts only what can be embedded: one float input of shape {@code [batch,
 * width]} with a dynamic batch dimension (initializers listed as inputs do not count), a float
 * output of rank 2, no model-local functions and no weights in external files. Anything else is
 * refused with a {@link BundleValidationException} that names the file and says how to export it
 * instead.
 *
 * <pre>{@code
 * ImportedModel gate = ImportedModel.read(versionDir.resolve("gate.onnx"), "x", "logits");
 * String logits = gate.apply(graph, x);
 * }</pre>
 */
public final class ImportedModel implements ModelFragment {
    /** The ONNX name of the default operator set domain, which models may also spell {@code ""}. */
    private static final String AI_ONNX = "ai.onnx";

    private final Path file;
    private final OnnxMl.GraphProto graph;
    private final String inputName;
    private final String outputName;
    private final Map<String, Long> opsets;
    private final long irVersion;

    private ImportedModel(
            Path file,
            OnnxMl.GraphProto graph,
            String inputName,
            String outputName,
            Map<String, Long> opsets,
            long irVersion) {
        this.file = file;
        this.graph = graph;
        this.inputName = inputName;
        this.outputName = outputName;
        this.opsets = opsets;
        this.irVersion = irVersion;
    }

    /**
     * Reads and checks {@code file}, whose input and output the manifest names {@code inputName}
     * and {@code outputName}.
     *
     * @throws BundleValidationException naming {@code file} when it cannot be embedded
     */
    public static ImportedModel read(Path file, String inputName, String outputName) {
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(Files.readAllBytes(file));
        } catch (InvalidProtocolBufferException e) {
            throw new BundleValidationException(file, "not an ONNX model: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new BundleValidationException(file, "cannot read: " + e, e);
        }
        if (model.getFunctionsCount() > 0) {
            throw new BundleValidationException(
                    file,
                    "defines " + model.getFunctionsCount() + " model-local function(s), which cannot be embedded in "
                            + "reference.onnx; export without export_modules_as_functions");
        }
        Map<String, Long> opsets = new LinkedHashMap<>();
        for (OnnxMl.OperatorSetIdProto op : model.getOpsetImportList()) {
            opsets.put(domain(op.getDomain()), op.getVersion());
        }
        OnnxMl.GraphProto g = model.getGraph();
        checkExternalData(file, g);
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        g.getSparseInitializerList().forEach(t -> initializers.add(t.getValues().getName()));
        List<OnnxMl.ValueInfoProto> inputs = g.getInputList().stream()
                .filter(v -> !initializers.contains(v.getName()))
                .toList();
        if (inputs.size() != 1) {
            throw new BundleValidationException(
                    file,
                    "has " + inputs.size() + " inputs "
                            + inputs.stream()
                                    .map(OnnxMl.ValueInfoProto::getName)
                                    .toList()
                            + ", but a model of a bundle takes exactly one, [batch, width]; export a module whose "
                            + "forward takes a single tensor");
        }
        OnnxMl.ValueInfoProto in = inputs.get(0);
        if (!in.getName().equals(inputName)) {
            throw new BundleValidationException(
                    file,
                    "input is named '" + in.getName() + "', but the manifest says '" + inputName
                            + "'; set the model's input: key or export with input_names=['" + inputName + "']");
        }
        checkMatrix(file, "input", in);
        OnnxMl.ValueInfoProto out = g.getOutputList().stream()
                .filter(v -> v.getName().equals(outputName))
                .findFirst()
                .orElseThrow(() -> new BundleValidationException(
                        file,
                        "has no output named '" + outputName + "' (it has "
                                + g.getOutputList().stream()
                                        .map(OnnxMl.ValueInfoProto::getName)
                                        .toList()
                                + "); set the model's output: key or export with output_names=['" + outputName
                                + "']"));
        checkMatrix(file, "output", out);
        return new ImportedModel(file, g, inputName, outputName, Map.copyOf(opsets), model.getIrVersion());
    }

    /** The file this model was read from. */
    public Path file() {
        return file;
    }

    /** The operator sets the model imports, by domain ({@code ""} is the default ONNX domain). */
    public Map<String, Long> opsets() {
        return opsets;
    }

    /** The model's ONNX IR version. */
    public long irVersion() {
        return irVersion;
    }

    @Override
    public String apply(OnnxGraph g, String x) {
        String prefix = g.freshPrefix(hint(file));
        UnaryOperator<String> rename = n -> n.isEmpty() ? n : n.equals(inputName) ? x : prefix + n;
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            g.addInitializer(t.toBuilder().setName(rename.apply(t.getName())).build());
        }
        for (OnnxMl.SparseTensorProto t : graph.getSparseInitializerList()) {
            OnnxMl.SparseTensorProto.Builder b = t.toBuilder();
            b.getValuesBuilder().setName(rename.apply(t.getValues().getName()));
            b.getIndicesBuilder().setName(rename.apply(t.getIndices().getName()));
            g.addSparseInitializer(b.build());
        }
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            g.addNode(renameNode(n, rename, prefix));
        }
        return rename.apply(outputName);
    }

    /**
     * Renames every value of {@code n}, and of the graphs in its attributes (the bodies of
     * {@code If}, {@code Loop}, {@code Scan}): one prefix for all names keeps the scoping intact.
     */
    private static OnnxMl.NodeProto renameNode(OnnxMl.NodeProto n, UnaryOperator<String> rename, String prefix) {
        OnnxMl.NodeProto.Builder b = n.toBuilder().clearInput().clearOutput();
        n.getInputList().forEach(i -> b.addInput(rename.apply(i)));
        n.getOutputList().forEach(o -> b.addOutput(rename.apply(o)));
        b.setName(prefix + n.getName());
        for (int a = 0; a < b.getAttributeCount(); a++) {
            OnnxMl.AttributeProto attr = b.getAttribute(a);
            if (!attr.hasG() && attr.getGraphsCount() == 0) {
                continue;
            }
            OnnxMl.AttributeProto.Builder ab = attr.toBuilder();
            if (attr.hasG()) {
                ab.setG(renameGraph(attr.getG(), rename, prefix));
            }
            ab.clearGraphs();
            attr.getGraphsList().forEach(sub -> ab.addGraphs(renameGraph(sub, rename, prefix)));
            b.setAttribute(a, ab);
        }
        return b.build();
    }

    private static OnnxMl.GraphProto renameGraph(OnnxMl.GraphProto g, UnaryOperator<String> rename, String prefix) {
        OnnxMl.GraphProto.Builder b = g.toBuilder()
                .clearInput()
                .clearOutput()
                .clearValueInfo()
                .clearInitializer()
                .clearNode();
        g.getInputList().forEach(v -> b.addInput(v.toBuilder().setName(rename.apply(v.getName()))));
        g.getOutputList().forEach(v -> b.addOutput(v.toBuilder().setName(rename.apply(v.getName()))));
        g.getInitializerList().forEach(t -> b.addInitializer(t.toBuilder().setName(rename.apply(t.getName()))));
        g.getNodeList().forEach(n -> b.addNode(renameNode(n, rename, prefix)));
        return b.build();
    }

    private static void checkMatrix(Path file, String kind, OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto.Tensor t = v.getType().getTensorType();
        if (!v.getType().hasTensorType() || t.getElemType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
            String type = v.getType().hasTensorType()
                    ? OnnxMl.TensorProto.DataType.forNumber(t.getElemType()) + " tensor"
                    : "not a tensor";
            throw new BundleValidationException(
                    file,
                    kind + " '" + v.getName() + "' is " + type + ", but float32 is required; cast the module and "
                            + "its example input to torch.float32 before exporting");
        }
        if (t.getShape().getDimCount() != 2) {
            throw new BundleValidationException(
                    file,
                    kind + " '" + v.getName() + "' has rank " + t.getShape().getDimCount()
                            + ", but [batch, width] is required; flatten or reshape inside the module");
        }
        OnnxMl.TensorShapeProto.Dimension batch = t.getShape().getDim(0);
        if (batch.hasDimValue()) {
            throw new BundleValidationException(
                    file,
                    kind + " '" + v.getName() + "' has a fixed first dimension " + batch.getDimValue()
                            + ", but it must be the dynamic batch dimension; export with dynamic_axes={'"
                            + v.getName() + "': {0: 'batch'}}");
        }
        if (!t.getShape().getDim(1).hasDimValue()) {
            throw new BundleValidationException(
                    file,
                    kind + " '" + v.getName() + "' has a dynamic second dimension, but its width must be fixed; "
                            + "declare only axis 0 in dynamic_axes");
        }
    }

    private static void checkExternalData(Path file, OnnxMl.GraphProto g) {
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
                throw new BundleValidationException(
                        file,
                        "initializer '" + t.getName() + "' keeps its data in an external file; save the model "
                                + "with its weights inside (onnx.save(model, path, save_as_external_data=False))");
            }
        }
    }

    private static String domain(String d) {
        return AI_ONNX.equals(d) ? "" : d;
    }

    private static String hint(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }
}
