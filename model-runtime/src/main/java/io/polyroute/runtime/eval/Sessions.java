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
