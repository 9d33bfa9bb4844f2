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
package io.polyroute.monitor.aggregate;

import java.util.function.Function;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka serde for an aggregate value, from its encode and decode functions. Null stays null
 * (a deleted entry); a decode failure becomes a {@link SerializationException} naming the type.
 *
 * @param <T> the aggregate type
 */
public final class AggregateSerde<T> implements Serde<T> {

    private final String typeName;
    private final Function<T, byte[]> encode;
    private final Function<byte[], T> decode;

    private AggregateSerde(String typeName, Function<T, byte[]> encode, Function<byte[], T> decode) {
        this.typeName = typeName;
        this.encode = encode;
        this.decode = decode;
    }

    /** A serde for {@code type} that writes with {@code encode} and reads with {@code decode}. */
    public static <T> AggregateSerde<T> of(Class<T> type, Function<T, byte[]> encode, Function<byte[], T> decode) {
        return new AggregateSerde<>(type.getSimpleName(), encode, decode);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : encode.apply(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decode.apply(bytes);
            } catch (RuntimeException e) {
                throw new SerializationException(
                        "Could not decode a " + typeName + " of " + bytes.length + " bytes"
                                + (topic == null ? "" : " from '" + topic + "'") + ": " + e.getMessage(),
                        e);
            }
        };
    }
}
