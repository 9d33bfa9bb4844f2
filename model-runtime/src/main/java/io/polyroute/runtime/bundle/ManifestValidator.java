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

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Structural checks of a parsed manifest: required keys, known enum values, consistent widths.
 * Computes each stage's input width and encoded width on the way.
 */
final class ManifestValidator {
    private final Path file;
    private final BundleManifest m;
    final int[] stageInputDims;
    final int[] stageWidths;

    ManifestValidator(Path manifestFile, BundleManifest manifest) {
        this.file = manifestFile;
        this.m = manifest;
        int n = manifest.stages() == null ? 0 : manifest.stages().size();
        this.stageInputDims = new int[n];
        this.stageWidths = new int[n];
    }

    void validate() {
        require(
                BundleManifest.FORMAT.equals(m.format()),
                "format must be '" + BundleManifest.FORMAT + "', but is '" + m.format() + "'");
        require(notBlank(m.name()), "name is missing");
        require(notBlank(m.version()), "version is missing");
        require(m.input() != null && m.input().dim() != null, "input.dim is missing");
        require(
                m.input().dim() >= 1,
                "input.dim must be >= 1, but is " + m.input().dim());
        require(m.outputDim() != null && m.outputDim() >= 1, "output_dim is missing or < 1");
        require(m.stages() != null && !m.stages().isEmpty(), "stages is missing or empty");
        require(m.checksums() != null, "checksums is missing");
        List<String> tasks = m.input().taskList();
        require(new HashSet<>(tasks).size() == tasks.size(), "input.tasks has duplicate entries");
        validateOutputNames();

        Set<String> names = new HashSet<>();
        for (int s = 0; s < m.stages().size(); s++) {
            StageSpec st = m.stages().get(s);
            require(st != null, "stages[" + s + "] is empty");
            String where = "stages[" + s + "]" + (st.name() == null ? "" : " ('" + st.name() + "')");
            require(notBlank(st.name()), where + ": name is missing");
            require(names.add(st.name()), where + ": stage name '" + st.name() + "' is used twice");
            validateStage(s, st, where);
        }
        int last = m.stages().size() - 1;
        require(
                m.stages().get(last).outputDim().equals(m.outputDim()),
                "output_dim is " + m.outputDim() + " but the last stage's output_dim is "
                        + m.stages().get(last).outputDim());
    }

    private void validateStage(int s, StageSpec st, String where) {
        StageInput in = parse(
                StageInput.parse(st.input() == null ? "features" : st.input()).orElse(null),
                where + ": unknown input '" + st.input() + "'; expected one of " + StageInput.allKeys());
        if (s == 0) {
            require(
                    in == StageInput.FEATURES,
                    where + ": the first stage must read 'features', not '" + st.input() + "'");
            stageInputDims[s] = m.input().dim();
        } else {
            require(in != StageInput.FEATURES, where + ": input must be 'previous' or 'concat' after the first stage");
            int prev = m.stages().get(s - 1).outputDim();
            stageInputDims[s] = in == StageInput.PREVIOUS ? prev : m.input().dim() + prev;
        }
        stageWidths[s] = stageInputDims[s];
        if (st.encoder() != null) {
            require(notBlank(st.encoder().file()), where + ": encoder.file is missing");
            require(
                    st.encoder().outputDim() != null && st.encoder().outputDim() >= 1,
                    where + ": encoder.output_dim is missing or < 1");
            stageWidths[s] = st.encoder().outputDim();
        }

        CombineMode combine = parse(
                st.combine() == null ? null : CombineMode.parse(st.combine()).orElse(null),
                where + ": unknown combine mode '" + st.combine() + "'; expected one of " + CombineMode.allKeys());
        RoutingMode routing = parse(
                RoutingMode.parse(st.routing() == null ? "gate" : st.routing()).orElse(null),
                where + ": unknown routing '" + st.routing() + "'; expected one of " + RoutingMode.allKeys());
        GateInput gateInput = parse(
                GateInput.parse(st.gateInput() == null ? "features" : st.gateInput())
                        .orElse(null),
                where + ": unknown gate_input '" + st.gateInput() + "'; expected one of " + GateInput.allKeys());

        require(st.experts() != null && !st.experts().isEmpty(), where + ": experts is missing or empty");
        int e = st.experts().size();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < e; i++) {
            ExpertSpec x = st.experts().get(i);
            require(
                    x != null && notBlank(x.id()) && notBlank(x.file()),
                    where + ": experts[" + i + "] needs an id and a file");
            require(ids.add(x.id()), where + ": expert id '" + x.id() + "' is used twice");
        }
        require(st.topK() != null, where + ": top_k is missing");
        require(
                st.topK() >= 1 && st.topK() <= e,
                where + ": top_k " + st.topK() + " must be between 1 and the expert count " + e);
        require(
                st.expertOutputDim() != null && st.expertOutputDim() >= 1,
                where + ": expert_output_dim is missing or < 1");
        require(st.outputDim() != null && st.outputDim() >= 1, where + ": output_dim is missing or < 1");

