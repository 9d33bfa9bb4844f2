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
package io.polyroute.runtime.eval;

import java.util.List;

/** Closes sessions, combining the failures instead of losing all but the first. */
final class Sessions {
    private Sessions() {}

    static void closeAll(List<? extends AutoCloseable> all) {
        RuntimeException first = null;
        for (AutoCloseable s : all) {
            if (s == null) {
                continue;
            }
            try {
                s.close();
            } catch (Exception ex) {
                RuntimeException e = ex instanceof RuntimeException r ? r : new IllegalStateException(ex);
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    static String label(String bundle, String stage, String role, String file) {
        return bundle + "/" + stage + "/" + role + " (" + file + ")";
    }
}
