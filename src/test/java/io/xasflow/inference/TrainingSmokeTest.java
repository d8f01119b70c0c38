package io.xasflow.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.dataset.DatasetGenerator;
import io.xasflow.dataset.ParameterDomain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole training path on a tiny scale: engine shards → training/train.py (1 epoch) → training/export_onnx.py →
 * the Java registry loads the model, checks its sha256 and reproduces PyTorch's outputs.
 */
class TrainingSmokeTest {
    private static final String PYTHON = System.getenv().getOrDefault("XASFLOW_PYTHON", "/usr/bin/python3");

    @Test
    void engineDataTrainsExportsAndRunsInJava(@TempDir Path dir) throws Exception {
        Path train = dir.resolve("train");
        DatasetGenerator.generate(new DatasetGenerator.Request("Ni2+", 600, 7, ParameterDomain.EXTENDED, train, 300,
                2), done -> { });
        python(dir, "training/train.py", "--name", "smoke", "--runs-dir", dir.resolve("runs").toString(),
                "--train-dir", train.toString(), "--arch", "voigt-mlp", "--hidden", "[32, 32]", "--epochs", "1",
                "--batch-size", "64");
        python(dir, "training/export_onnx.py", "--run", dir.resolve("runs/smoke").toString(),
                "--out", dir.resolve("models").toString());
        try (ModelRegistry registry = ModelRegistry.open(dir.resolve("models"), ExecutionProvider.CPU, 2)) {
            assertEquals(List.of("Ni2+"), registry.ions());
            ModelFixtures.assertParity(registry, registry.manifest().entries().get(0));
            ModelMetadata meta = registry.model("Ni2+").metadata();
            assertEquals("voigt-mlp", meta.architecture());
            assertEquals(-0.2, meta.domainMin()[0], 1e-9);
            assertTrue(meta.inDomain(new float[] {0.1f, 0, 0, 0.8f, 0.8f, 300, 0.1f, 0.4f, 0.8f}, 0));
            assertTrue(!meta.inDomain(new float[] {0.5f, 0, 0, 0.8f, 0.8f, 300, 0.1f, 0.4f, 0.8f}, 0));
        }
    }

    private static void python(Path dir, String script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(PYTHON, script));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("python.log").toFile()).start();
        boolean finished = process.waitFor(5, TimeUnit.MINUTES);
        String log = java.nio.file.Files.readString(dir.resolve("python.log"), StandardCharsets.UTF_8);
        if (!finished) {
            process.destroyForcibly();
        }
        assertTrue(finished && process.exitValue() == 0, String.join(" ", command) + " failed:\n" + log);
    }
}
