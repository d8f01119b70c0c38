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
                "--models", "models-onnx", "--provider", "cpu");
        assertEquals(0, result.exitCode(), result.err());
        List<String> lines = Files.readAllLines(output);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).startsWith("ion,energy_start_ev,energy_step_ev,total_intensity,c0,"), lines.get(0));
        String[] first = lines.get(1).split(",", -1);
        assertEquals(4 + 501, first.length);
        assertEquals(ion, first[0]);
        assertEquals("", first[3], "a network gives no total intensity");
        assertEquals(lines.get(1), lines.get(3), "same parameters, same spectrum");
        assertFalse(lines.get(1).equals(lines.get(2)));
        double max = 0;
        for (int c = 4; c < first.length; c++) {
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
}
