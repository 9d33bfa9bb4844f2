package io.polyroute.kit.onnx;

import java.util.List;

/**
 * The models of one stage as fragments, in the manifest's order.
 *
 * @param encoder the stage encoder, or null
 * @param gate the gate (its output is the {@code [N, G·E]} logits), or null with {@code routing: inherit}
 * @param experts the experts in index order
 * @param shared the shared expert, or null
 */
public record StageModels(
        ModelFragment encoder, ModelFragment gate, List<ModelFragment> experts, ModelFragment shared) {}
