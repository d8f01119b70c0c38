package io.xasflow.cli;

import io.xasflow.dataset.ParameterCsv;
import io.xasflow.dataset.SpectrumCsv;
import io.xasflow.inference.ExecutionProvider;
import io.xasflow.inference.ModelRegistry;
import io.xasflow.inference.SpectrumModel;
import io.xasflow.quality.ExactEngine;
import io.xasflow.quality.FlagReason;
import io.xasflow.quality.FlaggedPredictor;
import io.xasflow.quality.PixelFlag;
import io.xasflow.quality.ScoredBatch;
import io.xasflow.quality.ServingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Spectra for a parameter table with the stream's own scorer: network spectra from the committed ONNX models with
 * their flags, hybrid (doubted rows from the exact engine) or exact; same formats as {@code spectrum}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predicts box-normalised 2p XAS spectra with the ONNX models in models-onnx/ and flags each row.",
            "Input and output formats as for 'spectrum --input/--output', with confidence,predicted_se,outlier after"
                + " total_intensity (which stays empty)."})
final class PredictCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, description = "parameter table (CSV)")
    Path input;

    @Option(names = "--output", required = true, description = "spectra table (CSV), written atomically")
    Path output;

    @Option(names = "--mode", description = "network: every row from the network; hybrid: rows flagged as outliers"
            + " from the exact engine; exact: every row from the engine (default: ${DEFAULT-VALUE})")
    String mode = "network";

    @Option(names = "--outside-check", description = "rows outside a model's trained box: exact = flagged by their SE"
            + " measured against the engine; model = by the model's estimate (default: ${DEFAULT-VALUE})")
    String outsideCheck = "exact";

    @Option(names = "--models", description = "model directory with manifest.json (default: ${DEFAULT-VALUE})")
    Path models = defaultModelDirectory();

    @Option(names = "--provider", description = "execution provider auto|cuda|cpu (default: ${DEFAULT-VALUE})")
    String provider = "auto";

    @Option(names = "--threads", description = "ONNX Runtime and engine threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--batch-size", description = "rows per inference call (default: ${DEFAULT-VALUE})")
    int batchSize = 4096;

    @Option(names = "--outlier-threshold", description = "a row whose confidence is below this is an outlier;"
            + " -1 = each model's recommended threshold (default: ${DEFAULT-VALUE}, as the stream's"
            + " flags.outlier.confidence.threshold)")
    double outlierThreshold = FlaggedPredictor.USE_MODEL_THRESHOLD;

    /** The installation's models: the launcher exports XASFLOW_HOME. */
    static Path defaultModelDirectory() {
        String home = System.getenv("XASFLOW_HOME");
        return home == null ? Path.of("models-onnx") : Path.of(home, "models-onnx");
    }

    @Override
    public Integer call() throws Exception {
        if (batchSize <= 0 || threads <= 0) {
            throw new IllegalArgumentException("--batch-size=" + batchSize + " and --threads=" + threads
                    + " must be > 0");
        }
        ServingMode serving = ServingMode.parse(mode);
        boolean checkOutside = FlaggedPredictor.checksOutsideExactly(outsideCheck);
        List<ParameterCsv.Row> rows = ParameterCsv.read(input);
        try (ModelRegistry registry = ModelRegistry.open(models, ExecutionProvider.parse(provider), threads);
             ExactEngine engine = new ExactEngine(threads)) {
            FlaggedPredictor predictor = new FlaggedPredictor(registry, outlierThreshold, serving, engine,
                    checkOutside);
            Map<String, List<Integer>> rowsByIon = new LinkedHashMap<>();
            for (int r = 0; r < rows.size(); r++) {
                String ion = rows.get(r).ion();
                if (!predictor.canServe(ion)) {
                    throw new IllegalArgumentException(input.getFileName() + " row " + (r + 1) + ": no model for ion '"
                            + ion + "'; models present: " + registry.ions() + " in " + models
                            + " (--mode exact needs none)");
                }
                rowsByIon.computeIfAbsent(ion, k -> new ArrayList<>()).add(r);
            }
            SpectrumCsv.Row[] out = new SpectrumCsv.Row[rows.size()];
            int channels = io.xasflow.physics.EnergyAxis.CHANNELS;
            long fromEngine = 0;
            long outliers = 0;
            long outside = 0;
            for (Map.Entry<String, List<Integer>> group : rowsByIon.entrySet()) {
                List<Integer> indices = group.getValue();
                for (int first = 0; first < indices.size(); first += batchSize) {
                    List<Integer> slice = indices.subList(first, Math.min(indices.size(), first + batchSize));
                    float[] packed = pack(rows, slice);
                    ScoredBatch scored = predictor.predict(group.getKey(), packed, slice.size());
                    channels = scored.channels();
                    fromEngine += scored.engineRows();
                    for (int i = 0; i < slice.size(); i++) {
                        PixelFlag flag = scored.flags().get(i);
                        outliers += flag.outlier() ? 1 : 0;
                        outside += flag.reasons().contains(FlagReason.OUT_OF_DOMAIN) ? 1 : 0;
                        out[slice.get(i)] = new SpectrumCsv.Row(group.getKey(), scored.energyStartEv(),
                                scored.energyStepEv(), Double.NaN,
                                Arrays.copyOfRange(scored.spectra(), i * channels, (i + 1) * channels),
                                new SpectrumCsv.Flag(flag.confidence(), flag.predictedSe(), flag.outlier()));
                    }
                }
            }
            SpectrumCsv.writeRows(output, Arrays.asList(out), channels, true);
            spec.commandLine().getErr().println(String.format(Locale.ROOT, "wrote %d spectra to %s (mode %s, ions %s):"
                    + " %d flagged as outliers, %d (%.2f %%) served by the exact engine; %d outside the trained box"
                    + " (flagged by %s)", out.length, output, serving.key(), String.join(", ", rowsByIon.keySet()),
                    outliers, fromEngine, out.length == 0 ? 0 : 100.0 * fromEngine / out.length, outside,
                    checkOutside ? "their SE measured against the engine" : "the model's estimate"));
        }
        return 0;
    }

    private static float[] pack(List<ParameterCsv.Row> rows, List<Integer> indices) {
        float[] packed = new float[indices.size() * SpectrumModel.PARAMETERS];
        for (int i = 0; i < indices.size(); i++) {
            double[] values = rows.get(indices.get(i)).parameters().toArray();
            for (int d = 0; d < SpectrumModel.PARAMETERS; d++) {
                packed[i * SpectrumModel.PARAMETERS + d] = (float) values[d];
            }
        }
        return packed;
    }
}
