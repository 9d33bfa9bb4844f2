package io.polyroute.job.control;

import io.polyroute.runtime.placement.PlanVersion;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;

/**
 * Keeps the plan in force in operator state, so a restarted GATE or EXPERT resumes with the
 * placement it had instead of falling back to round-robin until the next plan.
 */
public final class PlanState {
    private final ListState<byte[]> state;

    private PlanState(ListState<byte[]> state) {
        this.state = state;
    }

    /** Opens the state and restores the newest plan any subtask stored into {@code tracker}. */
    public static PlanState open(StateInitializationContext ctx, PlanTracker tracker) throws Exception {
        ListState<byte[]> s = ctx.getOperatorStateStore()
                .getUnionListState(new ListStateDescriptor<>(
                        "placement-plan", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        if (ctx.isRestored()) {
            for (byte[] b : s.get()) {
                tracker.restore(PlanCodec.decode(b));
            }
        }
        return new PlanState(s);
    }

    public void store(PlanVersion plan) throws Exception {
        state.update(List.of(PlanCodec.encode(plan)));
    }
}
