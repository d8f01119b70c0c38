package io.xasflow.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.avro.PixelAudit;
import io.xasflow.avro.PixelFlag;
import io.xasflow.avro.PixelParameters;
import io.xasflow.avro.PixelSpectrum;
import io.xasflow.avro.RejectedRecord;
import io.xasflow.avro.ScanSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.xasflow.inference.ExecutionProvider;
import io.xasflow.avro.SpectrumSource;
import io.xasflow.metrics.ProcessorMetrics;
import io.xasflow.quality.AuditLane;
import io.xasflow.quality.ExactEngine;
import io.xasflow.quality.ServingMode;
import io.xasflow.inference.ModelManifest;
import io.xasflow.inference.ModelRegistry;
import io.xasflow.quality.FlaggedPredictor;
import io.xasflow.registry.AvroSerde;
import io.xasflow.registry.EmbeddedSchemaRegistry;
import io.xasflow.registry.SchemaRegistryClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped topology (buildTopology) with a committed model and a real (embedded) schema registry. The models folder
 * holds the Ni2+ model alone, so that other ions stand for ions without a model whatever the committed set.
 */
class TopologyTest {
    private static EmbeddedSchemaRegistry registryServer;
    private static SchemaRegistryClient registry;
    private static ModelRegistry models;
    private static String ion;

    @TempDir
    static Path modelsDir;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private ProcessorMetrics metrics;
    private TestInputTopic<byte[], byte[]> pixels;
    private TestOutputTopic<String, PixelSpectrum> spectra;
    private TestOutputTopic<String, PixelFlag> flags;
    private TestOutputTopic<String, RejectedRecord> rejected;
    private TestOutputTopic<String, ScanSummary> scans;
    private TestOutputTopic<String, PixelAudit> audits;
    private final Serializer<PixelParameters> pixelSerializer =
            AvroSerde.<PixelParameters>forValues(registry, PixelParameters.getClassSchema()).serializer();

    @BeforeAll
    static void startRegistry() throws Exception {
        registryServer = EmbeddedSchemaRegistry.start(0, null);
        registry = new SchemaRegistryClient(registryServer.url(), null);
        ion = "Ni2+";  // the most accurate committed model: its flags trust the in-domain test pixels
        models = ModelRegistry.open(oneModel(Path.of("models-onnx"), ion, modelsDir), ExecutionProvider.CPU, 1);
    }

    /** A models folder with {@code ion}'s committed model and a manifest that lists it alone. */
    private static Path oneModel(Path committed, String ion, Path dir) throws Exception {
        ObjectMapper json = new ObjectMapper();
        ObjectNode manifest = (ObjectNode) json.readTree(committed.resolve(ModelManifest.FILE_NAME).toFile());
        ArrayNode kept = json.createArrayNode();
        for (JsonNode m : manifest.path("models")) {
            if (m.path("ion").asText().equals(ion)) {
                kept.add(m);
                Files.copy(committed.resolve(m.path("file").asText()), dir.resolve(m.path("file").asText()));
            }
        }
        manifest.set("models", kept);
        json.writeValue(dir.resolve(ModelManifest.FILE_NAME).toFile(), manifest);
        return dir;
    }

    @AfterAll
    static void stopRegistry() {
        models.close();
        registryServer.close();
    }

    private void start(int batchMax, long lingerMs) {
        start(batchMax, lingerMs, new FlaggedPredictor(models, 0.5), null);
    }

