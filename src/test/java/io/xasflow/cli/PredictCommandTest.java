package io.xasflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.inference.ExecutionProvider;
import io.xasflow.inference.ModelRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictCommandTest {
    private static final String HEADER = "ion,dq,ds,dt,s1,s2,temperature_k,sigma_g_ev,gamma1_ev,gamma2_ev\n";

    @TempDir
    Path temp;

    @Test
    void predictsRowsInInputOrderWithTheSpectrumTableColumns() throws Exception {
        String ion;
        try (ModelRegistry registry = ModelRegistry.open(Path.of("models-onnx"), ExecutionProvider.CPU, 1)) {
            ion = registry.ions().get(0);
        }
        Path input = temp.resolve("params.csv");
        Files.writeString(input, HEADER + ion + ",0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n"
                + ion + ",0.05,-0.2,0.1,0.7,0.9,500,0.15,0.5,0.9\n" + ion + ",0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n");
        Path output = temp.resolve("spectra.csv");
        CliRun result = CliRun.of("predict", "--input", input.toString(), "--output", output.toString(),
                "--models", "models-onnx", "--provider", "cpu", "--outlier-threshold", "0.5");
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = Files.readAllLines(output);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).startsWith("ion,energy_start_ev,energy_step_ev,total_intensity,confidence,predicted_se,"
                + "outlier,c0,"), lines.get(0));
        String[] first = lines.get(1).split(",", -1);
        assertEquals(7 + 501, first.length);
        assertEquals(ion, first[0]);
        assertEquals("", first[3], "a network gives no total intensity");
        double confidence = Double.parseDouble(first[4]);
        assertTrue(confidence >= 0 && confidence <= 1, "confidence " + confidence);
        assertEquals(confidence < 0.5, Boolean.parseBoolean(first[6]), "outlier = confidence below the threshold");
        assertEquals(lines.get(1), lines.get(3), "same parameters, same spectrum");
        assertFalse(lines.get(1).equals(lines.get(2)));
        double max = 0;
        for (int c = 7; c < first.length; c++) {
            max = Math.max(max, Double.parseDouble(first[c]));
        }
        assertEquals(1.0, max, 1e-3, "box-normalised");
    }

    @Test
    void anIonWithoutModelStopsNamingTheIonAndTheModelsPresent() throws Exception {
        Path input = temp.resolve("params.csv");
        Files.writeString(input, HEADER + "Ti2+,0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n");
        Path output = temp.resolve("spectra.csv");
        Path models = temp.resolve("models");
        Files.createDirectories(models);
        Files.writeString(models.resolve("manifest.json"), "{\"models\": [{\"ion\": \"Ni2+\", \"file\": \"Ni2+.onnx\","
                + " \"sha256\": \"00\"}]}");
        CliRun result = CliRun.of("predict", "--input", input.toString(), "--output", output.toString(),
                "--models", models.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("'Ti2+'") && result.err().contains("[Ni2+]"), result.err());
        assertFalse(Files.exists(output), "nothing is written");
    }

    @Test
    void anUnknownOutsideCheckStopsNamingTheValue() throws Exception {
        Path input = temp.resolve("params.csv");
        Files.writeString(input, HEADER + "Ni2+,0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n");
        Path output = temp.resolve("spectra.csv");
        CliRun result = CliRun.of("predict", "--input", input.toString(), "--output", output.toString(),
                "--models", "models-onnx", "--provider", "cpu", "--outside-check", "sometimes");
        assertEquals(2, result.exitCode());
        assertTrue(result.err().contains("'sometimes'") && result.err().contains("exact or model"), result.err());
        assertFalse(Files.exists(output), "nothing is written");
    }

    @Test
    void hybridModeServesRowsOutsideTheTrainedDomainFromTheExactEngine() throws Exception {
        // Ni2+, the most accurate committed model: its flags trust the inside row (at 300 K; at 10 K with these
        // narrow widths its confidence is 0.94, under its threshold), so only the outside row goes to the engine.
        String ion = "Ni2+";
        String inside = ion + ",0.1,0.1,0.05,0.8,0.8,300,0.1,0.4,0.8";
        String outside = ion + ",0.35,0.1,0.05,0.45,0.8,10,0.1,0.4,0.8";  // Dq and S1 beyond the trained box
        Path input = temp.resolve("params.csv");
        Files.writeString(input, HEADER + inside + "\n" + outside + "\n");
        Path output = temp.resolve("spectra.csv");
        CliRun result = CliRun.of("predict", "--input", input.toString(), "--output", output.toString(),
                "--models", "models-onnx", "--provider", "cpu", "--mode", "hybrid");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.err().contains("1 (50.00 %) served by the exact engine"), result.err());
        String[] flagged = Files.readAllLines(output).get(2).split(",", -1);
        assertEquals("true", flagged[6], "outside the domain and off by SE ≥ 10 % (measured): an outlier");
        double[] exact = io.xasflow.physics.SpectrumEngine.compute(ion, io.xasflow.physics.SpectrumParameters.of(
                0.35f, 0.1f, 0.05f, 0.45f, 0.8f, 10, 0.1f, 0.4f, 0.8f)).normalised();
        for (int c = 0; c < exact.length; c++) {
            assertEquals(exact[c], Double.parseDouble(flagged[7 + c]), 1e-6, "channel " + c + " is the engine's");
        }
    }

    @Test
    void exactModeNeedsNoModel() throws Exception {
        Path input = temp.resolve("params.csv");
        Files.writeString(input, HEADER + "Ti2+,0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n");
        Path output = temp.resolve("spectra.csv");
        CliRun result = CliRun.of("predict", "--input", input.toString(), "--output", output.toString(),
                "--models", "models-onnx", "--mode", "exact");
        assertEquals(0, result.exitCode(), result.err());
        String[] row = Files.readAllLines(output).get(1).split(",", -1);
        assertEquals("Ti2+", row[0]);
        assertEquals("1.0", row[4]);
        assertEquals("false", row[6]);
    }
}
