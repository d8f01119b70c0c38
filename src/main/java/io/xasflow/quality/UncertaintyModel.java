package io.xasflow.quality;

import com.fasterxml.jackson.databind.JsonNode;
import io.xasflow.inference.ModelMetadata;

/**
 * Turns a model's own SE estimate into a calibrated confidence, P(SE < 10 %). The curves were fitted on held-out
 * spectra (training/uncertainty.py: isotonic in log10 of the predicted SE, one curve for inputs inside the trained
 * box and one for inputs outside it) and travel in the model's {@code uncertainty} metadata with the threshold that
 * kept the recall of true outliers the model's metadata states (recall_target: 95 % for heads since 2026-12-01, 97 %
 * before) on the calibration data, inside the box lowered where need be to flag at most the model's flag_budget of
 * in-domain D4h spectra (heads since 2026-12-04). A model without an SE head gets confidence 1 inside its
 * domain and 0 outside: only the domain and physicality checks apply.
 */
public final class UncertaintyModel {
    /** The threshold for a model that recommends none. */
    public static final double DEFAULT_THRESHOLD = 0.5;
    private static final UncertaintyModel NONE = new UncertaintyModel(null, null, DEFAULT_THRESHOLD, DEFAULT_THRESHOLD);

    /** One isotonic curve: confidence at increasing log10 SE knots, linear in between, flat beyond. */
    private record Curve(double[] logSe, double[] confidence) {
        double at(double predictedSe) {
            double x = Math.log10(Math.max(predictedSe, 1e-6));
            int last = logSe.length - 1;
            if (x <= logSe[0]) {
                return confidence[0];
            }
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

    private final Curve inside;
    private final Curve outside;
    private final double thresholdInside;
    private final double thresholdOutside;

    private UncertaintyModel(Curve inside, Curve outside, double thresholdInside, double thresholdOutside) {
        this.inside = inside;
        this.outside = outside;
        this.thresholdInside = thresholdInside;
        this.thresholdOutside = thresholdOutside;
    }

    public static UncertaintyModel of(ModelMetadata metadata) {
        JsonNode u = metadata.uncertainty();
        if (!u.has("calibration")) {
            return NONE;
        }
        Curve in = curve(metadata.ion(), "calibration", u.get("calibration"));
        Curve out = u.has("calibration_outside") ? curve(metadata.ion(), "calibration_outside",
                u.get("calibration_outside")) : null;
        double threshold = u.path("threshold").asDouble(DEFAULT_THRESHOLD);
        double thresholdOutside = u.path("threshold_outside").asDouble(threshold);
        for (double t : new double[] {threshold, thresholdOutside}) {
            if (!(t >= 0 && t <= 1)) {
                throw new IllegalArgumentException(metadata.ion() + ": recommended threshold " + t + " outside [0, 1]");
            }
        }
        return new UncertaintyModel(in, out, threshold, thresholdOutside);
    }

    private static Curve curve(String ion, String name, JsonNode node) {
        double[] x = doubles(node.path("log_se"));
        double[] y = doubles(node.path("confidence"));
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException(ion + ": " + name + " has " + x.length + " knots and " + y.length
                    + " confidences");
        }
        for (int i = 0; i < x.length; i++) {
            if ((i > 0 && !(x[i] >= x[i - 1])) || !(y[i] >= 0 && y[i] <= 1)) {
                throw new IllegalArgumentException(ion + ": " + name + " knot " + i + " (" + x[i] + ", " + y[i]
                        + ") is not increasing in log SE with confidence in [0, 1]");
            }
        }
        return new Curve(x, y);
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    public boolean calibrated() {
        return inside != null;
    }

    /**
     * The threshold measured for this model on inputs inside or outside its trained box (recall targets in its metadata);
     * the default for a model without an SE head.
     */
    public double recommendedThreshold(boolean insideDomain) {
        return insideDomain ? thresholdInside : thresholdOutside;
    }

    /**
     * P(SE < 10 %) for a predicted SE (NaN: the model gave none) at an input inside or outside the trained box.
     * Without a calibrated curve for that side: 1 inside, 0 outside.
     */
    public double confidence(double predictedSe, boolean insideDomain) {
        Curve curve = insideDomain ? inside : outside;
        if (curve == null || Double.isNaN(predictedSe)) {
            return insideDomain ? 1.0 : 0.0;
        }
        return curve.at(predictedSe);
    }
}
