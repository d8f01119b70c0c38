package io.xasflow.stream;

import io.xasflow.inference.ExecutionProvider;
import io.xasflow.inference.ModelRegistry;
import io.xasflow.quality.FlaggedPredictor;
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

    public XasflowProcessor(StreamConfig config) throws IOException {
        this.models = ModelRegistry.open(Path.of(config.getString(StreamConfig.MODELS_DIR)),
                ExecutionProvider.parse(config.getString(StreamConfig.EXECUTION_PROVIDER)),
                config.getInt(StreamConfig.INFERENCE_THREADS));
        for (String ion : models.ions()) {
            models.model(ion);  // verify every sha256 and load now, not on the first pixel
        }
        SchemaRegistryClient registry = new SchemaRegistryClient(config.getString(StreamConfig.SCHEMA_REGISTRY_URL),
                config.registryUserInfo());
        FlaggedPredictor predictor = new FlaggedPredictor(models, config.getDouble(StreamConfig.OUTLIER_THRESHOLD));
        this.streams = new KafkaStreams(XasflowTopology.buildTopology(config, registry, predictor),
                config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.severe("stream thread failed, replacing it (the transaction is aborted, nothing is lost): " + e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        LOG.info("xasflow processor: models " + models.ions() + " from " + config.getString(StreamConfig.MODELS_DIR)
                + ", input " + config.getString(StreamConfig.TOPIC_PIXELS) + ", exactly_once_v2");
    }

    public void start() {
        streams.start();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        models.close();
    }
}
