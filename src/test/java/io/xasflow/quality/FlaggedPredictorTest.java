package io.xasflow.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.inference.ExecutionProvider;
import io.xasflow.inference.ModelRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which spectra hybrid serving takes from the engine, with the committed Ni2+ model and the real engine. */
class FlaggedPredictorTest {
    private static final float[] INSIDE_AND_OUTSIDE = {
        0.1f, 0.1f, 0.05f, 0.8f, 0.8f, 10, 0.1f, 0.4f, 0.8f,
        0.1f, 0.1f, 0.05f, 0.8f, 0.8f, 10, 0.1f, 0.4f, 2.5f};  // Γ2 far beyond the trained range

    /**
     * With threshold 0 no pixel is an outlier, yet the input outside the trained box is served by the engine:
     * beyond the box no held-out data bounds how often the flags miss.
     */
    @Test
    void hybridSendsEveryInputOutsideTheTrainedBoxToTheEngineEvenWhenNotFlagged() throws Exception {
        try (ModelRegistry models = ModelRegistry.open(Path.of("models-onnx"), ExecutionProvider.CPU, 1);
             ExactEngine engine = new ExactEngine(1)) {
            ScoredBatch hybrid = new FlaggedPredictor(models, 0.0, ServingMode.HYBRID, engine, false)
                    .predict("Ni2+", INSIDE_AND_OUTSIDE, 2);
            assertFalse(hybrid.flags().get(1).outlier(), "threshold 0: not an outlier");
            assertTrue(hybrid.flags().get(1).reasons().contains(FlagReason.OUT_OF_DOMAIN));
            assertEquals(SpectrumOrigin.NETWORK, hybrid.origins().get(0));
            assertEquals(SpectrumOrigin.ENGINE, hybrid.origins().get(1));
            double[] exact = ExactEngine.compute("Ni2+", INSIDE_AND_OUTSIDE, 9).normalised();
            for (int c = 0; c < exact.length; c++) {
                assertEquals(exact[c], hybrid.spectra()[exact.length + c], 1e-6, "channel " + c);
            }

            ScoredBatch network = new FlaggedPredictor(models, 0.0, ServingMode.NETWORK, null, false)
                    .predict("Ni2+", INSIDE_AND_OUTSIDE, 2);
            assertEquals(SpectrumOrigin.NETWORK, network.origins().get(1), "network serving never calls the engine");
        }
    }

    private static final float[] FAR_OUTSIDE = {
        0.1f, 0.1f, 0.05f, 0.8f, 0.8f, 10, 0.1f, 0.4f, 0.8f,      // inside: the model's estimate
        0.1f, 0.1f, 0.05f, 0.8f, 0.8f, 10, 0.1f, 0.4f, 2.5f,      // only Γ2 beyond: exact lines, measured SE small
        0.9f, 0.1f, 0.05f, 0.8f, 0.8f, 10, 0.1f, 0.4f, 0.8f};     // Dq 4.5 × the trained bound: the network is lost

    /** Outside the trained box the flag is the SE measured against the engine; the network's spectrum is kept. */
    @Test
    void inputsOutsideTheTrainedBoxAreFlaggedByTheirMeasuredError() throws Exception {
        try (ModelRegistry models = ModelRegistry.open(Path.of("models-onnx"), ExecutionProvider.CPU, 1);
             ExactEngine engine = new ExactEngine(1)) {
            ScoredBatch checked = new FlaggedPredictor(models, FlaggedPredictor.USE_MODEL_THRESHOLD,
                    ServingMode.NETWORK, engine, true).predict("Ni2+", FAR_OUTSIDE, 3);
            ScoredBatch estimated = new FlaggedPredictor(models, FlaggedPredictor.USE_MODEL_THRESHOLD,
                    ServingMode.NETWORK, null, false).predict("Ni2+", FAR_OUTSIDE, 3);
            int channels = checked.channels();
            assertEquals(estimated.flags().get(0), checked.flags().get(0), "inside the box nothing changes");
            for (int r = 1; r < 3; r++) {
                float[] exact = toFloats(ExactEngine.compute("Ni2+", FAR_OUTSIDE, 9 * r).normalised());
                double se = SpectralError.of(checked.spectra(), r * channels, exact, 0, channels);
                PixelFlag flag = checked.flags().get(r);
                assertEquals(se, flag.predictedSe(), 1e-6, "row " + r + ": the measured SE");
                assertEquals(se >= SpectralError.OUTLIER_SE, flag.outlier(), "row " + r);
                assertEquals(flag.outlier(), flag.reasons().contains(FlagReason.AUDIT_MISMATCH), "row " + r);
                assertTrue(flag.reasons().contains(FlagReason.OUT_OF_DOMAIN));
                assertEquals(SpectrumOrigin.NETWORK, checked.origins().get(r), "network serving keeps its spectrum");
            }
            assertFalse(checked.flags().get(1).outlier(), "widths beyond the box: the exact lines still fit");
            assertTrue(checked.flags().get(2).outlier(), "Dq far beyond the box: the network is off");
            assertTrue(checked.engineNanos() > 0);
        }
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