    private void start(int batchMax, long lingerMs, FlaggedPredictor predictor, AuditLane lane) {
        StreamConfig config = new StreamConfig(Map.of(StreamConfig.BATCH_MAX_RECORDS, batchMax,
                StreamConfig.BATCH_LINGER_MS, lingerMs, StreamConfig.STATE_DIR, stateDir.toString(),
                StreamConfig.SCHEMA_REGISTRY_URL, registryServer.url(), StreamConfig.AUDIT_MAX_WAIT_MS, 60_000L));
        Properties props = config.streamsProperties();
        metrics = ProcessorMetrics.inMemory();
        driver = new TopologyTestDriver(XasflowTopology.buildTopology(config, registry, predictor, lane, metrics),
                props, Instant.ofEpochMilli(0));
        pixels = driver.createInputTopic("xas.pixels", Serdes.ByteArray().serializer(), Serdes.ByteArray().serializer());
        spectra = driver.createOutputTopic("xas.spectra", Serdes.String().deserializer(),
                AvroSerde.<PixelSpectrum>forValues(registry, PixelSpectrum.getClassSchema()).deserializer());
        flags = driver.createOutputTopic("xas.flags", Serdes.String().deserializer(),
                AvroSerde.<PixelFlag>forValues(registry, PixelFlag.getClassSchema()).deserializer());
        rejected = driver.createOutputTopic("xas.rejected", Serdes.String().deserializer(),
                AvroSerde.<RejectedRecord>forValues(registry, RejectedRecord.getClassSchema()).deserializer());
        scans = driver.createOutputTopic("xas.scans", Serdes.String().deserializer(),
                AvroSerde.<ScanSummary>forValues(registry, ScanSummary.getClassSchema()).deserializer());
        audits = driver.createOutputTopic("xas.audit", Serdes.String().deserializer(),
                AvroSerde.<PixelAudit>forValues(registry, PixelAudit.getClassSchema()).deserializer());
    }

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private static PixelParameters.Builder pixel(String scan, int x, int y, int width, int height) {
        return PixelParameters.newBuilder().setScanId(scan).setX(x).setY(y).setWidth(width).setHeight(height)
                .setIon(ion).setDq(0.05 + 0.01 * x).setDs(0.1 * y).setDt(0.05).setS1(0.8).setS2(0.8)
                .setTemperatureK(300).setSigmaGEv(0.1).setGamma1Ev(0.4).setGamma2Ev(0.8)
                .setAcquiredAt(Instant.ofEpochMilli(1_000L + x + 100L * y));
    }

    private void send(PixelParameters p) {
        pixels.pipeInput(p.getScanId().getBytes(), pixelSerializer.serialize("xas.pixels", p));
    }

    @Test
    void shouldFlushBatchWhenItReachesBatchMaxRecords() {
        start(4, 60_000);
        for (int x = 0; x < 3; x++) {
            send(pixel("s", x, 0, 10, 10).build());
        }
        assertTrue(spectra.isEmpty(), "three pixels wait for the fourth");
        send(pixel("s", 3, 0, 10, 10).build());
        List<PixelSpectrum> out = spectra.readValuesToList();
        assertEquals(4, out.size());
        assertEquals(4, flags.readValuesToList().size());
        PixelSpectrum first = out.get(0);
        assertEquals(501, first.getIntensities().size());
        assertEquals(501, first.getChannels());
        assertEquals("cpu", first.getExecutionProvider());
        assertTrue(first.getModelId().startsWith(ion + ".onnx@"));
        assertEquals(1.0f, first.getIntensities().stream().max(Float::compare).orElseThrow(), 1e-3f);
        MeterRegistry meters = metrics.registry();
        assertEquals(4.0, meters.get("xasflow.pixels.in").counter().count());
        assertEquals(4.0, meters.get("xasflow.spectra.out").counter().count());
        assertEquals(1L, meters.get("xasflow.batch.size").summary().count());
        assertEquals(4.0, meters.get("xasflow.batch.size").summary().max());
        assertEquals(1L, meters.get("xasflow.inference.latency").tag("ion", ion).timer().count());
    }

