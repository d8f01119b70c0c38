package io.xasflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The processor's own meters (Prometheus names in brackets): pixels in [xasflow_pixels_in_total], spectra and flags
 * out, outliers, rejects by reason code [xasflow_rejected_total{reason=…}], batch size and inference latency
 * histograms, the execution provider each ion's model runs on [xasflow_execution_provider{ion,provider} = 1], and
 * the exact-audit lane's backlog and measured SE. Thread-safe: every stream thread records into the same meters.
 */
public final class ProcessorMetrics {
    private final MeterRegistry registry;
    private final Counter pixelsIn;
    private final Counter spectraOut;
    private final Counter flagsOut;
    private final Counter outliers;
    private final Counter scansCompleted;
    private final DistributionSummary batchSize;
    private final AtomicInteger auditBacklog = new AtomicInteger();
    private final DistributionSummary auditSpectralError;
    private final Map<String, Timer> inferenceLatencyByIon = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> providerByIon = new ConcurrentHashMap<>();

    public ProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.pixelsIn = Counter.builder("xasflow.pixels.in").description("Pixel records read from the input topic")
                .register(registry);
        this.spectraOut = Counter.builder("xasflow.spectra.out").description("PixelSpectrum records published")
                .register(registry);
        this.flagsOut = Counter.builder("xasflow.flags.out").description("PixelFlag records published")
                .register(registry);
        this.outliers = Counter.builder("xasflow.outliers").description("Pixels whose flag says outlier")
                .register(registry);
        this.scansCompleted = Counter.builder("xasflow.scans.completed").description("Scan summaries published")
                .register(registry);
        this.batchSize = DistributionSummary.builder("xasflow.batch.size").baseUnit("pixels")
                .description("Pixels per micro-batch run through a network")
                .serviceLevelObjectives(1, 8, 32, 128, 256, 512, 1024, 2048, 4096).register(registry);
        Gauge.builder("xasflow.audit.backlog", auditBacklog, AtomicInteger::get)
                .description("Pixels waiting for the exact-engine audit").register(registry);
        this.auditSpectralError = DistributionSummary.builder("xasflow.audit.spectral.error")
                .description("Measured SE of audited network spectra against the exact engine")
                .serviceLevelObjectives(0.01, 0.03, 0.05, 0.1, 0.2).register(registry);
    }

    /** Meters kept in memory only (tests, and the offline commands). */
    public static ProcessorMetrics inMemory() {
        return new ProcessorMetrics(new SimpleMeterRegistry());
    }

    /** Meters in a Prometheus registry, for {@link MetricsServer}. */
    public static ProcessorMetrics prometheus() {
        return new ProcessorMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void pixelIn() {
        pixelsIn.increment();
    }

    public void rejected(String reasonCode) {
        Counter.builder("xasflow.rejected").description("Input records sent to the rejected topic, by reason code")
                .tag("reason", reasonCode).register(registry).increment();
    }

    /** One micro-batch of {@code ion} ran through its network in {@code nanos}. */
    public void batch(String ion, int pixels, long nanos) {
        batchSize.record(pixels);
        inferenceLatencyByIon.computeIfAbsent(ion, key -> Timer.builder("xasflow.inference.latency")
                .description("Network inference time per micro-batch").tag("ion", key)
                .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
                        Duration.ofSeconds(1))
                .register(registry)).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Engine time added to one micro-batch by hybrid or exact serving ({@code pixels} computed by the engine). */
    public void engineServed(String ion, int pixels, long nanos) {
        Counter.builder("xasflow.engine.spectra").description("Published spectra computed by the exact engine")
                .tag("ion", ion).register(registry).increment(pixels);
        Timer.builder("xasflow.engine.batch.latency").description("Engine time added to a micro-batch (hybrid, exact)")
                .tag("ion", ion).serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(25),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void published(int spectra, int flags, int outlierCount) {
        spectraOut.increment(spectra);
        flagsOut.increment(flags);
        outliers.increment(outlierCount);
    }

    public void scanCompleted() {
        scansCompleted.increment();
    }

    /** Records which execution provider {@code ion}'s model runs on (a gauge of 1 per ion and provider). */
    public void executionProvider(String ion, String provider) {
        providerByIon.computeIfAbsent(ion + "|" + provider, key -> {
            AtomicInteger one = new AtomicInteger(1);
            Gauge.builder("xasflow.execution.provider", one, AtomicInteger::get)
                    .description("1 for the execution provider each ion's model runs on")
                    .tags("ion", ion, "provider", provider).register(registry);
            return one;
        });
    }

    /** The audit lane's queue length, read by the backlog gauge. */
    public AtomicInteger auditBacklog() {
        return auditBacklog;
    }

    public void audited(double spectralError) {
        auditSpectralError.record(spectralError);
    }
}
