package io.xasflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class EngineBenchmarkTest {

    @Test
    void timesEveryIonInRoundsAndTabulatesTheMedian() throws Exception {
        List<EngineBenchmark.Result> results = EngineBenchmark.run(List.of("Ni2+", "Co2+"), 2, 3, 1);
        assertEquals(List.of("Ni2+", "Co2+"), results.stream().map(EngineBenchmark.Result::ion).toList());
        for (EngineBenchmark.Result r : results) {
            assertTrue(r.msPerSpectrumOneThread() > 0, r.toString());
            assertTrue(r.roundSpread() >= 0, r.toString());
            assertTrue(r.spectraPerSecondAllThreads() > 0, r.toString());
        }
        String table = EngineBenchmark.table(results, 2, 3, 1);
        assertTrue(table.contains("| Ni2+ | 8 | 60 |"), table);
        assertTrue(table.contains("| Co2+ | 7 | 270 |"), table);
        assertTrue(table.contains("spread of 3 rounds"), table);
        double median = 0.5 * (results.get(0).msPerSpectrumOneThread() + results.get(1).msPerSpectrumOneThread());
        assertTrue(table.contains(String.format(java.util.Locale.ROOT, "Median over these 2 ions: %.2f ms", median)),
                table);
    }

    @Test
    void noRoundsIsRefusedNamingTheValue() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineBenchmark.run(List.of("Ni2+"), 2, 0, 1));
        assertTrue(e.getMessage().contains("rounds=0"), e.getMessage());
    }
}