    /** Buffer keys sort in arrival order: the sequence is zero-padded exactly like %019d. */
    @Test
    void bufferKeysArePaddedToNineteenDigits() {
        for (long sequence : new long[] {0, 7, 42_000, 1_234_567_890_123L, Long.MAX_VALUE}) {
            assertEquals("Ni2+|" + String.format("%019d", sequence), PixelBatcher.bufferKey("Ni2+", sequence));
        }
    }

    @Test
    void shouldFlushBatchWhenLingerElapses() {
        start(1000, 50);
        send(pixel("s", 0, 0, 10, 10).build());
        send(pixel("s", 1, 0, 10, 10).build());
        assertTrue(spectra.isEmpty());
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertEquals(2, spectra.readValuesToList().size());
        assertEquals(2, flags.readValuesToList().size());
    }

    @Test
    void badInputGoesToRejectedWithItsBytesAndTheProcessorKeepsRunning() {
        start(1, 60_000);
        byte[] garbage = {'n', 'o', 't', ' ', 'a', 'v', 'r', 'o'};
        pixels.pipeInput("k".getBytes(), garbage);
        send(pixel("s", 0, 0, 10, 10).setIon("Fe7+").build());
        send(pixel("s", 1, 0, 10, 10).setGamma1Ev(Double.NaN).build());
        send(pixel("s", 2, 0, 10, 10).setTemperatureK(-3).build());
        send(pixel("s", 10, 0, 10, 10).build());
        String noModel = io.xasflow.physics.AtomicDataTable.ionKeys().stream().filter(i -> !models.hasModel(i))
                .findFirst().orElseThrow();
        send(pixel("s", 3, 0, 10, 10).setIon(noModel).build());
        send(pixel("s", 4, 0, 10, 10).build());

        List<RejectedRecord> out = rejected.readValuesToList();
        assertEquals(List.of("UNDESERIALISABLE", "UNKNOWN_ION", "INVALID_PARAMETER", "INVALID_PARAMETER",
                "OUTSIDE_SCAN", "NO_MODEL"), out.stream().map(RejectedRecord::getReasonCode).toList());
        byte[] kept = new byte[out.get(0).getValue().remaining()];
        out.get(0).getValue().get(kept);
        assertArrayEquals(garbage, kept, "original bytes kept");
        assertEquals("xas.pixels", out.get(0).getTopic());
        assertEquals(0L, out.get(0).getOffset());
        assertTrue(out.get(1).getReason().contains("'Fe7+'"), out.get(1).getReason());
        assertTrue(out.get(2).getReason().contains("gamma1_ev"), out.get(2).getReason());
        assertTrue(out.get(3).getReason().contains("-3"), out.get(3).getReason());
        assertTrue(out.get(5).getReason().contains(noModel) && out.get(5).getReason().contains(ion));
        assertEquals(1, spectra.readValuesToList().size(), "the valid pixel after the bad ones is processed");
        MeterRegistry meters = metrics.registry();
        assertEquals(2.0, meters.get("xasflow.rejected").tag("reason", "INVALID_PARAMETER").counter().count());
        assertEquals(1.0, meters.get("xasflow.rejected").tag("reason", "NO_MODEL").counter().count());
        assertEquals(7.0, meters.get("xasflow.pixels.in").counter().count());
    }

