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
package io.polyroute.job.control;

import io.polyroute.runtime.placement.PlanVersion;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * Keeps the plan in force in operator state, so a restarted GATE or EXPERT resumes with the
 * placement it had instead of falling back to round-robin until the next plan. GATE also keeps the
 * plan waiting for its activation and when it activates: EXPERT applies a plan at once, so a GATE
 * that forgot it across a restore would route by an older plan than its slots already serve.
 * Plans that do not fit the job are dropped on restore ({@link PlanTracker#restore}).
 */
public final class PlanState {
    private final ListState<byte[]> state;
    /** The pending plan: its activation time (8 bytes, big-endian) followed by the encoded plan. */
    private final ListState<byte[]> pendingState;

    private final OptionalLong restoredActivation;

    private PlanState(ListState<byte[]> state, ListState<byte[]> pendingState, OptionalLong restoredActivation) {
        this.state = state;
        this.pendingState = pendingState;
        this.restoredActivation = restoredActivation;
    }

    /**
     * Opens the state and restores into {@code tracker} the newest plan any subtask stored, and the
     * newest pending plan when it is newer still.
     */
    public static PlanState open(StateInitializationContext ctx, PlanTracker tracker) throws Exception {
        var store = ctx.getOperatorStateStore();
        ListState<byte[]> s = store.getUnionListState(
                new ListStateDescriptor<>("placement-plan", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        ListState<byte[]> p = store.getUnionListState(new ListStateDescriptor<>(
                "placement-plan-pending", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        OptionalLong activation = OptionalLong.empty();
        if (ctx.isRestored()) {
            for (byte[] b : s.get()) {
                restore(b, tracker::restore);
            }
            for (byte[] b : p.get()) {
                if (b.length < Long.BYTES) {
                    continue;
                }
                ByteBuffer in = ByteBuffer.wrap(b);
                long at = in.getLong();
                PlanVersion plan = restore(Arrays.copyOfRange(b, Long.BYTES, b.length), x -> {});
                if (plan != null && tracker.restorePending(plan)) {
                    activation = OptionalLong.of(at);
                }
            }
        }
        return new PlanState(s, p, activation);
    }

    private static PlanVersion restore(byte[] b, java.util.function.Consumer<PlanVersion> into) {
        PlanVersion plan;
        try {
            plan = PlanCodec.decode(b);
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(PlanState.class)
                    .warn("Dropped a restored placement plan that does not decode: {}", e.getMessage());
            return null;
        }
        into.accept(plan);
        return plan;
    }

    /**
     * When the pending plan restored into the tracker activates (processing time, epoch
     * milliseconds); empty when none was restored.
     */
    public OptionalLong restoredActivation() {
        return restoredActivation;
    }

    /** Stores the plan in force. */
    public void store(PlanVersion plan) throws Exception {
        state.update(List.of(PlanCodec.encode(plan)));
    }

    /** Stores the plan in force and the plan waiting to activate at {@code activationMillis} (may be null). */
    public void store(PlanVersion plan, PlanVersion pending, long activationMillis) throws Exception {
        store(plan);
        if (pending == null) {
            pendingState.clear();
        } else {
            byte[] encoded = PlanCodec.encode(pending);
            pendingState.update(List.of(ByteBuffer.allocate(Long.BYTES + encoded.length)
                    .putLong(activationMillis)
                    .put(encoded)
                    .array()));
        }
    }
}
