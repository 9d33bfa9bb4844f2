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
package io.polyroute.runtime.eval;

import io.polyroute.runtime.bundle.ExpertSpec;
import io.polyroute.runtime.bundle.ModelBundle;
import io.polyroute.runtime.bundle.ModelRef;
import io.polyroute.runtime.bundle.StageSpec;
import io.polyroute.runtime.onnx.ModelSession;
import io.polyroute.runtime.onnx.RuntimeOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The experts of one stage: what an EXPERT slot runs. Opens no session up front; an expert's
 * session loads on first use ({@link #loadExpert} warms it up) and can be released again. Never
 * opens the stage's encoder, gate or shared expert.
 *
 * <p>Runs are thread-safe. Loading and releasing experts is not synchronised with runs of the
 * same expert: the caller must not release an expert another thread is running.
 */
public final class ExpertRuntime implements AutoCloseable {
    private final ModelBundle bundle;
    private final int index;
    private final StageSpec spec;
    private final RuntimeOptions options;
    private final ModelSession[] experts;

    private ExpertRuntime(ModelBundle bundle, int index, RuntimeOptions options) {
        this.bundle = bundle;
        this.index = index;
        this.spec = bundle.stage(index);
        this.options = options;
        this.experts = new ModelSession[spec.expertCount()];
    }

    /** The experts of stage {@code index}, none loaded yet. */
    public static ExpertRuntime open(ModelBundle bundle, int index, RuntimeOptions options) {
        return new ExpertRuntime(bundle, index, options);
    }

    public StageSpec spec() {
        return spec;
    }

    public int index() {
        return index;
    }

    public int expertCount() {
        return experts.length;
    }

    /** Width the experts read. */
    public int width() {
        return bundle.stageWidth(index);
    }

    public int expertOutputDim() {
        return spec.expertOutputDim();
    }

    /** Runs expert {@code e} on {@code n} rows of the encoded input; loads its session if needed. */
    public float[] runExpert(int e, float[] rows, int n) {
        ExpertSpec x = spec.experts().get(e);
        return loadExpert(e).run(x.model().inputName(), rows, n, x.model().outputName(ModelRef.DEFAULT_OUTPUT));
    }

    /**
     * Runs expert {@code e} on rows {@code rowIndex[0..n)} of the encoded input, gathered straight
     * into the session's input buffer; loads its session if needed.
     */
    public float[] runExpert(int e, float[] encoded, int[] rowIndex, int n) {
        ExpertSpec x = spec.experts().get(e);
        return loadExpert(e)
                .runRows(
                        x.model().inputName(),
                        encoded,
                        width(),
                        rowIndex,
                        n,
                        x.model().outputName(ModelRef.DEFAULT_OUTPUT));
    }

    /** The session of expert {@code e}, opened now if it is not resident. */
    public ModelSession loadExpert(int e) {
        ModelSession s = experts[e];
        if (s == null) {
            synchronized (experts) {
                s = experts[e];
                if (s == null) {
                    s = openExpert(e);
                    experts[e] = s;
                }
            }
        }
        return s;
    }

    /**
     * Opens a new session of expert {@code e} without making it resident: the slow part of a load,
     * which a caller may run on a thread of its own and hand to {@link #adoptExpert} afterwards.
     * Touches no state of this runtime, so it is safe on any thread.
     */
    public ModelSession openExpert(int e) {
        ExpertSpec x = spec.experts().get(e);
        return ModelSession.open(
                bundle.resolve(x.file()),
                Sessions.label(bundle.name(), spec.name(), "expert " + x.id(), x.file()),
                options);
    }

    /**
     * Makes {@code session}, opened by {@link #openExpert}, expert {@code e}'s resident session.
     * When {@code e} already has one, keeps it and closes {@code session}.
     */
    public void adoptExpert(int e, ModelSession session) {
        boolean kept;
        synchronized (experts) {
            kept = experts[e] == null;
            if (kept) {
                experts[e] = session;
            }
        }
        if (!kept) {
            session.close();
        }
    }

    /** Loads every expert's session now instead of on first use. */
    public void loadAll() {
        for (int e = 0; e < experts.length; e++) {
            loadExpert(e);
        }
    }

    public boolean isExpertLoaded(int e) {
        return experts[e] != null;
    }

    /** Closes expert {@code e}'s session; it reloads on next use. */
    public void releaseExpert(int e) {
        ModelSession s;
        synchronized (experts) {
            s = experts[e];
            experts[e] = null;
        }
        if (s != null) {
            s.close();
        }
    }

    public int loadedExpertCount() {
        int c = 0;
        for (ModelSession s : experts) {
            c += s == null ? 0 : 1;
        }
        return c;
    }

    @Override
    public void close() {
        List<ModelSession> all = new ArrayList<>();
        synchronized (experts) {
            for (int e = 0; e < experts.length; e++) {
                all.add(experts[e]);
                experts[e] = null;
            }
        }
        Sessions.closeAll(all);
    }
}