    @Test
    void aScanCompletesOnceWithRejectedPixelsCountedAndDuplicatesIgnored() {
        start(4, 50);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                PixelParameters.Builder p = pixel("scan-7", x, y, 3, 2);
                send((x == 1 && y == 1 ? p.setS1(Double.NaN) : p).build());
            }
        }
        send(pixel("scan-7", 0, 0, 3, 2).build());  // a re-sent pixel
        driver.advanceWallClockTime(Duration.ofMillis(100));
        assertEquals(6, spectra.readValuesToList().size(), "5 valid pixels + the re-sent one");
        List<ScanSummary> summaries = scans.readValuesToList();
        assertEquals(1, summaries.size());
        ScanSummary s = summaries.get(0);
        assertEquals("scan-7", s.getScanId());
        assertEquals(5, s.getPixels());
        assertEquals(1, s.getRejected());
        assertEquals(Map.of(ion, 5L), s.getPixelsByIon());
        assertEquals(1000L, s.getFirstAcquiredAt().toEpochMilli());
        assertEquals(1.0, metrics.registry().get("xasflow.scans.completed").counter().count());
    }

    @Test
    void auditedPixelsArePublishedWithTheirMeasuredSeAndTheSummaryWaitsForThem() throws Exception {
        try (AuditLane lane = new AuditLane(1.0, 1, 64)) {  // audit every pixel
            start(8, 50, new FlaggedPredictor(models, 0.5), lane);
            for (int x = 0; x < 3; x++) {
                for (int y = 0; y < 2; y++) {
                    send(pixel("audited", x, y, 3, 2).build());
                }
            }
            driver.advanceWallClockTime(Duration.ofMillis(100));
            assertEquals(6, spectra.readValuesToList().size());
            List<PixelAudit> out = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (out.size() < 6 && System.nanoTime() < deadline) {
                Thread.sleep(20);
                driver.advanceWallClockTime(Duration.ofMillis(20));  // the tick drains the lane's results
                out.addAll(audits.readValuesToList());
            }
            assertEquals(6, out.size(), "one audit per pixel");
            for (PixelAudit a : out) {
                assertEquals("SAMPLE", a.getReason());
                assertEquals(501, a.getExactIntensities().size());
                assertTrue(a.getMeasuredSe() >= 0 && a.getMeasuredSe() < 1, "measured SE " + a.getMeasuredSe());
                float[] p = {(float) (0.05 + 0.01 * a.getX()), (float) (0.1 * a.getY()), 0.05f, 0.8f, 0.8f, 300, 0.1f,
                        0.4f, 0.8f};
                double[] exact = ExactEngine.compute(ion, p, 0).normalised();
                assertEquals(exact[250], a.getExactIntensities().get(250), 1e-6, "the engine's own spectrum");
            }
            List<ScanSummary> summaries = scans.readValuesToList();
            assertEquals(1, summaries.size(), "published once every audit is back");
            ScanSummary s = summaries.get(0);
            assertEquals(6, s.getAuditedPixels());
            assertEquals(6, s.getSampleAuditedPixels());
            double maxSe = out.stream().mapToDouble(PixelAudit::getMeasuredSe).max().orElseThrow();
            assertEquals(maxSe, s.getAuditSeMax(), 1e-6);
            assertEquals(out.stream().filter(PixelAudit::getMismatch).count(), s.getAuditMismatches());
            assertEquals(6L, metrics.registry().get("xasflow.audit.spectral.error").summary().count());
        }
    }

    /**
     * A pixel the scorer already checked against the engine (outside the trained box) is audited with that spectrum:
     * the lane here takes no work at all, yet the audit arrives, with the SE the flag carries.
     */
    @Test
    void aPixelCheckedWhileScoringIsAuditedWithoutRecomputingIt() throws Exception {
        try (ExactEngine engine = new ExactEngine(1); AuditLane lane = new AuditLane(0.0, 1, 1)) {
            lane.close();  // every request the lane would have to compute is skipped
            start(4, 50, new FlaggedPredictor(models, FlaggedPredictor.USE_MODEL_THRESHOLD, ServingMode.NETWORK,
                    engine, true), lane);
            send(pixel("m", 0, 0, 1, 1).setDq(0.9).build());  // Dq 4.5 × the trained bound: the network is off
            driver.advanceWallClockTime(Duration.ofMillis(100));
            PixelFlag flag = flags.readValue();
            assertTrue(flag.getOutlier() && flag.getReasons().contains("AUDIT_MISMATCH"), flag.toString());
            PixelAudit audit = audits.readValue();
            assertEquals("OUTLIER", audit.getReason());
            assertTrue(audit.getMismatch());
            assertEquals(flag.getPredictedSe(), audit.getMeasuredSe(), 1e-12, "the SE the flag was made from");
            float[] p = {0.9f, 0f, 0.05f, 0.8f, 0.8f, 300, 0.1f, 0.4f, 0.8f};
            double[] exact = ExactEngine.compute(ion, p, 0).normalised();
            for (int c = 0; c < exact.length; c++) {
                assertEquals(exact[c], audit.getExactIntensities().get(c), 1e-6, "channel " + c);
            }
            ScanSummary summary = scans.readValue();
            assertEquals(1, summary.getAuditedPixels());
            assertEquals(1, summary.getAuditMismatches());
        }
    }

    @Test
    void hybridServingSendsOutOfDomainPixelsThroughTheExactEngine() {
        try (ExactEngine engine = new ExactEngine(2)) {
            start(4, 50, new FlaggedPredictor(models, FlaggedPredictor.USE_MODEL_THRESHOLD, ServingMode.HYBRID,
                    engine, false), null);
            send(pixel("h", 0, 0, 2, 1).build());
            send(pixel("h", 1, 0, 2, 1).setS1(0.3).build());  // far below the trained S1 range
            driver.advanceWallClockTime(Duration.ofMillis(100));
            Map<Integer, PixelSpectrum> byX = new java.util.HashMap<>();
            spectra.readValuesToList().forEach(v -> byX.put(v.getX(), v));
            assertEquals(SpectrumSource.NETWORK, byX.get(0).getSource());
            PixelSpectrum doubted = byX.get(1);
            assertEquals(SpectrumSource.ENGINE, doubted.getSource());
            assertEquals(ExactEngine.MODEL_ID, doubted.getModelId());
            assertEquals("engine", doubted.getExecutionProvider());
            float[] p = {0.06f, 0f, 0.05f, 0.3f, 0.8f, 300, 0.1f, 0.4f, 0.8f};
            double[] exact = ExactEngine.compute(ion, p, 0).normalised();
            for (int c = 0; c < exact.length; c++) {
                assertEquals(exact[c], doubted.getIntensities().get(c), 1e-6, "channel " + c);
            }
            List<PixelFlag> flagged = flags.readValuesToList();
            // Whether the flags call it an outlier depends on the model's head (this one trusts it: true SE 7.1 %);
            // hybrid takes it from the engine either way, because it lies outside the trained box.
            assertTrue(flagged.stream().anyMatch(f -> f.getX() == 1 && f.getReasons().contains("OUT_OF_DOMAIN")));
            assertEquals(1, scans.readValuesToList().get(0).getEngineSpectra());
            assertEquals(1.0, metrics.registry().get("xasflow.engine.spectra").counter().count());
            assertEquals(1L, metrics.registry().get("xasflow.engine.batch.latency").timer().count(),
                    "the latency hybrid serving added is measured");
        }
    }

    @Test
    void exactServingComputesEveryPixelWithTheEngineEvenForAnIonWithoutAModel() {
        String noModel = io.xasflow.physics.AtomicDataTable.ionKeys().stream().filter(i -> !models.hasModel(i))
                .findFirst().orElseThrow();
        try (ExactEngine engine = new ExactEngine(2)) {
            start(4, 50, new FlaggedPredictor(models, 0.5, ServingMode.EXACT, engine, false), null);
            send(pixel("e", 0, 0, 1, 1).setIon(noModel).build());
            driver.advanceWallClockTime(Duration.ofMillis(100));
            PixelSpectrum out = spectra.readValue();
            assertEquals(SpectrumSource.ENGINE, out.getSource());
            assertEquals(noModel, out.getIon());
            assertTrue(rejected.isEmpty(), "served, not rejected for lack of a model");
            assertEquals(1.0f, out.getIntensities().stream().max(Float::compare).orElseThrow(), 1e-6f);
        }
    }
}
