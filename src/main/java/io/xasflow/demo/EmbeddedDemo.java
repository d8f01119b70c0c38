package io.xasflow.demo;

import io.xasflow.avro.ScanSummary;
import io.xasflow.inference.ModelManifest;
import io.xasflow.metrics.MetricsServer;
import io.xasflow.registry.EmbeddedSchemaRegistry;
import io.xasflow.registry.SchemaRegistryClient;
import io.xasflow.simulate.ScanSimulator;
import io.xasflow.simulate.SyntheticSample;
import io.xasflow.stream.EmbeddedKafka;
import io.xasflow.stream.StreamConfig;
import io.xasflow.stream.XasflowProcessor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The README's main job on an embedded default: an in-process KRaft broker and schema registry, the processor with
 * the committed models, and a simulated scan; waits until a read_committed consumer has the scan summary and every
 * spectrum and flag, then writes maps of the scan.
 */
public final class EmbeddedDemo {
    private static final Logger LOG = Logger.getLogger(EmbeddedDemo.class.getName());

    /** What the demo is asked to do. */
    public record Options(int width, int height, double pixelsPerSecond, int partitions, Path modelsDir, Path outDir,
                          Duration timeout, long seed, int metricsPort, String servingMode,
                          Map<String, String> overrides, int scans, int warmupScans) {
        public Options {
            if (scans <= 0) {
                throw new IllegalArgumentException("scans=" + scans + " must be > 0");
            }
            if (warmupScans < 0) {
                throw new IllegalArgumentException("warmupScans=" + warmupScans + " must be ≥ 0");
            }
        }
    }

    /**
     * What a consumer of the outputs saw.
     *
     * @param fastPathSeconds first pixel published → a spectrum and a flag seen for every pixel (the fast path)
     * @param seconds         first pixel published → every scan's summary seen as well (a summary waits for its
     *                        scan's audits)
     * @param auditSe         measured SE of every audited pixel of the timed scans
     */
    public record Result(long pixels, long spectra, long flags, long rejected, long outliers, long distinctSpectra,
                         long distinctFlags, List<ScanSummary> summaries, double fastPathSeconds, double seconds,
                         List<Double> auditSe, List<Path> images) {
        public double pixelsPerSecond() {
            return seconds > 0 ? pixels / seconds : 0;
        }

        public double fastPathPixelsPerSecond() {
            return fastPathSeconds > 0 ? pixels / fastPathSeconds : 0;
        }

        /** Median measured SE over all audited pixels, or null when none was audited. */
        public Double auditSeMedian() {
            if (auditSe.isEmpty()) {
                return null;
            }
            List<Double> sorted = auditSe.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

        public String json() {
            long audited = summaries.stream().mapToLong(ScanSummary::getAuditedPixels).sum();
            long mismatches = summaries.stream().mapToLong(ScanSummary::getAuditMismatches).sum();
            long engine = summaries.stream().mapToLong(ScanSummary::getEngineSpectra).sum();
            Double median = auditSeMedian();
            return String.format(Locale.ROOT, "{\"pixels\": %d, \"spectra\": %d, \"flags\": %d, \"rejected\": %d, "
                    + "\"outliers\": %d, \"engine_spectra\": %d, \"audited\": %d, \"audit_mismatches\": %d, "
                    + "\"audit_se_median\": %s, \"scans\": %d, \"fast_path_seconds\": %.2f, "
                    + "\"fast_path_pixels_per_second\": %.1f, \"seconds\": %.2f, \"pixels_per_second\": %.1f}",
                    pixels, spectra, flags, rejected, outliers, engine, audited, mismatches,
                    median == null ? "null" : String.format(Locale.ROOT, "%.4f", median), summaries.size(),
                    fastPathSeconds, fastPathPixelsPerSecond(), seconds, pixelsPerSecond());
        }
    }

    private EmbeddedDemo() {}

    public static Result run(Options o) throws Exception {
        Path work = Files.createTempDirectory("xasflow-demo-");
        List<String> ions = ModelManifest.load(o.modelsDir()).ions();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
             EmbeddedSchemaRegistry registryServer = EmbeddedSchemaRegistry.start(0, null)) {
            Map<String, Object> settings = new HashMap<>();
            settings.put(StreamConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            settings.put(StreamConfig.SCHEMA_REGISTRY_URL, registryServer.url());
            settings.put(StreamConfig.MODELS_DIR, o.modelsDir().toString());
            settings.put(StreamConfig.STATE_DIR, work.resolve("state").toString());
            settings.put(StreamConfig.APPLICATION_ID, "xasflow-demo");
            settings.put(StreamConfig.METRICS_PORT, o.metricsPort());
            settings.put(StreamConfig.SERVING_MODE, o.servingMode());
            settings.putAll(o.overrides());
            StreamConfig config = new StreamConfig(settings);
            List<String> outputs = List.of(config.getString(StreamConfig.TOPIC_SPECTRA),
                    config.getString(StreamConfig.TOPIC_FLAGS), config.getString(StreamConfig.TOPIC_REJECTED),
                    config.getString(StreamConfig.TOPIC_SCANS));
            kafka.createTopics(List.of(config.getString(StreamConfig.TOPIC_PIXELS)), o.partitions());
            kafka.createTopics(outputs, o.partitions());
            kafka.createTopics(List.of(config.getString(StreamConfig.TOPIC_AUDIT)), o.partitions());
            List<String> collected = new ArrayList<>(outputs);
            collected.add(config.getString(StreamConfig.TOPIC_AUDIT));
            SchemaRegistryClient registry = new SchemaRegistryClient(registryServer.url(), null);
            List<SyntheticSample> warmup = scans(o, ions, "warmup-" + o.seed(), o.warmupScans(), 1000);
            List<SyntheticSample> samples = scans(o, ions, "demo-" + o.seed(), o.scans(), 0);
            SyntheticSample sample = samples.get(0);
            long pixels = (long) o.scans() * sample.pixels();
            try (XasflowProcessor processor = new XasflowProcessor(config);
                 OutputCollector collector = new OutputCollector(kafka.bootstrapServers(), registry, collected,
                         o.outDir() != null ? sample.scanId() : null)) {
                processor.start();
                if (processor.metricsPort() >= 0) {
                    LOG.info("processor metrics: http://localhost:" + processor.metricsPort() + MetricsServer.PATH);
                }
                waitForRunning(processor, Duration.ofSeconds(60));
                long deadline = System.nanoTime() + o.timeout().toNanos();
                if (!warmup.isEmpty()) {
                    // A processor that has been running for a while: classes loaded, code compiled, sessions warm.
                    LOG.info("warming up with " + warmup.size() + " untimed scan(s)");
                    CompletableFuture<Long> warmupFeed = publish(warmup, kafka, registry, config, o);
                    awaitPixels(collector, warmupFeed, (long) warmup.size() * sample.pixels(), deadline, o.timeout());
                    awaitSummaries(collector, warmup.size(), deadline, o.timeout());
                    collector.reset();
                }
                long start = System.nanoTime();
                LOG.info("simulating " + o.scans() + " " + o.width() + "×" + o.height() + " scan(s) of " + ions + " at "
                        + (o.pixelsPerSecond() > 0 ? o.pixelsPerSecond() + " pixels/s" : "full speed"));
                CompletableFuture<Long> feed = publish(samples, kafka, registry, config, o);
                awaitPixels(collector, feed, pixels, deadline, o.timeout());
                double fastPathSeconds = (System.nanoTime() - start) / 1e9;
                awaitSummaries(collector, o.scans(), deadline, o.timeout());
                double seconds = (System.nanoTime() - start) / 1e9;
                collector.poll(Duration.ofMillis(500));  // anything beyond the expected counts would be a duplicate
                List<Path> images = List.of();
                if (o.outDir() != null) {
                    Files.createDirectories(o.outDir());
                    images = ScanImages.write(o.outDir(), sample.scanId(), o.width(), o.height(),
                            collector.spectraByPixel, collector.flagsByPixel);
                }
                return new Result(feed.get(), collector.spectraCount(), collector.flagsCount(),
                        collector.rejectedCount(), collector.outlierCount, collector.distinctSpectrumPixels(),
                        collector.distinctFlagPixels(), List.copyOf(collector.scanSummaries()), fastPathSeconds,
                        seconds, List.copyOf(collector.auditSe()), images);
            }
        }
    }

    /** {@code count} scans, one sample each, back to back (sustained-rate runs); seeds from {@code seedOffset}. */
    private static List<SyntheticSample> scans(Options o, List<String> ions, String prefix, int count,
            long seedOffset) {
        List<SyntheticSample> samples = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            samples.add(new SyntheticSample(prefix + (count == 1 ? "" : "-" + (k + 1)), o.width(), o.height(), ions,
                    o.seed() + seedOffset + k, System.currentTimeMillis()));
        }
        return samples;
    }

