package io.xasflow.inference;

/** ONNX Runtime failed while running a loaded model. */
public final class InferenceException extends RuntimeException {
    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
