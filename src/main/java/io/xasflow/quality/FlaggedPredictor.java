package io.xasflow.quality;

import io.xasflow.inference.ModelMetadata;
import io.xasflow.inference.ModelRegistry;
import io.xasflow.inference.SpectrumModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Network spectra with a confidence flag per pixel. Today's flag uses what is cheap and certain: whether the pixel's
 * parameters lie inside the model's trained domain (ONNX metadata) and whether the output is a valid box-normalised
 * spectrum. Calibrated uncertainty (an SE head, ensembles) comes with the flags issue.
 */
public final class FlaggedPredictor {
    /** Tolerance on the box normalisation of a network output (min 0, max 1). */
    static final double NORMALISATION_TOLERANCE = 0.02;

    private final ModelRegistry registry;
    private final double outlierThreshold;

    public FlaggedPredictor(ModelRegistry registry, double outlierThreshold) {
        if (!(outlierThreshold >= 0 && outlierThreshold <= 1)) {
            throw new IllegalArgumentException("outlier threshold " + outlierThreshold + " outside [0, 1]");
        }
        this.registry = registry;
        this.outlierThreshold = outlierThreshold;
    }

    public boolean hasModel(String ion) {
        return registry.hasModel(ion);
    }

    public List<String> ions() {
        return registry.ions();
    }

    /** Predicts {@code rows} pixels of one ion; {@code params} holds rows × 9 values in DESIGN order. */
    public ScoredBatch predict(String ion, float[] params, int rows) {
        SpectrumModel model = registry.model(ion);
        ModelMetadata meta = model.metadata();
        float[] spectra = model.predict(params, rows);
        int channels = meta.channels();
        List<PixelFlag> flags = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            List<FlagReason> reasons = new ArrayList<>(2);
            if (!meta.inDomain(params, r * SpectrumModel.PARAMETERS)) {
                reasons.add(FlagReason.OUT_OF_DOMAIN);
            }
            if (!isBoxNormalised(spectra, r * channels, channels)) {
                reasons.add(FlagReason.UNPHYSICAL);
            }
            double confidence = reasons.isEmpty() ? 1.0 : 0.0;
            flags.add(new PixelFlag(confidence, Double.NaN, confidence < outlierThreshold, reasons));
        }
        return new ScoredBatch(spectra, channels, meta.energyStartEv(), meta.energyStepEv(), model.id(),
                meta.contractVersion(), model.providerInUse().key(), flags);
    }

    static boolean isBoxNormalised(float[] spectra, int offset, int channels) {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (int c = offset; c < offset + channels; c++) {
            float v = spectra[c];
            if (Float.isNaN(v)) {
                return false;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return Math.abs(min) <= NORMALISATION_TOLERANCE && Math.abs(max - 1) <= NORMALISATION_TOLERANCE;
    }
}
