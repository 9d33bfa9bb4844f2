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
