package io.xasflow.inference;

/** A model file that does not match its manifest entry (sha256) or breaks the ONNX model contract. */
public final class ModelIntegrityException extends RuntimeException {
    public ModelIntegrityException(String message) {
        super(message);
    }

    public ModelIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
