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
