package io.polyroute.schemas;

/**
 * Thrown when a record cannot be encoded, typically because a field that the schema declares
 * non-null holds null. The message names the record type, the encoding and the offending field as
 * reported by Avro.
 */
public class RecordEncodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message whole-sentence description naming the record type and the problem
     * @param cause the underlying Avro failure
     */
    public RecordEncodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
