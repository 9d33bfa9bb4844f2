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
package io.polyroute.job.rollout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A bundle's identity by content: SHA-256 (lowercase hex) over its manifest's checksums as
 * {@code path=sha256} lines ({@code \n}-terminated), sorted by path. The command line computes it
 * from the bundle it validated; a subtask refuses a version whose files give another digest.
 */
public final class ChecksumsDigest {
    private ChecksumsDigest() {}

    /** The digest of {@code checksums} (path relative to the version folder → SHA-256). */
    public static String of(Map<String, String> checksums) {
        StringBuilder lines = new StringBuilder();
        new TreeMap<>(checksums)
                .forEach((path, sum) ->
                        lines.append(path).append('=').append(sum).append('\n'));
        try {
            byte[] d =
                    MessageDigest.getInstance("SHA-256").digest(lines.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM.", e);
        }
    }
}
