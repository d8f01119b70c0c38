package io.xasflow.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.xasflow.inference.ModelMetadata;
import org.junit.jupiter.api.Test;

class UncertaintyModelTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelMetadata metadata(String uncertainty) throws Exception {
        return new ModelMetadata("Ni2+", "voigt-lines", "extended", new double[9], new double[9], 847.7, 0.06, 501, "1",
                JSON.readTree("{}"), JSON.readTree(uncertainty));
    }

    @Test
    void interpolatesTheCalibrationCurveInLogSeAndUsesTheSideOfTheBox() throws Exception {
        UncertaintyModel u = UncertaintyModel.of(metadata("{\"calibration\": {\"log_se\": [-2, -1], \"confidence\": "
                + "[1.0, 0.2]}, \"calibration_outside\": {\"log_se\": [-2, -1], \"confidence\": [0.9, 0.0]},"
                + " \"threshold\": 0.95, \"threshold_outside\": 0.99}"));
        assertTrue(u.calibrated());
        assertEquals(0.95, u.recommendedThreshold(true));
        assertEquals(0.99, u.recommendedThreshold(false));
        assertEquals(1.0, u.confidence(0.001, true), 1e-12, "flat below the first knot");
        assertEquals(0.6, u.confidence(Math.pow(10, -1.5), true), 1e-12, "halfway in log SE");
        assertEquals(0.2, u.confidence(0.5, true), 1e-12, "flat beyond the last knot");
        assertEquals(0.45, u.confidence(Math.pow(10, -1.5), false), 1e-12, "the outside curve");
        assertEquals(1.0, u.confidence(Double.NaN, true), "no estimate: nothing known against it");
    }

    @Test
    void aModelWithoutAnSeHeadTrustsItsDomainOnly() throws Exception {
        UncertaintyModel u = UncertaintyModel.of(metadata("{}"));
        assertFalse(u.calibrated());
        assertEquals(UncertaintyModel.DEFAULT_THRESHOLD, u.recommendedThreshold(true));
        assertEquals(1.0, u.confidence(0.3, true));
        assertEquals(0.0, u.confidence(0.01, false));
    }

    @Test
    void aBrokenCurveIsRefusedNamingTheKnot() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UncertaintyModel.of(metadata(
                "{\"calibration\": {\"log_se\": [-1, -2], \"confidence\": [1.0, 0.5]}}")));
        assertTrue(e.getMessage().contains("knot 1"), e.getMessage());
    }
}
