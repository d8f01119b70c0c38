package io.xasflow.quality;

import io.xasflow.inference.ModelMetadata;
import io.xasflow.inference.ModelRegistry;
import io.xasflow.inference.SpectrumModel;
import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.EnergyAxis;
import io.xasflow.physics.SpectrumEngine;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Spectra with a confidence flag per pixel, served as the {@link ServingMode} says. The flag combines what is cheap
 * and measured: whether the pixel's parameters lie inside the model's trained domain (ONNX metadata), whether the
 * output is a valid box-normalised spectrum, and the model's own SE estimate when it has one ({@link UncertaintyModel}).
 * Outside the trained box the estimate has no held-out data to bound its misses, so by default such pixels are
 * flagged by their SE measured against the exact engine instead.
 */
public final class FlaggedPredictor {
    /** Tolerance on the box normalisation of a network output (min 0, max 1). */
    static final double NORMALISATION_TOLERANCE = 0.02;
    /** As outlier threshold: use each model's own recommended threshold (its calibration), 0.5 without one. */
    public static final double USE_MODEL_THRESHOLD = -1;

    private final ModelRegistry registry;
    private final double outlierThreshold;
    private final ServingMode mode;
    private final ExactEngine engine;
    private final boolean checkOutsideExactly;

    /**
     * Network serving: every spectrum from the network, every flag from the model alone.
     *
     * @param outlierThreshold a pixel whose confidence is below this is an outlier; {@link #USE_MODEL_THRESHOLD} for
     *                         each model's own
     */
    public FlaggedPredictor(ModelRegistry registry, double outlierThreshold) {
        this(registry, outlierThreshold, ServingMode.NETWORK, null, false);
    }

    /**
     * @param engine              the exact engine for hybrid and exact serving and for {@code checkOutsideExactly}
     *                            (may be null when neither applies)
     * @param checkOutsideExactly flag the pixels outside the model's trained box by their measured SE against the
     *                            engine instead of the model's estimate: beyond the box no held-out data bounds how
     *                            often the estimate misses, so the engine answers (it costs an exact spectrum per
     *                            such pixel; hybrid serving computes it anyway)
     */
    public FlaggedPredictor(ModelRegistry registry, double outlierThreshold, ServingMode mode, ExactEngine engine,
            boolean checkOutsideExactly) {
        if (!(outlierThreshold == USE_MODEL_THRESHOLD || outlierThreshold >= 0 && outlierThreshold <= 1)) {
            throw new IllegalArgumentException("outlier threshold " + outlierThreshold + " outside [0, 1] (or "
                    + USE_MODEL_THRESHOLD + ": each model's recommended threshold)");
        }
        if ((mode != ServingMode.NETWORK || checkOutsideExactly) && engine == null) {
            throw new IllegalArgumentException("serving mode '" + mode.key() + "'"
                    + (checkOutsideExactly ? " with exact checks outside the trained box" : "") + " needs the exact engine");
        }
        this.registry = registry;
        this.outlierThreshold = outlierThreshold;
        this.mode = mode;
        this.engine = engine;
        this.checkOutsideExactly = checkOutsideExactly;
    }

    /**
     * The setting {@code flags.outside.check} (stream) and {@code --outside-check} (predict): {@code exact} flags the
     * pixels outside the trained box by their SE measured against the engine, {@code model} by the model's estimate.
     */
    public static boolean checksOutsideExactly(String setting) {
        return switch (setting) {
            case "exact" -> true;
            case "model" -> false;
            default -> throw new IllegalArgumentException("unknown outside check '" + setting
                    + "', expected exact or model");
        };
    }

    public ServingMode mode() {
        return mode;
    }

    /** Whether pixels of {@code ion} can be served: a model, or in exact serving any ion the engine knows. */
    public boolean canServe(String ion) {
        return mode == ServingMode.EXACT ? ExactEngine.knowsIon(ion) : registry.hasModel(ion);
    }

    /** The ions that can be served (for messages naming the valid set). */
    public List<String> ions() {
        return mode == ServingMode.EXACT ? AtomicDataTable.ionKeys() : registry.ions();
    }

