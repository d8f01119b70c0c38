package io.xasflow.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Shared checks for ONNX models: the committed set and the one the training smoke produces. */
final class ModelFixtures {
    static final Path COMMITTED = Path.of("models-onnx");
    static final double PARITY_TOLERANCE = 1e-4;

    private ModelFixtures() {}

    /** ONNX Runtime (Java) reproduces PyTorch's outputs stored beside the model at export time. */
    static double assertParity(ModelRegistry registry, ModelManifest.Entry entry) throws IOException {
        Map<String, NpyArchive.FloatArray> parity = NpyArchive.read(registry.manifest().directory().resolve(entry.parity()));
        NpyArchive.FloatArray params = parity.get("params");
        NpyArchive.FloatArray expected = parity.get("spectrum");
        int rows = params.shape()[0];
        assertTrue(rows >= 100, entry.file() + ": parity set has " + rows + " rows, the contract asks for 100");
        SpectrumModel model = registry.model(entry.ion());
        SpectrumModel.Prediction actual = model.predictWithUncertainty(params.values(), rows);
        double worst = worstDifference(entry.file() + " spectrum", expected.values(), actual.spectra());
        NpyArchive.FloatArray expectedSe = parity.get(SpectrumModel.PREDICTED_SE);
        assertEquals(expectedSe != null, model.hasPredictedSe(), entry.file() + ": SE head in the fixture and the model");
        if (expectedSe != null) {
            assertEquals(expectedSe.values().length, actual.predictedSe().length);
            for (int i = 0; i < rows; i++) {  // an SE estimate, compared relatively (it spans decades)
                float e = expectedSe.values()[i];
                assertEquals(e, actual.predictedSe()[i], PARITY_TOLERANCE * Math.max(1, Math.abs(e)) + 1e-3 * e,
                        entry.file() + ": predicted_se row " + i);
            }
        }
        return worst;
    }

    private static double worstDifference(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": output size");
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
        }
        assertTrue(worst <= PARITY_TOLERANCE, what + ": ONNX Runtime differs from PyTorch by " + worst);
        return worst;
    }
}
