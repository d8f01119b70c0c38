package io.xasflow.quality;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where published spectra come from: {@code network} — every spectrum from the ion's network, flags alongside;
 * {@code hybrid} — pixels the flags call outliers, and every pixel outside the model's trained box, are recomputed by
 * the exact engine before they are published, so no spectrum the system doubts reaches a consumer; {@code exact} — every pixel from the engine (small scans, or an
 * ion without a model).
 */
public enum ServingMode {
    NETWORK, HYBRID, EXACT;

    public static ServingMode parse(String name) {
        for (ServingMode mode : values()) {
            if (mode.key().equals(name)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown serving mode '" + name + "', expected one of "
                + Arrays.stream(values()).map(ServingMode::key).toList());
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
