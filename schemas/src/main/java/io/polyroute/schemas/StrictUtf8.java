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
package io.polyroute.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 strictly: malformed or unmappable bytes are an error, never U+FFFD. A lenient
 * decoder maps every invalid sequence to the same replacement character, so two different event
 * ids could decode to one string and the second be taken for a duplicate of the first.
 */
final class StrictUtf8 {
    private StrictUtf8() {}

    /**
     * The string held by {@code length} bytes of {@code bytes} from {@code offset}.
     *
     * @throws CharacterCodingException when they are not valid UTF-8
     */
    static String decode(byte[] bytes, int offset, int length) throws CharacterCodingException {
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] < 0) {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes, offset, length))
                        .toString();
            }
        }
        // Pure ASCII: always valid, and the JDK's fast path.
        return new String(bytes, offset, length, StandardCharsets.US_ASCII);
    }
}
