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
package io.polyroute.runtime.bundle;

import ai.onnx.proto.OnnxMl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A readable summary of a validated bundle: stages, experts, widths, parameter counts, checksums, quality. */
public final class BundleSummary {
    private BundleSummary() {}

    public static String of(ModelBundle b) throws IOException {
        StringBuilder sb = new StringBuilder();
        BundleManifest m = b.manifest();
        line(sb, "bundle      %s, version %s (%s)", b.name(), b.version(), b.root());
        if (m.description() != null) {
            line(sb, "about       %s", m.description());
        }
        line(sb, "input       %d features%s", b.inputDim(), b.tasks().isEmpty() ? "" : ", tasks " + b.tasks());
        List<String> names = b.manifest().outputNames();
        line(sb, "output      %d values%s", b.outputDim(), names.isEmpty() ? "" : ": " + String.join(", ", names));
        long total = 0;
        for (int s = 0; s < b.stageCount(); s++) {
            StageSpec st = b.stage(s);
            line(
                    sb,
                    "stage %d     '%s': input %s (%d wide)%s, routing %s%s",
                    s,
                    st.name(),
                    st.inputMode().key(),
                    b.stageInputDim(s),
                    st.encoder() == null ? "" : ", encoder -> " + st.encoder().outputDim(),
                    st.routingMode().key(),
                    st.routingMode() == RoutingMode.GATE
                            ? " on " + st.gateInputMode().key()
                            : "");
            line(
                    sb,
                    "            combine %s, top-%d of %d experts%s, expert output %d, stage output %d%s",
                    st.combineMode().key(),
                    st.topK(),
                    st.expertCount(),
                    st.groups() > 1 ? " per group (" + st.groups() + " groups)" : "",
                    st.expertOutputDim(),
                    st.outputDim(),
                    st.combineMode().isTensor() ? " (order " + st.order() + ", leaf " + st.leafDim() + ")" : "");
            long stageParams = 0;
            if (st.encoder() != null) {
                stageParams += params(b, st.encoder().file());
            }
            if (st.gate() != null) {
                stageParams += params(b, st.gate().file());
            }
            long expertParams = 0;
            for (ExpertSpec e : st.experts()) {
                expertParams += params(b, e.file());
            }
            stageParams += expertParams;
            if (st.sharedExpert() != null) {
                stageParams += params(b, st.sharedExpert().file());
            }
            line(
                    sb,
                    "            parameters %,d (experts %,d, about %,d per expert)%s",
                    stageParams,
                    expertParams,
                    expertParams / st.expertCount(),
                    st.sharedExpert() == null ? "" : ", with a shared expert");
            total += stageParams;
        }
        line(
                sb,
                "parameters  %,d in all%s",
                total,
                b.hasReference() ? "; reference model " + m.reference().file() : "");
        line(sb, "checksums   (SHA-256)");
        for (Map.Entry<String, String> e : m.checksums().entrySet()) {
            line(sb, "            %s  %s", e.getValue(), e.getKey());
        }
        if (m.quality() != null && !m.quality().isEmpty()) {
            line(sb, "quality");
            m.quality().forEach((k, v) -> line(sb, "            %-28s %s", k, v));
        }
        return sb.toString();
    }

    /** Number of float parameters stored as initializers in a model file. */
    public static long params(ModelBundle b, String file) throws IOException {
        OnnxMl.ModelProto model;
        try (InputStream in = Files.newInputStream(b.resolve(file))) {
            model = OnnxMl.ModelProto.parseFrom(in);
        }
        long n = 0;
        for (OnnxMl.TensorProto t : model.getGraph().getInitializerList()) {
            if (t.getDataType() != OnnxMl.TensorProto.DataType.FLOAT.getNumber()) {
                continue;
            }
            long c = 1;
            for (long d : t.getDimsList()) {
                c *= d;
            }
            n += c;
        }
        return n;
    }

    private static void line(StringBuilder sb, String fmt, Object... args) {
        sb.append(String.format(Locale.ROOT, fmt, args)).append('\n');
    }
}
