package io.xasflow.demo;

import io.xasflow.avro.PixelAudit;
import io.xasflow.avro.PixelFlag;
import io.xasflow.avro.PixelSpectrum;
import io.xasflow.avro.ScanSummary;
import io.xasflow.registry.AvroSerde;
import io.xasflow.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A downstream consumer of xasflow's outputs, as a beamline client would run it: read_committed, so it sees each
 * transaction's records exactly once or not at all. Keeps counts, distinct pixels, the per-pixel results of one
 * scan for maps, and the measured SE of every audit when the audit topic is among its topics.
 */
public final class OutputCollector implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deserializer<PixelSpectrum> spectra;
    private final Deserializer<PixelFlag> flags;
    private final Deserializer<ScanSummary> summaries;
    private final Deserializer<PixelAudit> audits;
    private final String spectraTopic;
    private final String flagsTopic;
    private final String rejectedTopic;
    private final String scansTopic;
    private final String auditTopic;

    long spectraCount;
    long flagsCount;
    long rejectedCount;
    long outlierCount;
    final Set<String> spectrumPixels = new HashSet<>();
    final Set<String> flagPixels = new HashSet<>();
    final List<ScanSummary> scanSummaries = new ArrayList<>();
    final Map<String, PixelSpectrum> spectraByPixel = new HashMap<>();
    final Map<String, PixelFlag> flagsByPixel = new HashMap<>();
    final List<Double> auditSe = new ArrayList<>();
    /** The scan whose spectra and flags are kept for maps (null: none); others are only counted. */
    private final String keptScanId;

    /**
     * @param topics spectra, flags, rejected and scan-summary topics, in this order, and optionally the audit topic
     */
    public OutputCollector(String bootstrapServers, SchemaRegistryClient registry, List<String> topics,
                           String keptScanId) {
        this.spectraTopic = topics.get(0);
        this.flagsTopic = topics.get(1);
        this.rejectedTopic = topics.get(2);
        this.scansTopic = topics.get(3);
        this.auditTopic = topics.size() > 4 ? topics.get(4) : null;
        this.keptScanId = keptScanId;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.GROUP_ID_CONFIG, "xasflow-collector-" + System.nanoTime(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(topics);
        this.spectra = AvroSerde.<PixelSpectrum>forValues(registry, PixelSpectrum.getClassSchema()).deserializer();
        this.flags = AvroSerde.<PixelFlag>forValues(registry, PixelFlag.getClassSchema()).deserializer();
        this.summaries = AvroSerde.<ScanSummary>forValues(registry, ScanSummary.getClassSchema()).deserializer();
        this.audits = AvroSerde.<PixelAudit>forValues(registry, PixelAudit.getClassSchema()).deserializer();
    }

    /** Polls once and updates the counts. */
    public void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.topic().equals(spectraTopic)) {
                spectraCount++;
                PixelSpectrum s = spectra.deserialize(r.topic(), r.value());
                String pixel = s.getScanId() + "/" + s.getX() + "/" + s.getY();
                spectrumPixels.add(pixel);
                if (s.getScanId().equals(keptScanId)) {
                    spectraByPixel.put(pixel, s);
                }
            } else if (r.topic().equals(flagsTopic)) {
                flagsCount++;
                PixelFlag f = flags.deserialize(r.topic(), r.value());
                String pixel = f.getScanId() + "/" + f.getX() + "/" + f.getY();
                flagPixels.add(pixel);
                if (f.getOutlier()) {
                    outlierCount++;
                }
                if (f.getScanId().equals(keptScanId)) {
                    flagsByPixel.put(pixel, f);
                }
            } else if (r.topic().equals(rejectedTopic)) {
                rejectedCount++;
            } else if (r.topic().equals(scansTopic)) {
                scanSummaries.add(summaries.deserialize(r.topic(), r.value()));
            } else if (r.topic().equals(auditTopic)) {
                auditSe.add(audits.deserialize(r.topic(), r.value()).getMeasuredSe());
            }
        }
    }

    /** Forgets everything seen so far (after warm-up scans), so the counts cover only what comes next. */
    public void reset() {
        spectraCount = 0;
        flagsCount = 0;
        rejectedCount = 0;
        outlierCount = 0;
        spectrumPixels.clear();
        flagPixels.clear();
        scanSummaries.clear();
        spectraByPixel.clear();
        flagsByPixel.clear();
        auditSe.clear();
    }

    public long spectraCount() {
        return spectraCount;
    }

    public long flagsCount() {
        return flagsCount;
    }

    public long rejectedCount() {
        return rejectedCount;
    }

    public long distinctSpectrumPixels() {
        return spectrumPixels.size();
    }

    public long distinctFlagPixels() {
        return flagPixels.size();
    }

    /** Measured SE of every audit seen (empty unless the audit topic is collected). */
    public List<Double> auditSe() {
        return auditSe;
    }

    public List<ScanSummary> scanSummaries() {
        return scanSummaries;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
