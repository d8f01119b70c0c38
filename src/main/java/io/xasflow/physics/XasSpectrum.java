package io.xasflow.physics;

/**
 * A broadened isotropic 2p XAS spectrum on the contract's axis: raw intensities, their box normalisation
 * (I − min)/(max − min), and the summed stick weight (the sum rule gives 10 − n).
 */
public record XasSpectrum(String ion, EnergyAxis axis, double[] intensity, double[] normalised, double totalIntensity) {

    static XasSpectrum of(String ion, EnergyAxis axis, double[] intensity, double totalIntensity) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : intensity) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (!(max > min)) {
            throw new ArithmeticException("spectrum of " + ion + " is flat (max=min=" + max + "): cannot normalise");
        }
        double[] normalised = new double[intensity.length];
        for (int i = 0; i < intensity.length; i++) {
            normalised[i] = (intensity[i] - min) / (max - min);
        }
        return new XasSpectrum(ion, axis, intensity, normalised, totalIntensity);
    }
}
