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
            ScoredBatch hybrid = new FlaggedPredictor(models, 0.0, ServingMode.HYBRID, engine)
                    .predict("Ni2+", INSIDE_AND_OUTSIDE, 2);
            assertFalse(hybrid.flags().get(1).outlier(), "threshold 0: not an outlier");
            assertTrue(hybrid.flags().get(1).reasons().contains(FlagReason.OUT_OF_DOMAIN));
            assertEquals(SpectrumOrigin.NETWORK, hybrid.origins().get(0));
            assertEquals(SpectrumOrigin.ENGINE, hybrid.origins().get(1));
            double[] exact = ExactEngine.compute("Ni2+", INSIDE_AND_OUTSIDE, 9).normalised();
            for (int c = 0; c < exact.length; c++) {
                assertEquals(exact[c], hybrid.spectra()[exact.length + c], 1e-6, "channel " + c);
            }

            ScoredBatch network = new FlaggedPredictor(models, 0.0, ServingMode.NETWORK, null)
                    .predict("Ni2+", INSIDE_AND_OUTSIDE, 2);
            assertEquals(SpectrumOrigin.NETWORK, network.origins().get(1), "network serving never calls the engine");
        }
    }
}
