package io.xasflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.physics.SpectrumEngine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BenchCommandTest {

    @Test
    void engineAbComparesTheGivenBuildOnTheGivenIons() throws Exception {
        Path thisBuild = Path.of(SpectrumEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        CliRun run = CliRun.of("bench", "engine-ab", "--baseline", thisBuild.toString(), "--ions", "Ni2+",
                "--samples", "2", "--rounds", "2");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("| Ni2+ |"), run.out());
        assertTrue(run.out().contains("Median ratio over these 1 ions"), run.out());
        assertTrue(run.out().contains("Spectra bit-identical."), run.out());
    }

    @Test
    void anUnknownIonIsRefusedNamingIt() {
        CliRun run = CliRun.of("bench", "engine-ab", "--baseline", ".", "--ions", "Xx9+", "--samples", "1");
        assertNotEquals(0, run.exitCode());
        assertTrue(run.err().contains("Xx9+"), run.err());
    }
}
