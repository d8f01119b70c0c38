package io.xasflow.simulate;

import io.xasflow.avro.PixelParameters;
import io.xasflow.registry.AvroSerde;
import io.xasflow.registry.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A beamline feed: publishes every pixel of a {@link SyntheticSample} to the input topic at a chosen rate. Keys are
 * "scan/row", so a scan's rows spread over partitions and several processor instances share one scan.
 */
public final class ScanSimulator {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(ScanSimulator.class.getName());

    private ScanSimulator() {}

    /**
     * @param pixelsPerSecond 0 for as fast as the producer goes
     * @param clientConfig    extra producer settings (security pass-through)
     * @return pixels sent
     */
    public static long publish(SyntheticSample sample, String bootstrapServers, SchemaRegistryClient registry,
                               String topic, double pixelsPerSecond, Map<String, Object> clientConfig) {
        return publishRows(sample, 0, sample.height(), bootstrapServers, registry, topic, pixelsPerSecond,
                clientConfig);
    }

    /** Publishes the rows [fromRow, toRow) of the scan only (e.g. a scan fed in parts around an event). */
    public static long publishRows(SyntheticSample sample, int fromRow, int toRow, String bootstrapServers,
                                   SchemaRegistryClient registry, String topic, double pixelsPerSecond,
                                   Map<String, Object> clientConfig) {
        if (fromRow < 0 || toRow > sample.height() || fromRow > toRow) {
            throw new IllegalArgumentException("rows [" + fromRow + ", " + toRow + ") are not inside the scan's "
                    + sample.height() + " rows");
        }
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        Serializer<PixelParameters> values = AvroSerde.<PixelParameters>forValues(registry,
                PixelParameters.getClassSchema()).serializer();
        long sent = 0;
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int y = fromRow; y < toRow; y++) {
                byte[] key = (sample.scanId() + "/" + y).getBytes(StandardCharsets.UTF_8);
                for (int x = 0; x < sample.width(); x++) {
                    producer.send(new ProducerRecord<>(topic, key, values.serialize(topic, sample.pixel(x, y))));
                    sent++;
                    if (pixelsPerSecond > 0) {
                        long due = start + (long) (sent * 1e9 / pixelsPerSecond);
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                    }
                }
            }
            producer.flush();
        }
        LOG.info(String.format(java.util.Locale.ROOT, "published %d pixels of %s in %.2f s", sent, sample.scanId(),
                (System.nanoTime() - start) / 1e9));
        return sent;
    }
}
