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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Reads and writes the nullable fields of the job's records; a null array is written as length -1.
 *
 * <p>The bytes are those Flink's {@code StringValue} and {@code writeInt} per element write, so
 * state and savepoints written before read back unchanged. Strings are written and read in bulk
 * (one {@code write}/{@code readFully} for an ASCII string): {@code StringValue.readString}'s
 * thread-local buffer lookup and virtual call per char were the largest part of deserializing an
 * {@code InFlight} on the shuffle into dedupe. Arrays stay element by element: Flink's views write
 * and read an int with one unsafe access, which a bulk copy through a temporary array did not beat.
 */
final class FieldIO {
    private static final int HIGH_BIT = 0x80;

    private FieldIO() {}

    static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.write(0);
            return;
        }
        int n = s.length();
        int size = varSize(n + 1);
        boolean ascii = true;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= HIGH_BIT) {
                ascii = false;
                size += varSize(c);
            } else {
                size++;
            }
        }
        byte[] b = new byte[size];
        int pos = putVar(b, 0, n + 1);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (ascii || c < HIGH_BIT) {
                b[pos++] = (byte) c;
            } else {
                pos = putVar(b, pos, c);
            }
        }
        out.write(b);
    }

    static String readString(DataInputView in) throws IOException {
        int len = in.readUnsignedByte();
        if (len >= HIGH_BIT) {
            int shift = 7;
            int curr;
            len &= 0x7f;
            while ((curr = in.readUnsignedByte()) >= HIGH_BIT) {
                len |= (curr & 0x7f) << shift;
                shift += 7;
            }
            len |= curr << shift;
        }
        if (len == 0) {
            return null;
        }
        len--;
        // Every char takes at least one byte, so len bytes never read past the string.
        byte[] b = new byte[len];
        in.readFully(b);
        int i = 0;
        while (i < len && b[i] >= 0) {
            i++;
        }
        if (i == len) {
            return new String(b, StandardCharsets.ISO_8859_1);
        }
        char[] chars = new char[len];
        for (int k = 0; k < i; k++) {
            chars[k] = (char) b[k];
        }
        int pos = i;
        for (int k = i; k < len; k++) {
            int c = pos < len ? b[pos++] & 0xff : in.readUnsignedByte();
            if (c >= HIGH_BIT) {
                int shift = 7;
                int curr;
                c &= 0x7f;
                while ((curr = pos < len ? b[pos++] & 0xff : in.readUnsignedByte()) >= HIGH_BIT) {
                    c |= (curr & 0x7f) << shift;
                    shift += 7;
                }
                c |= curr << shift;
            }
            chars[k] = (char) c;
        }
        return new String(chars);
    }

    private static int varSize(int v) {
        int size = 1;
        while (v >= HIGH_BIT) {
            size++;
            v >>>= 7;
        }
        return size;
    }

    private static int putVar(byte[] b, int pos, int v) {
        while (v >= HIGH_BIT) {
            b[pos++] = (byte) (v | HIGH_BIT);
            v >>>= 7;
        }
        b[pos++] = (byte) v;
        return pos;
    }

    static void writeFloats(float[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (float v : a) {
            out.writeInt(Float.floatToRawIntBits(v));
        }
    }

    static float[] readFloats(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = Float.intBitsToFloat(in.readInt());
        }
        return a;
    }

    static void writeInts(int[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    static int[] readInts(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readInt();
        }
        return a;
    }

    static void writeBytes(byte[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        out.write(a);
    }

    static byte[] readBytes(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] a = new byte[n];
        in.readFully(a);
        return a;
    }

    static void writeStrings(String[] a, DataOutputView out) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (String s : a) {
            writeString(s, out);
        }
    }

    static String[] readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        String[] a = new String[n];
        for (int i = 0; i < n; i++) {
            a[i] = readString(in);
        }
        return a;
    }
}
