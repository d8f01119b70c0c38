package io.xasflow.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.demo.OutputCollector;
import io.xasflow.registry.EmbeddedSchemaRegistry;
import io.xasflow.registry.SchemaRegistryClient;
import io.xasflow.simulate.ScanSimulator;
import io.xasflow.simulate.SyntheticSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processor instances with one application id share a scan: the second joins while the first is mid-scan, the
 * partitions are rebalanced between them, and a read_committed consumer still sees exactly one spectrum and one
 * flag per pixel and one summary. The scan's second half is published only once both instances run after the
 * rebalance, so on a slow machine the first cannot finish the scan before the second has joined.
 */
class TwoInstanceRebalanceTest {
    private static final int WIDTH = 100;
    private static final int HEIGHT = 100;

    @TempDir
    Path dir;

    @Test
    void twoInstancesShareAScanAcrossARebalanceAndProduceExactlyOneSpectrumPerPixel() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
             EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(0, null)) {
            List<String> outputs = List.of("xas.spectra", "xas.flags", "xas.rejected", "xas.scans");
            kafka.createTopics(List.of("xas.pixels"), 4);
            kafka.createTopics(outputs, 4);
            SchemaRegistryClient registry = new SchemaRegistryClient(registryServer.url(), null);
            SyntheticSample sample = new SyntheticSample("shared-scan", WIDTH, HEIGHT, List.of("Ni2+", "Co2+"), 3,
                    System.currentTimeMillis());
            try (XasflowProcessor first = new XasflowProcessor(config(kafka, registryServer, "a"));
                 OutputCollector collector = new OutputCollector(kafka.bootstrapServers(), registry, outputs, null)) {
                first.start();
                awaitRunning(first);
                CompletableFuture<Long> firstHalf = CompletableFuture.supplyAsync(() -> ScanSimulator.publishRows(
                        sample, 0, HEIGHT / 2, kafka.bootstrapServers(), registry, "xas.pixels", 1500, Map.of()));
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (collector.spectraCount() < 1000) {
                    assertTrue(System.nanoTime() < deadline, "the first instance made no progress");
                    collector.poll(Duration.ofMillis(100));
                }
                try (XasflowProcessor second = new XasflowProcessor(config(kafka, registryServer, "b"))) {
                    second.start();  // joins the group mid-scan: partitions move between the instances
                    awaitRunning(second);
                    awaitRunning(first);
                    CompletableFuture<Long> feed = firstHalf.thenApplyAsync(sent -> sent + ScanSimulator.publishRows(
                            sample, HEIGHT / 2, HEIGHT, kafka.bootstrapServers(), registry, "xas.pixels", 1500,
                            Map.of()));
                    deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                    while (!feed.isDone() || collector.scanSummaries().isEmpty()
                            || collector.distinctSpectrumPixels() < WIDTH * HEIGHT
                            || collector.distinctFlagPixels() < WIDTH * HEIGHT) {
                        assertTrue(System.nanoTime() < deadline, "stalled at " + collector.spectraCount() + " spectra");
                        collector.poll(Duration.ofMillis(200));
                    }
                    collector.poll(Duration.ofSeconds(3));  // duplicates, if any, would arrive now
                    assertEquals(WIDTH * HEIGHT, feed.get());
                    assertEquals(WIDTH * HEIGHT, collector.spectraCount(), "spectra records");
                    assertEquals(WIDTH * HEIGHT, collector.flagsCount(), "flag records");
                    assertEquals(1, collector.scanSummaries().size(), "scan summaries");
                    assertEquals(WIDTH * HEIGHT, collector.scanSummaries().get(0).getPixels());
                    double byFirst = spectraOut(first);
                    double bySecond = spectraOut(second);
                    assertTrue(byFirst > 0 && bySecond > 0, "both instances computed part of the scan: first "
                            + byFirst + ", second " + bySecond);
                }
            }
        }
    }

    private StreamConfig config(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, String instance) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(StreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.put(StreamConfig.SCHEMA_REGISTRY_URL, registry.url());
        settings.put(StreamConfig.APPLICATION_ID, "xasflow-rebalance-test");
        settings.put(StreamConfig.STATE_DIR, dir.resolve("state-" + instance).toString());
        settings.put(StreamConfig.STREAM_THREADS, 1);
        settings.put(StreamConfig.METRICS_PORT, -1);
        settings.put(StreamConfig.BATCH_MAX_RECORDS, 128);
        settings.put("kafka.session.timeout.ms", 6000);
        settings.put("kafka.heartbeat.interval.ms", 1000);
        return new StreamConfig(settings);
    }

    private static double spectraOut(XasflowProcessor processor) {
        return processor.metrics().registry().get("xasflow.spectra.out").counter().count();
    }

    private static void awaitRunning(XasflowProcessor processor) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (processor.state() != KafkaStreams.State.RUNNING) {
            assertTrue(System.nanoTime() < deadline, "processor not running: " + processor.state());
            Thread.sleep(100);
        }
    }
}
