package io.xasflow.cli;

import io.xasflow.dataset.ParameterCsv;
import io.xasflow.dataset.SpectrumCsv;
import io.xasflow.inference.ExecutionProvider;
import io.xasflow.inference.ModelRegistry;
import io.xasflow.inference.SpectrumModel;
import io.xasflow.physics.SpectrumParameters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Network spectra for a parameter table, from the committed ONNX models; same formats as {@code spectrum}. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predicts box-normalised 2p XAS spectra with the ONNX models in models-onnx/.",
            "Input and output formats as for 'spectrum --input/--output'; total_intensity stays empty."})
final class PredictCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, description = "parameter table (CSV)")
    Path input;

    @Option(names = "--output", required = true, description = "spectra table (CSV), written atomically")
    Path output;

    @Option(names = "--models", description = "model directory with manifest.json (default: ${DEFAULT-VALUE})")
    Path models = defaultModelDirectory();

    @Option(names = "--provider", description = "execution provider auto|cuda|cpu (default: ${DEFAULT-VALUE})")
    String provider = "auto";

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--batch-size", description = "rows per inference call (default: ${DEFAULT-VALUE})")
    int batchSize = 4096;

    /** The installation's models: the launcher exports XASFLOW_HOME. */
    static Path defaultModelDirectory() {
        String home = System.getenv("XASFLOW_HOME");
        return home == null ? Path.of("models-onnx") : Path.of(home, "models-onnx");
    }

    @Override
    public Integer call() throws Exception {
        List<ParameterCsv.Row> rows = ParameterCsv.read(input);
        try (ModelRegistry registry = ModelRegistry.open(models, ExecutionProvider.parse(provider), threads)) {
            Map<String, List<Integer>> rowsByIon = new LinkedHashMap<>();
            for (int r = 0; r < rows.size(); r++) {
                String ion = rows.get(r).ion();
                if (!registry.hasModel(ion)) {
                    throw new IllegalArgumentException(input.getFileName() + " row " + (r + 1) + ": no model for ion '"
                            + ion + "'; models present: " + registry.ions() + " in " + models);
                }
                rowsByIon.computeIfAbsent(ion, k -> new ArrayList<>()).add(r);
            }
            SpectrumCsv.Row[] out = new SpectrumCsv.Row[rows.size()];
            int channels = io.xasflow.physics.EnergyAxis.CHANNELS;
            for (Map.Entry<String, List<Integer>> group : rowsByIon.entrySet()) {
                SpectrumModel model = registry.model(group.getKey());
                List<Integer> indices = group.getValue();
                float[] packed = new float[indices.size() * SpectrumModel.PARAMETERS];
                for (int i = 0; i < indices.size(); i++) {
                    SpectrumParameters p = rows.get(indices.get(i)).parameters();
                    double[] values = p.toArray();
                    for (int d = 0; d < SpectrumModel.PARAMETERS; d++) {
                        packed[i * SpectrumModel.PARAMETERS + d] = (float) values[d];
                    }
                }
                channels = model.metadata().channels();
                float[] spectra = model.predictInBatches(packed, indices.size(), batchSize);
                for (int i = 0; i < indices.size(); i++) {
                    out[indices.get(i)] = new SpectrumCsv.Row(group.getKey(), model.metadata().energyStartEv(),
                            model.metadata().energyStepEv(), Double.NaN,
                            Arrays.copyOfRange(spectra, i * channels, (i + 1) * channels), null);
                }
            }
            SpectrumCsv.writeRows(output, Arrays.asList(out), channels, false);
            spec.commandLine().getErr().println("wrote " + out.length + " predicted spectra to " + output
                    + " (models: " + String.join(", ", rowsByIon.keySet()) + ")");
        }
        return 0;
    }
}
