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
package io.polyroute.job.rollout;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * Keeps the rollout state of the serving subtasks in union list state: one entry per subtask (its
 * index, then {@link RolloutState#toBytes()}). A restore with the same parallelism gives each
 * subtask its own entry; after a rescale every subtask takes the entry of the most recent command.
 */
public final class RolloutStateStore {
    private final ListState<byte[]> state;
    private final int subtask;

    private RolloutStateStore(ListState<byte[]> state, int subtask) {
        this.state = state;
        this.subtask = subtask;
    }

    /** Opens the state; {@code restored} receives the state to continue from, or the base one. */
    public static RolloutStateStore open(StateInitializationContext ctx, int subtask, int parallelism, VersionRef base)
            throws Exception {
        ListState<byte[]> s = ctx.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(
                        "rollout-state", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        RolloutStateStore store = new RolloutStateStore(s, subtask);
        store.restored = ctx.isRestored() ? pick(s.get(), subtask, parallelism, base) : new RolloutState(base);
        return store;
    }

    private RolloutState restored;

    /** The state the subtask continues from. */
    public RolloutState restored() {
        return restored;
    }

    static RolloutState pick(Iterable<byte[]> entries, int subtask, int parallelism, VersionRef base) {
        List<byte[]> all = new ArrayList<>();
        entries.forEach(all::add);
        if (all.isEmpty()) {
            return new RolloutState(base);
        }
        RolloutState best = null;
        boolean sameParallelism = all.size() == parallelism;
        for (byte[] e : all) {
            int owner = ((e[0] & 0xff) << 24) | ((e[1] & 0xff) << 16) | ((e[2] & 0xff) << 8) | (e[3] & 0xff);
            RolloutState st = RolloutState.fromBytes(java.util.Arrays.copyOfRange(e, 4, e.length));
            if (sameParallelism && owner == subtask) {
                return st;
            }
            if (best == null
                    || st.commandTime() > best.commandTime()
                    || (st.commandTime() == best.commandTime()
                            && st.phase().ordinal() > best.phase().ordinal())) {
                best = st;
            }
        }
        return best;
    }

    /** Replaces the stored entry with {@code current}. */
    public void store(RolloutState current) throws Exception {
        byte[] body = current.toBytes();
        byte[] e = new byte[body.length + 4];
        e[0] = (byte) (subtask >>> 24);
        e[1] = (byte) (subtask >>> 16);
        e[2] = (byte) (subtask >>> 8);
        e[3] = (byte) subtask;
        System.arraycopy(body, 0, e, 4, body.length);
        state.update(List.of(e));
    }
}
