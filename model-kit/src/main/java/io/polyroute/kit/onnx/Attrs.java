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

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Node attributes for {@link OnnxGraph}: {@code Attrs.of().i("axis", 1).f("alpha", 0.5f)}. */
public final class Attrs {
    private final Map<String, OnnxMl.AttributeProto> attrs = new LinkedHashMap<>();

    private Attrs() {}

    public static Attrs of() {
        return new Attrs();
    }

    public Attrs i(String name, long value) {
        attrs.put(
                name,
                OnnxMl.AttributeProto.newBuilder()
                        .setName(name)
                        .setType(OnnxMl.AttributeProto.AttributeType.INT)
                        .setI(value)
                        .build());
        return this;
    }

    public Attrs f(String name, float value) {
        attrs.put(
                name,
                OnnxMl.AttributeProto.newBuilder()
                        .setName(name)
                        .setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                        .setF(value)
                        .build());
        return this;
    }

    public Attrs ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder b =
                OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            b.addInts(v);
        }
        attrs.put(name, b.build());
        return this;
    }

    public Attrs s(String name, String value) {
        attrs.put(
                name,
                OnnxMl.AttributeProto.newBuilder()
                        .setName(name)
                        .setType(OnnxMl.AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFrom(value, StandardCharsets.UTF_8))
                        .build());
        return this;
    }

    void addTo(OnnxMl.NodeProto.Builder node) {
        attrs.values().forEach(node::addAttribute);
    }
}
