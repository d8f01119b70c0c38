package io.xasflow.quality;

import java.util.List;

/**
 * How far one predicted spectrum can be trusted.
 *
 * @param confidence  probability-like score in [0, 1] that SE < 10 %
 * @param predictedSe estimated spectral error (fraction), NaN when there is no estimate
 * @param outlier     confidence below the configured threshold
 * @param reasons     why the confidence is reduced; empty when nothing applies
 */
public record PixelFlag(double confidence, double predictedSe, boolean outlier, List<FlagReason> reasons) {
    public PixelFlag {
        if (!(confidence >= 0 && confidence <= 1)) {
            throw new IllegalArgumentException("confidence " + confidence + " outside [0, 1]");
        }
        reasons = List.copyOf(reasons);
    }
}
