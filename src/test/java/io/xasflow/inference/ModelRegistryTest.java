package io.xasflow.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

    @Test
    void shouldRefuseAModelWhoseSha256DiffersFromTheManifest(@TempDir Path dir) throws Exception {
        ModelManifest committed = ModelManifest.load(ModelFixtures.COMMITTED);
        ModelManifest.Entry entry = committed.entries().get(0);
        Files.copy(ModelFixtures.COMMITTED.resolve(entry.file()), dir.resolve(entry.file()));
        String manifest = Files.readString(ModelFixtures.COMMITTED.resolve(ModelManifest.FILE_NAME))
                .replace(entry.sha256(), "0".repeat(64));
        Files.writeString(dir.resolve(ModelManifest.FILE_NAME), manifest);
        try (ModelRegistry registry = ModelRegistry.open(dir, ExecutionProvider.CPU, 1)) {
            ModelIntegrityException e = assertThrows(ModelIntegrityException.class, () -> registry.model(entry.ion()));
            assertTrue(e.getMessage().contains("does not match"), e.getMessage());
        }
    }

    @Test
    void shouldNameTheModelsPresentWhenAnIonHasNone() throws Exception {
        try (ModelRegistry registry = ModelRegistry.open(ModelFixtures.COMMITTED, ExecutionProvider.CPU, 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.model("Fe7+"));
            assertTrue(e.getMessage().contains("'Fe7+'") && e.getMessage().contains(registry.ions().get(0)),
                    e.getMessage());
        }
    }

    @Test
    void autoFallsBackToCpuAndCudaFailsFastWithoutGpu() throws Exception {
        ModelManifest.Entry entry = ModelManifest.load(ModelFixtures.COMMITTED).entries().get(0);
        Path file = ModelFixtures.COMMITTED.resolve(entry.file());
        try (SpectrumModel model = SpectrumModel.open(file, entry.sha256(), ExecutionProvider.AUTO, 1)) {
            assertEquals(ExecutionProvider.CPU, model.providerInUse());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> SpectrumModel.open(file, entry.sha256(), ExecutionProvider.CUDA, 1));
        assertTrue(e.getMessage().contains("cuda"), e.getMessage());
    }

    @Test
    void aLargeBatchRunInCpuSlicesEqualsRowByRowPrediction() throws Exception {
        try (ModelRegistry registry = ModelRegistry.open(ModelFixtures.COMMITTED, ExecutionProvider.CPU, 1)) {
            SpectrumModel model = registry.model(registry.ions().get(0));
            int rows = SpectrumModel.CPU_CHUNK_ROWS * 2 + 37;
            float[] params = inDomain(model, rows, 3);
            float[] all = model.predict(params, rows);
            int channels = model.metadata().channels();
            for (int r : new int[] {0, SpectrumModel.CPU_CHUNK_ROWS - 1, SpectrumModel.CPU_CHUNK_ROWS, rows - 1}) {
                float[] one = model.predict(java.util.Arrays.copyOfRange(params, r * SpectrumModel.PARAMETERS,
                        (r + 1) * SpectrumModel.PARAMETERS), 1);
                for (int c = 0; c < channels; c++) {
                    assertEquals(one[c], all[r * channels + c], 1e-5, "row " + r + " channel " + c);
                }
            }
        }
    }

    /** Slices run side by side give the same numbers, in the same rows, as slices run one after another. */
    @Test
    void slicesRunInParallelEqualSlicesRunInTurn() throws Exception {
        ModelManifest manifest = ModelManifest.load(ModelFixtures.COMMITTED);
        ModelManifest.Entry entry = manifest.entries().get(0);
        Path file = ModelFixtures.COMMITTED.resolve(entry.file());
        try (SpectrumModel inTurn = SpectrumModel.open(file, entry.sha256(), ExecutionProvider.CPU, 1);
             SpectrumModel parallel = SpectrumModel.open(file, entry.sha256(),
                     new SessionSettings(ExecutionProvider.CPU, 1, 3, 0, 0L))) {
            int rows = SpectrumModel.CPU_CHUNK_ROWS * 5 + 11;
            float[] params = inDomain(inTurn, rows, 5);
            SpectrumModel.Prediction expected = inTurn.predictWithUncertainty(params, rows);
            SpectrumModel.Prediction actual = parallel.predictWithUncertainty(params, rows);
            assertArrayEquals(expected.spectra(), actual.spectra());
            assertArrayEquals(expected.predictedSe(), actual.predictedSe());
        }
    }

    @Test
    void shouldRejectAnUnknownExecutionProvider() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExecutionProvider.parse("tpu"));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("cuda"), e.getMessage());
    }

    /** {@code rows} parameter rows drawn uniformly from the model's trained box. */
    private static float[] inDomain(SpectrumModel model, int rows, long seed) {
        float[] params = new float[rows * SpectrumModel.PARAMETERS];
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        double[] lo = model.metadata().domainMin();
        double[] hi = model.metadata().domainMax();
        for (int i = 0; i < params.length; i++) {
            int d = i % SpectrumModel.PARAMETERS;
            params[i] = (float) (lo[d] + (hi[d] - lo[d]) * random.nextDouble());
        }
        return params;
    }
}
