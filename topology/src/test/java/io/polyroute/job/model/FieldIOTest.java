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
package io.polyroute.job.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.types.StringValue;
import org.junit.jupiter.api.Test;

/** FieldIO writes and reads in bulk the very bytes of the element-by-element form that state was written in. */
class FieldIOTest {

    private static List<String> strings() {
        Random rnd = new Random(3);
        List<String> out = new ArrayList<>(Arrays.asList(
                null,
                "",
                "a",
                "evt-000123",
                "x".repeat(126),
                "y".repeat(127),
                "z".repeat(128),
                "w".repeat(20_000),
                "caf\u00e9",
                "\u00e9t\u00e9",
                "\u6f22\u5b57 and ascii",
                "emoji \ud83d\ude00 pair",
                "\u0080\u07ff\u0800\uffff"));
        for (int i = 0; i < 300; i++) {
            char[] c = new char[rnd.nextInt(200)];
            for (int k = 0; k < c.length; k++) {
                int kind = rnd.nextInt(4);
                c[k] = (char) (kind == 0 ? rnd.nextInt(0x80) : kind == 1 ? rnd.nextInt(0x800) : rnd.nextInt(0x10000));
            }
            out.add(new String(c));
        }
        return out;
    }

    @Test
    void shouldWriteStringsAsFlinksStringValueAndReadThemBack() throws IOException {
        for (String s : strings()) {
            DataOutputSerializer ours = new DataOutputSerializer(64);
            FieldIO.writeString(s, ours);
            ours.writeInt(42); // what follows must be untouched
            DataOutputSerializer flinks = new DataOutputSerializer(64);
            StringValue.writeString(s, flinks);
            flinks.writeInt(42);
            assertThat(ours.getCopyOfBuffer()).isEqualTo(flinks.getCopyOfBuffer());

            DataInputDeserializer in = new DataInputDeserializer(flinks.getCopyOfBuffer());
            assertThat(FieldIO.readString(in)).isEqualTo(s);
            assertThat(in.readInt()).isEqualTo(42);
        }
    }

    @Test
    void shouldWriteArraysElementByElementInBigEndian() throws IOException {
        Random rnd = new Random(9);
        for (int n : new int[] {0, 1, 7, 32, 1000}) {
            float[] f = new float[n];
            int[] ints = new int[n];
            for (int i = 0; i < n; i++) {
                f[i] = i % 7 == 3 ? Float.NaN : (float) rnd.nextGaussian();
                ints[i] = rnd.nextInt();
            }
            DataOutputSerializer ours = new DataOutputSerializer(64);
            FieldIO.writeFloats(f, ours);
            FieldIO.writeInts(ints, ours);
            FieldIO.writeFloats(null, ours);
            FieldIO.writeInts(null, ours);
            DataOutputSerializer plain = new DataOutputSerializer(64);
            plain.writeInt(n);
            for (float v : f) {
                plain.writeInt(Float.floatToRawIntBits(v));
            }
            plain.writeInt(n);
            for (int v : ints) {
                plain.writeInt(v);
            }
            plain.writeInt(-1);
            plain.writeInt(-1);
            assertThat(ours.getCopyOfBuffer()).isEqualTo(plain.getCopyOfBuffer());

            DataInputDeserializer in = new DataInputDeserializer(plain.getCopyOfBuffer());
            float[] back = FieldIO.readFloats(in);
            for (int i = 0; i < n; i++) {
                assertThat(Float.floatToRawIntBits(back[i])).isEqualTo(Float.floatToRawIntBits(f[i]));
            }
            assertThat(FieldIO.readInts(in)).isEqualTo(ints);
            assertThat(FieldIO.readFloats(in)).isNull();
            assertThat(FieldIO.readInts(in)).isNull();
        }
    }
}
