package io.xasflow.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.ChildJvm;
import io.xasflow.demo.OutputCollector;
import io.xasflow.registry.EmbeddedSchemaRegistry;
import io.xasflow.registry.SchemaRegistryClient;
import io.xasflow.simulate.ScanSimulator;
import io.xasflow.simulate.SyntheticSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The processor runs in its own JVM and is killed with SIGKILL in the middle of a scan, then restarted: a
 * read_committed consumer still sees exactly one spectrum and one flag per pixel and one summary (exactly_once_v2
 * plus the changelogged batch buffer).
 */
class ProcessorCrashTest {
    private static final int WIDTH = 100;
    private static final int HEIGHT = 100;

    @TempDir
    Path dir;

    @Test
    void aProcessorKilledMidScanLosesAndDuplicatesNothing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
             EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(0, null)) {
            List<String> outputs = List.of("xas.spectra", "xas.flags", "xas.rejected", "xas.scans");
            kafka.createTopics(List.of("xas.pixels"), 4);
            kafka.createTopics(outputs, 4);
            Path config = dir.resolve("processor.properties");
            Files.writeString(config, String.join("\n",
                    "bootstrap.servers=" + kafka.bootstrapServers(),
                    "schema.registry.url=" + registryServer.url(),
                    "application.id=xasflow-crash-test",
                    "models.dir=" + Path.of("models-onnx").toAbsolutePath(),
                    "state.dir=" + dir.resolve("state"),
                    "batch.max.records=64",
                    "num.stream.threads=1",
                    "metrics.port=0",
                    "kafka.session.timeout.ms=6000",
                    "kafka.heartbeat.interval.ms=1000"));
            SchemaRegistryClient registry = new SchemaRegistryClient(registryServer.url(), null);
            SyntheticSample sample = new SyntheticSample("crash-scan", WIDTH, HEIGHT, List.of("Ni2+"), 5,
                    System.currentTimeMillis());
            assertEquals(WIDTH * HEIGHT, ScanSimulator.publish(sample, kafka.bootstrapServers(), registry,
                    "xas.pixels", 0, Map.of()));

            try (OutputCollector collector = new OutputCollector(kafka.bootstrapServers(), registry, outputs, null)) {
                Process first = startProcessor(config, dir.resolve("first.log"));
                long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
                while (collector.spectraCount() < 1500) {
                    assertTrue(System.nanoTime() < deadline && first.isAlive(),
                            "first processor made no progress:\n" + Files.readString(dir.resolve("first.log")));
                    collector.poll(Duration.ofMillis(100));
                }
                first.destroyForcibly().waitFor();  // SIGKILL: no shutdown hook, no commit
                long seenAtKill = collector.spectraCount();
                assertTrue(seenAtKill < WIDTH * HEIGHT, "killed before the scan was done (" + seenAtKill + ")");

                Process second = startProcessor(config, dir.resolve("second.log"));
                try {
                    deadline = System.nanoTime() + Duration.ofMinutes(6).toNanos();
                    while (collector.scanSummaries().isEmpty() || collector.distinctSpectrumPixels() < WIDTH * HEIGHT
                            || collector.distinctFlagPixels() < WIDTH * HEIGHT) {
                        assertTrue(System.nanoTime() < deadline && second.isAlive(), "restarted processor stalled at "
                                + collector.spectraCount() + " spectra:\n" + Files.readString(dir.resolve("second.log")));
                        collector.poll(Duration.ofMillis(200));
                    }
                    collector.poll(Duration.ofSeconds(3));  // duplicates, if any, would arrive now
                } finally {
                    second.destroy();
                    second.waitFor();
                }
                assertEquals(WIDTH * HEIGHT, collector.spectraCount(), "spectra records (killed at " + seenAtKill + ")");
                assertEquals(WIDTH * HEIGHT, collector.flagsCount(), "flag records");
                assertEquals(1, collector.scanSummaries().size(), "scan summaries");
                assertEquals(WIDTH * HEIGHT, collector.scanSummaries().get(0).getPixels());
            }
        }
    }

    private static Process startProcessor(Path config, Path log) throws Exception {
        return ChildJvm.xasflow(log, "run", "--config", config.toString());
    }
}
