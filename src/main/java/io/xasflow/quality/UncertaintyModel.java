package io.xasflow.quality;

import com.fasterxml.jackson.databind.JsonNode;
import io.xasflow.inference.ModelMetadata;

/**
 * Turns a model's own SE estimate into a calibrated confidence, P(SE < 10 %), with the calibration curve fitted on
 * held-out spectra and stored in the model's metadata ({@code uncertainty}: {@code {"calibration": {"log_se": [...],
 * "confidence": [...]}}}, an isotonic fit on log10 of the predicted SE, interpolated linearly here). A model without
 * an estimate gets confidence 1 inside its domain: only the domain and physicality checks apply.
 */
public final class UncertaintyModel {
    private static final UncertaintyModel NONE = new UncertaintyModel(null, null);

    private final double[] logSe;
    private final double[] confidence;

    private UncertaintyModel(double[] logSe, double[] confidence) {
        this.logSe = logSe;
        this.confidence = confidence;
    }

    public static UncertaintyModel of(ModelMetadata metadata) {
        JsonNode curve = metadata.uncertainty().path("calibration");
        if (!curve.has("log_se") || !curve.has("confidence")) {
            return NONE;
        }
        double[] x = doubles(curve.get("log_se"));
        double[] y = doubles(curve.get("confidence"));
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException(metadata.ion() + ": calibration curve has " + x.length + " knots and "
                    + y.length + " confidences");
        }
        for (int i = 0; i < x.length; i++) {
            if ((i > 0 && !(x[i] >= x[i - 1])) || !(y[i] >= 0 && y[i] <= 1)) {
                throw new IllegalArgumentException(metadata.ion() + ": calibration knot " + i + " (" + x[i] + ", "
                        + y[i] + ") is not increasing in log SE with confidence in [0, 1]");
            }
        }
        return new UncertaintyModel(x, y);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    public boolean calibrated() {
        return logSe != null;
    }

    /** P(SE < 10 %) for a predicted SE (NaN when the model gave none: confidence 1, nothing known against it). */
    public double confidence(double predictedSe) {
        if (logSe == null || Double.isNaN(predictedSe)) {
            return 1.0;
        }
        double x = Math.log10(Math.max(predictedSe, 1e-6));
        if (x <= logSe[0]) {
            return confidence[0];
        }
        int last = logSe.length - 1;
        if (x >= logSe[last]) {
            return confidence[last];
        }
        int i = 1;
        while (logSe[i] < x) {
            i++;
        }
        double span = logSe[i] - logSe[i - 1];
        double t = span > 0 ? (x - logSe[i - 1]) / span : 1;
        return confidence[i - 1] + t * (confidence[i] - confidence[i - 1]);
    }
}
