package io.polyroute.schemas;

/** A schema registry refused a request, answered with an error, or could not be reached. */
public final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status the HTTP status of the registry's answer, or -1 when there was none
     * @param message whole sentence naming the registry URL, the request and the problem
     * @param cause the underlying failure, or null
     */
    public SchemaRegistryException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** Returns the HTTP status of the registry's answer, or -1 when there was none. */
    public int status() {
        return status;
    }
}
