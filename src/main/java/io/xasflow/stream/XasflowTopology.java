package io.xasflow.stream;

import io.xasflow.avro.PixelFlag;
import io.xasflow.avro.PixelAudit;
import io.xasflow.avro.PixelParameters;
import io.xasflow.avro.PixelSpectrum;
import io.xasflow.avro.RejectedRecord;
import io.xasflow.avro.ScanSummary;
import io.xasflow.metrics.ProcessorMetrics;
import io.xasflow.quality.AuditLane;
import io.xasflow.quality.FlaggedPredictor;
import io.xasflow.registry.AvroSerde;
import io.xasflow.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's topology, a pure function of its configuration:
 *
 * <pre>
 * xas.pixels ─▶ validate + micro-batch per ion (changelogged buffer, size/linger flush, ONNX inference)
 *                 ├─▶ xas.spectra   one PixelSpectrum per pixel
 *                 ├─▶ xas.flags     one PixelFlag per pixel
 *                 ├─▶ xas.rejected  undeserialisable or invalid input, with its original bytes
 *                 ├─▶ xas.audit     pixels recomputed by the exact engine (audit lane), with the measured SE
 *                 └─▶ (repartition by scan id) ─▶ scan tracker ─▶ xas.scans  one summary per finished scan
 * </pre>
 */
public final class XasflowTopology {
    static final String PROGRESS_TOPIC_NAME = "scan-progress";

    private XasflowTopology() {}

    /** @param auditLane the exact-audit lane shared by the processor's tasks, or null when auditing is off */
    public static Topology buildTopology(StreamConfig config, SchemaRegistryClient registry, FlaggedPredictor predictor,
                                         AuditLane auditLane, ProcessorMetrics metrics) {
        Serde<PixelParameters> pixelSerde = AvroSerde.forValues(registry, PixelParameters.getClassSchema());
        Serde<PixelSpectrum> spectrumSerde = AvroSerde.forValues(registry, PixelSpectrum.getClassSchema());
        Serde<PixelFlag> flagSerde = AvroSerde.forValues(registry, PixelFlag.getClassSchema());
        Serde<RejectedRecord> rejectedSerde = AvroSerde.forValues(registry, RejectedRecord.getClassSchema());
        Serde<ScanSummary> summarySerde = AvroSerde.forValues(registry, ScanSummary.getClassSchema());
        Serde<PixelAudit> auditSerde = AvroSerde.forValues(registry, PixelAudit.getClassSchema());

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PixelBatcher.STORE),
                Serdes.String(), Serdes.ByteArray())  // changelogged by default: the buffer survives a crash
                .withCachingEnabled());  // a pixel put and deleted within one commit never reaches RocksDB as a put
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ScanTracker.STORE),
                Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());  // a scan's state is saved once per micro-batch, written once per commit

        KStream<String, Object> outputs = builder
                .stream(config.getString(StreamConfig.TOPIC_PIXELS), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .process(() -> new PixelBatcher(pixelSerde.deserializer(), predictor, metrics, auditLane,
                        config.getInt(StreamConfig.BATCH_MAX_RECORDS), config.getLong(StreamConfig.BATCH_LINGER_MS),
                        config.getInt(StreamConfig.BATCH_BUFFER_MAX_RECORDS)), PixelBatcher.STORE);

        // One sink for the four record topics: each record goes straight to its topic and serde, instead of passing
        // a filter per topic.
        OutputRouter router = new OutputRouter(Map.of(
                PixelSpectrum.class, new OutputRouter.Route(config.getString(StreamConfig.TOPIC_SPECTRA), spectrumSerde),
                PixelFlag.class, new OutputRouter.Route(config.getString(StreamConfig.TOPIC_FLAGS), flagSerde),
                RejectedRecord.class, new OutputRouter.Route(config.getString(StreamConfig.TOPIC_REJECTED), rejectedSerde),
                PixelAudit.class, new OutputRouter.Route(config.getString(StreamConfig.TOPIC_AUDIT), auditSerde)));
        outputs.filter((k, v) -> !(v instanceof ScanProgress.Batch))
                .to(router, Produced.with(Serdes.String(), router.serde()));
        outputs.filter((k, v) -> v instanceof ScanProgress.Batch).mapValues(v -> (ScanProgress.Batch) v)
                .repartition(Repartitioned.with(Serdes.String(), ScanProgress.Batch.serde()).withName(PROGRESS_TOPIC_NAME))
                .process(() -> new ScanTracker(metrics, config.getLong(StreamConfig.AUDIT_MAX_WAIT_MS)), ScanTracker.STORE)
                .to(config.getString(StreamConfig.TOPIC_SCANS), Produced.with(Serdes.String(), summarySerde));
        return builder.build();
    }
}
