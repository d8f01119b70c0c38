package io.xasflow.quality;

/** The paper's spectral error SE = Σ|p − a| / Σ|p + a| between two box-normalised spectra (DESIGN.md §2). */
public final class SpectralError {
    /** SE at and above this is an outlier (interval I7). */
    public static final double OUTLIER_SE = 0.10;

    private SpectralError() {}

    public static double of(float[] predicted, int predictedOffset, float[] exact, int exactOffset, int channels) {
        double difference = 0;
        double total = 0;
        for (int c = 0; c < channels; c++) {
            double p = predicted[predictedOffset + c];
            double a = exact[exactOffset + c];
            difference += Math.abs(p - a);
            total += Math.abs(p + a);
        }
        return total > 0 ? difference / total : 0;
    }
}