        if (combine.isTensor()) {
            require(st.order() != null && st.order() >= 1, where + ": order is required (>= 1) for " + combine.key());
            require(
                    st.leafDim() != null && st.leafDim() >= 1,
                    where + ": leaf_dim is required (>= 1) for " + combine.key());
            require(
                    st.order() * st.leafDim() == st.expertOutputDim(),
                    where + ": expert_output_dim " + st.expertOutputDim() + " must equal order × leaf_dim = "
                            + st.order() + " × " + st.leafDim());
            double full = Math.pow(st.leafDim(), st.order());
            require(
                    st.outputDim() <= full,
                    where + ": output_dim " + st.outputDim() + " exceeds leaf_dim^order = " + (long) full);
        } else {
            require(
                    st.order() == null && st.leafDim() == null,
                    where + ": order and leaf_dim apply only to tensor combines, not weighted_sum");
            require(
                    st.outputDim().equals(st.expertOutputDim()),
                    where + ": output_dim " + st.outputDim() + " must equal expert_output_dim " + st.expertOutputDim()
                            + " for weighted_sum");
        }

        if (routing == RoutingMode.INHERIT) {
            require(s > 0, where + ": the first stage cannot inherit routing");
            StageSpec prev = m.stages().get(s - 1);
            require(
                    prev.experts() != null && prev.experts().size() == e,
                    where
                            + ": routing 'inherit' needs the same expert count as stage '" + prev.name() + "' ("
                            + (prev.experts() == null ? 0 : prev.experts().size()) + "), but this stage has " + e);
            require(st.gate() == null, where + ": a stage with routing 'inherit' has no gate");
            require(
                    st.topK().equals(prev.topK()),
                    where + ": routing 'inherit' needs top_k " + prev.topK() + " like stage '" + prev.name() + "'");
            require(
                    groupsOf(st) == groupsOf(prev),
                    where + ": routing 'inherit' needs the same number of " + "routing groups as stage '" + prev.name()
                            + "'");
        } else {
            require(st.gate() != null && notBlank(st.gate().file()), where + ": gate.file is missing");
            if (gateInput == GateInput.TASK) {
                require(
                        !m.input().taskList().isEmpty(),
                        where + ": gate_input 'task' needs a task vocabulary in input.tasks");
            }
        }
    }

    /** {@code output.names}, when given: one non-blank, distinct name per component of the prediction. */
    private void validateOutputNames() {
        if (m.output() == null) {
            return;
        }
        List<String> names = m.output().names();
        require(
                names != null && !names.isEmpty(),
                "output.names is missing or empty; remove 'output' or name every" + " component of the prediction");
        require(
                names.size() == m.outputDim(),
                "output.names has " + names.size() + " entries but output_dim is " + m.outputDim()
                        + "; name every component of the prediction once");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            require(notBlank(n), "output.names[" + i + "] is blank");
            require(seen.add(n), "output.names[" + i + "] '" + n + "' is used twice");
        }
    }

    private static int groupsOf(StageSpec st) {
        return "tensorpoly_order".equals(st.combine()) && st.order() != null ? st.order() : 1;
    }

    private <T> T parse(T value, String message) {
        require(value != null, message);
        return value;
    }

    private void require(boolean ok, String message) {
        if (!ok) {
            throw new BundleValidationException(file, message);
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
