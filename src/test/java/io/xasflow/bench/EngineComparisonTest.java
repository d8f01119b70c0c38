package io.xasflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.physics.SpectrumEngine;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineComparisonTest {
    /** This build's compiled classes, standing in for another build. */
    private static Path thisBuild() throws Exception {
        return Path.of(SpectrumEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theBaselineEngineAndItsResourcesComeFromTheBaselineAndEverythingElseIsShared(@TempDir Path dir)
            throws Exception {
        Path copy = dir.resolve("classes");
        try (Stream<Path> files = Files.walk(thisBuild())) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, copy.resolve(thisBuild().relativize(file).toString()));
            }
        }
        try (URLClassLoader loader = EngineComparison.Build.loaderFor(copy)) {
            EngineComparison.Build other = EngineComparison.Build.of(loader);
            assertNotSame(SpectrumEngine.class, other.engine());
            assertEquals(copy.toUri().toURL(), other.engine().getProtectionDomain().getCodeSource().getLocation());
            URL atomicData = loader.getResource("io/xasflow/physics/hf_parameters.csv");
            assertTrue(Path.of(atomicData.toURI()).startsWith(copy), atomicData.toString());
            assertEquals(List.class, loader.loadClass("java.util.List"));
            assertEquals(picocli.CommandLine.class, loader.loadClass("picocli.CommandLine"));
        }
    }

    @Test
    void aBuildAgainstItselfGivesBitIdenticalSpectraAndTimesBoth() throws Exception {
        List<EngineComparison.Result> results = EngineComparison.run(thisBuild(), List.of("Ni2+", "Ti2+"), 2, 3);
        assertEquals(List.of("Ni2+", "Ti2+"), results.stream().map(EngineComparison.Result::ion).toList());
        for (EngineComparison.Result r : results) {
            assertEquals(0.0, r.maxDifference(), r.toString());
            assertTrue(r.baselineMs() > 0 && r.currentMs() > 0, r.toString());
            assertTrue(r.minRatio() <= r.ratio() && r.ratio() <= r.maxRatio() && r.minRatio() > 0, r.toString());
        }
        String table = EngineComparison.table(thisBuild(), results, 2, 3);
        assertTrue(table.contains("Spectra bit-identical."), table);
        assertTrue(table.contains("| Ti2+ |"), table);
    }

    @Test
    void aDifferentSpectrumIsReportedAsTheLargestChannelDifference() {
        List<EngineComparison.Result> results = List.of(new EngineComparison.Result("Fe2+", 1, 1, 1, 1, 1, 2.5e-4));
        String table = EngineComparison.table(Path.of("old.jar"), results, 1, 1);
        assertTrue(table.contains("| 2.5e-04 |"), table);
        assertTrue(table.contains("Spectra differ"), table);
    }

    @Test
    void aBaselineThatIsNoBuildIsRefusedNamingThePath(@TempDir Path dir) throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.txt"), "not a build");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EngineComparison.run(notes, List.of("Ni2+"), 1, 1));
        assertTrue(e.getMessage().contains(notes.toString()), e.getMessage());
    }
}
