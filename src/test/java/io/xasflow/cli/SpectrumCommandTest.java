package io.xasflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpectrumCommandTest {
    private static final String HEADER = "ion,dq,ds,dt,s1,s2,temperature_k,sigma_g_ev,gamma1_ev,gamma2_ev\n";

    @TempDir
    Path temp;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void singleSpectrumPrintsEnergyIntensityAndNormalisedRows() {
        CliRun run = run("spectrum", "--ion", "Fe3+", "--dq", "0.1", "--ds", "0", "--dt", "0", "--s1", "0.8", "--s2", "0.8",
                "--temperature-k", "300", "--sigma-g-ev", "0.1", "--gamma1-ev", "0.4", "--gamma2-ev", "0.8");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = run.out().lines().toList();
        assertEquals("energy_ev,intensity,normalised", lines.get(0));
        assertEquals(502, lines.size());
        assertEquals(706.8 - 5, Double.parseDouble(lines.get(1).split(",")[0]), 1e-9);
        double max = lines.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[2])).max().orElseThrow();
        assertEquals(1.0, max, 1e-12);
    }

    @Test
    void tableKeepsInputOrderAndWritesTheContractColumns() throws Exception {
        Path input = temp.resolve("params.csv");
        Files.writeString(input, HEADER + "Ni2+,0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n"
                + "Ti2+,0.05,-0.2,0.1,0.7,0.9,500,0.15,0.5,0.9\n" + "Ni2+,0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n");
        Path output = temp.resolve("spectra.csv");
        CliRun run = run("spectrum", "--input", input.toString(), "--output", output.toString(), "--threads", "2");
        assertEquals(0, run.exitCode(), run.err());
        List<String> lines = Files.readAllLines(output);
        assertEquals(4, lines.size());
        assertTrue(lines.get(0).startsWith("ion,energy_start_ev,energy_step_ev,total_intensity,c0,c1,"));
        assertTrue(lines.get(0).endsWith(",c500"));
        assertEquals(505, lines.get(1).split(",").length);
        assertTrue(lines.get(1).startsWith("Ni2+,847.7,0.06,"));
        assertTrue(lines.get(2).startsWith("Ti2+,448.8,0.06,"));
        assertEquals(8.0, Double.parseDouble(lines.get(2).split(",")[3]), 1e-4, "total intensity = 10 − n");
        assertEquals(lines.get(1), lines.get(3));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Fe7+,0.1,0,0,0.8,0.8,300,0.1,0.4,0.8|row 2, column ion: unknown ion 'Fe7+'",
        "Fe3+,0.1,0,NaN,0.8,0.8,300,0.1,0.4,0.8|row 2, column dt: value NaN is not a finite number",
        "Fe3+,0.1,0,0,0.8,0.8,-4,0.1,0.4,0.8|row 2, column temperature_k: value -4.0 must be ≥ 0",
        "Fe3+,0.1,0,0,0.8,0.8,300,0.1,-0.4,0.8|row 2, column gamma1_ev: value -0.4 must be > 0",
        "Fe3+,0.1,0,0,0.8,0.8,300,abc,0.4,0.8|row 2, column sigma_g_ev: value 'abc' is not a number"})
    void badRowStopsWithRowColumnAndValueAndWritesNothing(String badRow, String message) throws Exception {
        Path input = temp.resolve("bad.csv");
        Files.writeString(input, HEADER + "Ni2+,0.1,0.1,0.05,0.8,0.8,10,0.1,0.4,0.8\n" + badRow + "\n");
        Path output = temp.resolve("out.csv");
        CliRun run = run("spectrum", "--input", input.toString(), "--output", output.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains(message), run.err());
        assertFalse(Files.exists(output));
    }
}
