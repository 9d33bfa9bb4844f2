package io.polyroute.job.config;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/** ONNX Runtime settings for the gate and expert sessions. */
public final class RuntimeOptions {

    public static final ConfigOption<Device> DEVICE =
            ConfigOptions.key("runtime.device")
                    .enumType(Device.class)
                    .defaultValue(Device.AUTO)
                    .withDescription("Where models run: auto (CUDA when usable, otherwise CPU), cuda (fail at start "
                            + "without CUDA) or cpu.");

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            ConfigOptions.key("runtime.intra-op-threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription("Threads ONNX Runtime uses inside one operator; Flink's subtasks already use "
                            + "the other cores.");

    private RuntimeOptions() {}

    /** The options and checks of this component. */
    public static OptionGroup group() {
        return new OptionGroup(
                "runtime", List.of(DEVICE, INTRA_OP_THREADS), List.of(OptionCheck.atLeast(INTRA_OP_THREADS, 1)));
    }
}