    /** Predicts {@code rows} pixels of one ion; {@code params} holds rows × 9 values in DESIGN order. */
    public ScoredBatch predict(String ion, float[] params, int rows) {
        if (mode == ServingMode.EXACT) {
            return exact(ion, params, rows);
        }
        SpectrumModel model = registry.model(ion);
        ModelMetadata meta = model.metadata();
        SpectrumModel.Prediction prediction = model.predictWithUncertainty(params, rows);
        float[] spectra = prediction.spectra();
        int channels = meta.channels();
        boolean[] inside = new boolean[rows];
        List<Integer> outside = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            inside[r] = meta.inDomain(params, r * SpectrumModel.PARAMETERS);
            if (!inside[r]) {
                outside.add(r);
            }
        }
        long engineNanos = 0;
        Map<Integer, ScoredBatch.Check> checks = new HashMap<>();  // the rows outside the trained box, measured
        if (checkOutsideExactly && !outside.isEmpty()) {
            long started = System.nanoTime();
            float[][] exact = engine.compute(ion, params, indices(outside), channels);
            long checkNanos = System.nanoTime() - started;
            engineNanos += checkNanos;
            double msPerRow = checkNanos / 1e6 / outside.size();
            for (int i = 0; i < exact.length; i++) {
                checks.put(outside.get(i), new ScoredBatch.Check(exact[i], msPerRow));
            }
        }
        List<PixelFlag> flags = new ArrayList<>(rows);
        List<SpectrumOrigin> origins = new ArrayList<>(Collections.nCopies(rows, SpectrumOrigin.NETWORK));
        List<Integer> doubted = new ArrayList<>();
        UncertaintyModel uncertainty = UncertaintyModel.of(meta);
        for (int r = 0; r < rows; r++) {
            List<FlagReason> reasons = new ArrayList<>(3);
            if (!inside[r]) {
                reasons.add(FlagReason.OUT_OF_DOMAIN);
            }
            boolean physical = isBoxNormalised(spectra, r * channels, channels);
            double predictedSe;
            double confidence;
            ScoredBatch.Check check = checks.get(r);
            if (check != null) {  // measured, not estimated: P(SE < 10 %) is 0 or 1
                predictedSe = SpectralError.of(spectra, r * channels, check.exactSpectrum(), 0, channels);
                confidence = predictedSe < SpectralError.OUTLIER_SE ? 1.0 : 0.0;
                if (confidence == 0) {
                    reasons.add(FlagReason.AUDIT_MISMATCH);
                }
            } else {
                predictedSe = prediction.predictedSe() == null ? Double.NaN : prediction.predictedSe()[r];
                confidence = uncertainty.confidence(predictedSe, inside[r]);
            }
            if (!physical) {
                reasons.add(FlagReason.UNPHYSICAL);
                confidence = 0.0;
            }
            double threshold = outlierThreshold < 0 ? uncertainty.recommendedThreshold(inside[r]) : outlierThreshold;
            boolean outlier = confidence < threshold;
            if (outlier && reasons.isEmpty()) {
                reasons.add(FlagReason.HIGH_UNCERTAINTY);
            }
            flags.add(new PixelFlag(confidence, predictedSe, outlier, reasons));
            // Hybrid doubts every outlier and every input outside the trained box: beyond it no held-out data bounds
            // how often the flags miss, so the engine answers (issue 6: no doubted spectrum reaches a consumer).
            if ((outlier || !inside[r]) && mode == ServingMode.HYBRID) {
                doubted.add(r);
            }
        }
        if (!doubted.isEmpty()) {  // hybrid: the doubted pixels' spectra come from the engine before publication
            List<Integer> missing = new ArrayList<>();
            for (int r : doubted) {
                ScoredBatch.Check check = checks.get(r);
                if (check != null) {
                    System.arraycopy(check.exactSpectrum(), 0, spectra, r * channels, channels);
                } else {
                    missing.add(r);
                }
                origins.set(r, SpectrumOrigin.ENGINE);
            }
            long started = System.nanoTime();
            engine.computeInto(ion, params, indices(missing), spectra, channels);
            engineNanos += System.nanoTime() - started;
        }
        return new ScoredBatch(spectra, channels, meta.energyStartEv(), meta.energyStepEv(), model.id(),
                meta.contractVersion(), model.providerInUse().key(), flags, origins, engineNanos, checks);
    }

    private static int[] indices(List<Integer> rows) {
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    private ScoredBatch exact(String ion, float[] params, int rows) {
        EnergyAxis axis = SpectrumEngine.axis(ion);
        float[] spectra = new float[rows * axis.channels()];
        int[] all = new int[rows];
        for (int r = 0; r < rows; r++) {
            all[r] = r;
        }
        long started = System.nanoTime();
        engine.computeInto(ion, params, all, spectra, axis.channels());
        long engineNanos = System.nanoTime() - started;
        PixelFlag exact = new PixelFlag(1.0, 0.0, false, List.of());
        return new ScoredBatch(spectra, axis.channels(), axis.startEv(), axis.stepEv(), ExactEngine.MODEL_ID,
                SpectrumEngine.CONTRACT_VERSION, ScoredBatch.ENGINE_PROVIDER, Collections.nCopies(rows, exact),
                Collections.nCopies(rows, SpectrumOrigin.ENGINE), engineNanos, Map.of());
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
