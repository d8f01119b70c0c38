package io.xasflow.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.EnergyAxis;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Every committed model: Java ONNX Runtime equals PyTorch on 100 fresh inputs, and its metadata keeps the contract. */
class OnnxParityTest {

    @TestFactory
    List<DynamicTest> committedModelsMatchPyTorchAndDescribeThemselves() throws Exception {
        ModelRegistry registry = ModelRegistry.open(ModelFixtures.COMMITTED, ExecutionProvider.CPU, 2);
        assertFalse(registry.ions().isEmpty(), "models-onnx/manifest.json lists no model");
        return registry.manifest().entries().stream().map(entry -> DynamicTest.dynamicTest(entry.file(), () -> {
            ModelFixtures.assertParity(registry, entry);
            ModelMetadata meta = registry.model(entry.ion()).metadata();
            EnergyAxis axis = EnergyAxis.forEdge(AtomicDataTable.ion(entry.ion()).edgeL3Ev());
            assertEquals(entry.ion(), meta.ion());
            assertEquals(axis.startEv(), meta.energyStartEv(), 1e-9);
            assertEquals(axis.stepEv(), meta.energyStepEv(), 1e-12);
            assertEquals(EnergyAxis.CHANNELS, meta.channels());
            assertEquals(9, meta.domainMin().length);
            assertArrayEquals(new double[] {0.6, 0.6}, new double[] {meta.domainMin()[3], meta.domainMin()[4]}, 1e-9);
            assertTrue(meta.metrics().has("d4h"), entry.file() + " carries no D4h test metrics");
        })).toList();
    }
}
