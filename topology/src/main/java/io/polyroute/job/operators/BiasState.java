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
package io.polyroute.job.operators;

import io.polyroute.runtime.routing.BiasBalancer;
import java.util.Collections;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * Keeps a routing subtask's balancing biases (one per stage, empty for a stage without one) in
 * operator state, so a restarted job continues balancing from where it was. After a rescale a
 * subtask that receives several saved biases starts from their mean, and one that receives none
 * from zero.
 */
final class BiasState {
    private final ListState<float[][]> state;

    private BiasState(ListState<float[][]> state) {
        this.state = state;
    }

    /** Opens the state and restores the saved biases into {@code balancers} (null entries are skipped). */
    static BiasState open(StateInitializationContext ctx, BiasBalancer[] balancers) throws Exception {
        ListState<float[][]> s = ctx.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("balancing-bias", TypeInformation.of(float[][].class)));
        if (ctx.isRestored()) {
            restore(s.get(), balancers);
        }
        return new BiasState(s);
    }

    private static void restore(Iterable<float[][]> saved, BiasBalancer[] balancers) {
        for (int st = 0; st < balancers.length; st++) {
            if (balancers[st] == null) {
                continue;
            }
            float[] sum = null;
            int count = 0;
            for (float[][] entry : saved) {
                if (st < entry.length && entry[st].length > 0) {
                    sum = sum == null ? entry[st].clone() : add(sum, entry[st]);
                    count++;
                }
            }
            if (sum != null) {
                for (int e = 0; e < sum.length; e++) {
                    sum[e] /= count;
                }
                balancers[st].restore(sum);
            }
        }
    }

    private static float[] add(float[] into, float[] b) {
        if (b.length != into.length) {
            throw new IllegalStateException("Saved balancing biases disagree on the expert count (" + into.length
                    + " and " + b.length + "); was the bundle changed?");
        }
        for (int e = 0; e < into.length; e++) {
            into[e] += b[e];
        }
        return into;
    }

    void store(BiasBalancer[] balancers) throws Exception {
        float[][] entry = new float[balancers.length][];
        for (int st = 0; st < balancers.length; st++) {
            entry[st] = balancers[st] == null ? new float[0] : balancers[st].snapshot();
        }
        state.update(Collections.singletonList(entry));
    }
}
