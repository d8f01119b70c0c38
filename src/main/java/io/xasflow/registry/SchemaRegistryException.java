package io.xasflow.registry;

/**
 * An error answer of a Confluent-compatible schema registry: the HTTP status and the registry's {@code error_code}
 * (for example 40401 subject not found, 40403 schema not found, 409 incompatible schema, 42201 invalid schema).
 */
public final class SchemaRegistryException extends RuntimeException {
    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int UNAUTHORIZED = 401;

    private final int status;
    private final int errorCode;

    public SchemaRegistryException(int status, int errorCode, String message) {
        super(message + " (HTTP " + status + ", error_code " + errorCode + ")");
        this.status = status;
        this.errorCode = errorCode;
    }

    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.status = -1;
        this.errorCode = -1;
    }

    /** HTTP status, or -1 when the registry could not be reached. */
    public int status() {
        return status;
    }

    /** The registry's error_code, or -1 when the registry could not be reached. */
    public int errorCode() {
        return errorCode;
    }
}
