package io.polyroute.embedded;

/** Formats the innermost cause of a Kafka client failure for error messages. */
final class Errors {

    private Errors() {}

    /** {@code SimpleClassName: message} of the deepest cause, e.g. {@code TopicExistsException: ...}. */
    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
