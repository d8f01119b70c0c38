package io.xasflow.inference;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where ONNX Runtime runs a model (DESIGN.md §4): {@code auto} tries CUDA and falls back to the CPU with one warning,
 * {@code cuda} fails fast without a GPU, {@code cpu} never tries CUDA.
 */
public enum ExecutionProvider {
    AUTO, CUDA, CPU;

    public static ExecutionProvider parse(String name) {
        for (ExecutionProvider provider : values()) {
            if (provider.key().equals(name)) {
                return provider;
            }
        }
        throw new IllegalArgumentException("unknown execution provider '" + name + "', expected one of "
                + Arrays.stream(values()).map(ExecutionProvider::key).toList());
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
