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

import java.util.Arrays;

/** Messages that share one stream of bytes: each prefixed by one byte that says what it is. */
public final class TaggedBytes {
    private TaggedBytes() {}

    /** {@code body} prefixed by {@code kind}. */
    public static byte[] tag(byte kind, byte[] body) {
        byte[] out = new byte[body.length + 1];
        out[0] = kind;
        System.arraycopy(body, 0, out, 1, body.length);
        return out;
    }

    /** The tag of {@code message}, or 0 for an empty one. */
    public static byte kind(byte[] message) {
        return message.length == 0 ? 0 : message[0];
    }

    /** The message without its tag. */
    public static byte[] body(byte[] message) {
        return Arrays.copyOfRange(message, 1, message.length);
    }
}