    private static CompletableFuture<Long> publish(List<SyntheticSample> scans, EmbeddedKafka kafka,
            SchemaRegistryClient registry, StreamConfig config, Options o) {
        return CompletableFuture.supplyAsync(() -> scans.stream().mapToLong(scan -> ScanSimulator.publish(scan,
                kafka.bootstrapServers(), registry, config.getString(StreamConfig.TOPIC_PIXELS), o.pixelsPerSecond(),
                Map.of())).sum());
    }

    /** Polls until a spectrum and a flag (or a rejection) for each pixel are in: the fast path is done. */
    private static void awaitPixels(OutputCollector collector, CompletableFuture<Long> feed, long pixels,
            long deadline, Duration timeout) {
        awaitCollector(collector, () -> feed.isDone()
                && collector.distinctSpectrumPixels() + collector.rejectedCount() >= pixels
                && collector.distinctFlagPixels() + collector.rejectedCount() >= pixels, deadline, timeout,
                "a spectrum and a flag for each of " + pixels + " pixels");
    }

    /** Polls until every scan's summary is in (a summary waits for its scan's audits). */
    private static void awaitSummaries(OutputCollector collector, int scans, long deadline, Duration timeout) {
        awaitCollector(collector, () -> collector.scanSummaries().size() >= scans, deadline, timeout,
                scans + " scan summaries");
    }

    private static void awaitCollector(OutputCollector collector, BooleanSupplier done,
            long deadline, Duration timeout, String awaited) {
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("demo timed out after " + timeout + ": " + collector.spectraCount()
                        + " spectra, " + collector.flagsCount() + " flags, " + collector.scanSummaries().size()
                        + " summaries while waiting for " + awaited);
            }
            collector.poll(Duration.ofMillis(50));
        }
    }

    private static void waitForRunning(XasflowProcessor processor, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processor.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || processor.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("stream processor not running after " + timeout + ": " + processor.state());
            }
            Thread.sleep(100);
        }
    }
}
