package io.xasflow.stream;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.xasflow.inference.ModelRegistry;
import io.xasflow.metrics.MetricsServer;
import io.xasflow.metrics.ProcessorMetrics;
import io.xasflow.quality.AuditLane;
import io.xasflow.quality.ExactEngine;
import io.xasflow.quality.FlaggedPredictor;
import io.xasflow.quality.ServingMode;
import io.xasflow.registry.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.logging.Logger;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;

/** The running stream processor: models, registry client and Kafka Streams, built from one {@link StreamConfig}. */
public final class XasflowProcessor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(XasflowProcessor.class.getName());

    private final ModelRegistry models;
    private final KafkaStreams streams;
    private final ProcessorMetrics metrics = ProcessorMetrics.prometheus();
    private final KafkaStreamsMetrics streamsMetrics;
    private final MetricsServer metricsServer;
    private final ExactEngine engine;
    private final AuditLane auditLane;

    public XasflowProcessor(StreamConfig config) throws IOException {
        this.models = ModelRegistry.open(Path.of(config.getString(StreamConfig.MODELS_DIR)), config.sessionSettings());
        for (String ion : models.ions()) {  // verify every sha256 and load now, not on the first pixel
            metrics.executionProvider(ion, models.model(ion).providerInUse().key());
        }
        SchemaRegistryClient registry = new SchemaRegistryClient(config.getString(StreamConfig.SCHEMA_REGISTRY_URL),
                config.registryUserInfo());
        ServingMode mode = ServingMode.parse(config.getString(StreamConfig.SERVING_MODE));
        boolean checkOutside = FlaggedPredictor.checksOutsideExactly(config.getString(StreamConfig.OUTSIDE_CHECK));
        this.engine = mode == ServingMode.NETWORK && !checkOutside ? null
                : new ExactEngine(config.getInt(StreamConfig.ENGINE_THREADS));
        FlaggedPredictor predictor = new FlaggedPredictor(models, config.getDouble(StreamConfig.OUTLIER_THRESHOLD),
                mode, engine, checkOutside);
        this.auditLane = !config.getBoolean(StreamConfig.AUDIT_ENABLED) || mode == ServingMode.EXACT ? null
                : new AuditLane(config.getDouble(StreamConfig.AUDIT_SAMPLE_FRACTION),
                        config.getInt(StreamConfig.AUDIT_THREADS), config.getInt(StreamConfig.AUDIT_QUEUE_MAX_RECORDS),
                        config.getDouble(StreamConfig.AUDIT_MAX_CORE_SHARE));
        this.streams = new KafkaStreams(XasflowTopology.buildTopology(config, registry, predictor, auditLane, metrics),
                config.streamsProperties());
        this.streamsMetrics = new KafkaStreamsMetrics(streams);  // Kafka Streams' own metrics on the same endpoint
        streamsMetrics.bindTo(metrics.registry());
        new JvmMemoryMetrics().bindTo(metrics.registry());
        new JvmGcMetrics().bindTo(metrics.registry());
        int port = config.getInt(StreamConfig.METRICS_PORT);
        this.metricsServer = port < 0 ? null : MetricsServer.start((PrometheusMeterRegistry) metrics.registry(),
                config.getString(StreamConfig.METRICS_HOST), port);
        streams.setUncaughtExceptionHandler(e -> {
            LOG.severe("stream thread failed, replacing it (the transaction is aborted, nothing is lost): " + e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        LOG.info("xasflow processor: models " + models.ions() + " from " + config.getString(StreamConfig.MODELS_DIR)
                + ", input " + config.getString(StreamConfig.TOPIC_PIXELS) + ", serving " + mode.key() + ", audit "
                + (auditLane == null ? "off" : config.getDouble(StreamConfig.AUDIT_SAMPLE_FRACTION) + " + outliers")
                + ", exactly_once_v2");
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public ProcessorMetrics metrics() {
        return metrics;
    }

    /** The port of the metrics endpoint, or -1 when it is off. */
    public int metricsPort() {
        return metricsServer == null ? -1 : metricsServer.port();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        if (metricsServer != null) {
            metricsServer.close();
        }
        streamsMetrics.close();
        if (auditLane != null) {
            auditLane.close();
        }
        if (engine != null) {
            engine.close();
        }
        models.close();
    }
}
