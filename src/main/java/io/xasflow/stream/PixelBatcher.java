package io.xasflow.stream;

import io.xasflow.avro.PixelAudit;
import io.xasflow.avro.PixelParameters;
import io.xasflow.avro.PixelSpectrum;
import io.xasflow.avro.RejectedRecord;
import io.xasflow.avro.SpectrumSource;
import io.xasflow.metrics.ProcessorMetrics;
import io.xasflow.quality.AuditLane;
import io.xasflow.quality.FlaggedPredictor;
import io.xasflow.quality.PixelFlag;
import io.xasflow.quality.ScoredBatch;
import io.xasflow.quality.SpectrumOrigin;
import io.xasflow.registry.FloatBlock;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Validates pixels and gathers valid ones in micro-batches per ion, in a changelogged store so that a crash loses
 * nothing; a batch runs through the ion's network when it reaches {@code batch.max.records} pixels or its oldest
 * pixel has waited {@code batch.linger.ms} (a wall-clock punctuator). {@code process()} only buffers; inference
 * happens in {@link #flush}. Outputs: PixelSpectrum, PixelFlag, RejectedRecord and ScanProgress values, which the
 * topology routes to their topics.
 */
final class PixelBatcher implements Processor<byte[], byte[], String, Object> {
    static final String STORE = "pixel-batch-store";
    private static final Logger LOG = Logger.getLogger(PixelBatcher.class.getName());
    private static final StringSerializer KEYS = new StringSerializer();

    private final Deserializer<PixelParameters> pixels;
    private final FlaggedPredictor predictor;
    private final ProcessorMetrics metrics;
    private final AuditLane auditLane;
    private final AuditLane.Inbox audits = new AuditLane.Inbox();
    private final PixelValidator validator;
    private final int batchMaxRecords;
    private final long lingerMs;
    private final int bufferMaxRecords;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> buffer;
    private final Map<String, Integer> countByIon = new HashMap<>();
    private final Map<String, Long> oldestByIon = new HashMap<>();
    /** The buffered pixels already deserialised by this instance (a restored buffer has none: they are re-read). */
    private final Map<String, PixelParameters> decoded = new HashMap<>();
    private long sequence;
    private int buffered;

    /** @param auditLane the exact-audit lane, or null when auditing is off */
    PixelBatcher(Deserializer<PixelParameters> pixels, FlaggedPredictor predictor, ProcessorMetrics metrics,
                 AuditLane auditLane, int batchMaxRecords, long lingerMs, int bufferMaxRecords) {
        this.pixels = pixels;
        this.predictor = predictor;
        this.metrics = metrics;
        this.auditLane = auditLane;
        this.validator = new PixelValidator(predictor::canServe, predictor.ions());
        this.batchMaxRecords = batchMaxRecords;
        this.lingerMs = lingerMs;
        this.bufferMaxRecords = bufferMaxRecords;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.buffer = context.getStateStore(STORE);
        long now = context.currentSystemTimeMs();
        try (KeyValueIterator<String, byte[]> all = buffer.all()) {  // a restored buffer: its pixels wait from now
            while (all.hasNext()) {
                String key = all.next().key;
                String ion = ionOf(key);
                countByIon.merge(ion, 1, Integer::sum);
                oldestByIon.putIfAbsent(ion, now);
                sequence = Math.max(sequence, Long.parseLong(key.substring(key.indexOf('|') + 1)) + 1);
                buffered++;
            }
        }
        if (buffered > 0) {
            LOG.info("task " + context.taskId() + ": " + buffered + " buffered pixels restored " + countByIon);
        }
        context.schedule(Duration.ofMillis(Math.max(1, lingerMs / 4)), PunctuationType.WALL_CLOCK_TIME, this::onTick);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata where = context.recordMetadata().orElseThrow(
                () -> new IllegalStateException("pixel without topic metadata: this is a bug"));
        metrics.pixelIn();
        PixelParameters pixel;
        try {
            pixel = pixels.deserialize(where.topic(), record.value());
            if (pixel == null) {
                throw new SerializationException("a tombstone (null value) is not a pixel");
            }
        } catch (SerializationException e) {
            reject(record, where, new Rejection(Rejection.Code.UNDESERIALISABLE, e.getMessage()), null);
            return;
        }
        Optional<Rejection> problem = validator.check(pixel);
        if (problem.isPresent()) {
            reject(record, where, problem.get(), pixel);
            return;
        }
        String ion = pixel.getIon();
        String key = bufferKey(ion, sequence++);
        buffer.put(key, record.value());
        decoded.put(key, pixel);
        buffered++;
        oldestByIon.putIfAbsent(ion, context.currentSystemTimeMs());
        if (countByIon.merge(ion, 1, Integer::sum) >= batchMaxRecords) {
            flush(ion);
        }
        if (buffered >= bufferMaxRecords) {
            LOG.warning("[" + buffered + "/" + bufferMaxRecords + "] buffered pixels: flushing every ion now");
            new ArrayList<>(countByIon.keySet()).forEach(this::flush);
        }
    }

    private void onTick(long now) {
        for (String ion : new ArrayList<>(oldestByIon.keySet())) {
            if (now - oldestByIon.get(ion) >= lingerMs) {
                flush(ion);
            }
        }
        publishAudits(now);
    }

    /** Audit results that came back since the last tick: to xas.audit, and to the scan tracker. */
    private void publishAudits(long now) {
        Map<String, List<ScanProgress>> progress = new LinkedHashMap<>();
        for (AuditLane.Result r : audits.drain()) {
            AuditLane.Request q = r.request();
            String key = q.scanId() + "/" + q.x() + "/" + q.y();
            List<Float> exact = new FloatBlock(r.exactSpectrum(), 0, r.exactSpectrum().length);
            context.forward(new Record<>(key, PixelAudit.newBuilder().setScanId(q.scanId()).setX(q.x()).setY(q.y())
                    .setIon(q.ion()).setReason(q.reason().name()).setModelId(q.modelId())
                    .setConfidence(q.flag().confidence()).setPredictedSe(q.flag().predictedSe())
                    .setMeasuredSe(r.spectralError()).setMismatch(r.mismatch()).setEnergyStartEv(r.energyStartEv())
                    .setEnergyStepEv(r.energyStepEv()).setExactIntensities(exact).setEngineMs(r.engineMs())
                    .setEngineVersion(AuditLane.Result.ENGINE_VERSION).setAuditedAt(Instant.ofEpochMilli(now)).build(),
                    now));
            progress.computeIfAbsent(q.scanId(), k -> new ArrayList<>()).add(ScanProgress.auditResult(q.scanId(),
                    q.x(), q.y(), q.width(), q.height(), q.ion(), r.spectralError(),
                    q.reason() == AuditLane.Reason.SAMPLE));
            metrics.audited(r.spectralError());
        }
        forwardProgress(progress, now);
        if (auditLane != null) {
            metrics.auditBacklog().set(auditLane.backlog());
        }
    }

    /** Runs every buffered pixel of {@code ion} through its network, in slices of batch.max.records. */
    void flush(String ion) {
        List<KeyValue<String, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = buffer.prefixScan(ion + "|", KEYS)) {
            it.forEachRemaining(entries::add);
        }
        for (int first = 0; first < entries.size(); first += batchMaxRecords) {
            List<KeyValue<String, byte[]>> slice = entries.subList(first, Math.min(entries.size(), first + batchMaxRecords));
            List<PixelParameters> batch = new ArrayList<>(slice.size());
            float[] params = new float[slice.size() * 9];
            for (KeyValue<String, byte[]> e : slice) {
                PixelParameters p = decoded.remove(e.key);
                if (p == null) {
                    p = pixels.deserialize(null, e.value);
                }
                PixelValidator.pack(p, params, batch.size() * 9);
                batch.add(p);
            }
            long started = System.nanoTime();
            ScoredBatch scored = predictor.predict(ion, params, batch.size());
            metrics.batch(ion, batch.size(), System.nanoTime() - started - scored.engineNanos());
            if (scored.engineRows() > 0) {
                metrics.engineServed(ion, (int) scored.engineRows(), scored.engineNanos());
            }
            publish(batch, params, scored);
            for (KeyValue<String, byte[]> e : slice) {
                buffer.delete(e.key);
            }
        }
        buffered -= entries.size();
        countByIon.remove(ion);
        oldestByIon.remove(ion);
    }

    private void publish(List<PixelParameters> batch, float[] params, ScoredBatch scored) {
        long now = context.currentSystemTimeMs();
        Instant processedAt = Instant.ofEpochMilli(now);
        int channels = scored.channels();
        int outliers = 0;
        Map<String, List<ScanProgress>> progress = new LinkedHashMap<>();
        for (int i = 0; i < batch.size(); i++) {
            PixelParameters p = batch.get(i);
            String key = p.getScanId() + "/" + p.getX() + "/" + p.getY();
            List<Float> intensities = new FloatBlock(scored.spectra(), i * channels, channels);
            PixelFlag flag = scored.flags().get(i);
            SpectrumOrigin origin = scored.origins().get(i);
            outliers += flag.outlier() ? 1 : 0;
            context.forward(new Record<>(key, PixelSpectrum.newBuilder().setScanId(p.getScanId()).setX(p.getX())
                    .setY(p.getY()).setIon(p.getIon()).setSource(origin == SpectrumOrigin.ENGINE ? SpectrumSource.ENGINE
                            : SpectrumSource.NETWORK).setModelId(scored.modelId(i))
                    .setModelVersion(scored.modelVersion()).setEnergyStartEv(scored.energyStartEv())
                    .setEnergyStepEv(scored.energyStepEv()).setChannels(channels).setIntensities(intensities)
                    .setExecutionProvider(scored.provider(i)).setProcessedAt(processedAt).build(), now));
            context.forward(new Record<>(key, io.xasflow.avro.PixelFlag.newBuilder().setScanId(p.getScanId())
                    .setX(p.getX()).setY(p.getY()).setIon(p.getIon()).setOutlier(flag.outlier())
                    .setConfidence(flag.confidence()).setPredictedSe(flag.predictedSe())
                    .setReasons(flag.reasons().stream().map(Enum::name).toList()).build(), now));
            ScanProgress.Audit audit = origin == SpectrumOrigin.ENGINE ? ScanProgress.Audit.NONE
                    : requestAudit(p, params, i, scored, flag);
            progress.computeIfAbsent(p.getScanId(), k -> new ArrayList<>()).add(ScanProgress.pixel(p.getScanId(),
                    p.getX(), p.getY(), p.getWidth(), p.getHeight(), p.getIon(), flag.outlier(), flag.confidence(),
                    p.getAcquiredAt().toEpochMilli(), origin == SpectrumOrigin.ENGINE, audit));
        }
        forwardProgress(progress, now);
        metrics.published(batch.size(), batch.size(), outliers);
    }

    /** One progress record per scan for the whole micro-batch (the tracker saves a scan's state once per record). */
    private void forwardProgress(Map<String, List<ScanProgress>> progress, long now) {
        progress.forEach((scanId, pixels) -> context.forward(new Record<>(scanId,
                new ScanProgress.Batch(scanId, pixels), now)));
    }

    /**
     * Hands a network spectrum to the audit lane when its flag or the random sample says so. Engine spectra are exact
     * and never audited; a spectrum the scorer already checked against the engine is audited with that result.
     */
    private ScanProgress.Audit requestAudit(PixelParameters p, float[] params, int row, ScoredBatch scored,
                                            PixelFlag flag) {
        AuditLane.Reason reason = auditLane == null ? null
                : auditLane.reasonToAudit(p.getScanId(), p.getX(), p.getY(), flag);
        if (reason == null) {
            return ScanProgress.Audit.NONE;
        }
        int channels = scored.channels();
        AuditLane.Request request = new AuditLane.Request(p.getScanId(), p.getX(), p.getY(), p.getWidth(),
                p.getHeight(), p.getIon(), Arrays.copyOfRange(params, row * 9, row * 9 + 9),
                Arrays.copyOfRange(scored.spectra(), row * channels, (row + 1) * channels), scored.modelId(row), flag,
                reason);
        ScoredBatch.Check check = scored.checks().get(row);
        if (check != null) {  // the scorer has measured it already
            auditLane.measured(request, check, scored.energyStartEv(), scored.energyStepEv(), audits);
            return ScanProgress.Audit.REQUESTED;
        }
        return auditLane.submit(request, audits) ? ScanProgress.Audit.REQUESTED : ScanProgress.Audit.SKIPPED;
    }

    private void reject(Record<byte[], byte[]> record, RecordMetadata where, Rejection why, PixelParameters pixel) {
        long now = context.currentSystemTimeMs();
        metrics.rejected(why.code().name());
        LOG.fine(() -> "rejected " + where.topic() + "-" + where.partition() + "@" + where.offset() + ": " + why.message());
        context.forward(new Record<>(where.topic() + "-" + where.partition() + "@" + where.offset(),
                RejectedRecord.newBuilder().setTopic(where.topic()).setPartition(where.partition())
                        .setOffset(where.offset())
                        .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                        .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                        .setReason(why.message()).setReasonCode(why.code().name())
                        .setRejectedAt(Instant.ofEpochMilli(now)).build(), now));
        if (pixel != null && why.code() != Rejection.Code.OUTSIDE_SCAN) {
            // the pixel is part of its scan even though it has no spectrum: the scan can still complete
            context.forward(new Record<>(pixel.getScanId(), new ScanProgress.Batch(pixel.getScanId(),
                    List.of(ScanProgress.rejected(pixel.getScanId(), pixel.getX(), pixel.getY(), pixel.getWidth(),
                            pixel.getHeight(), pixel.getIon(), pixel.getAcquiredAt().toEpochMilli()))), now));
        }
    }

    /** {@code ion|sequence}, the sequence zero-padded to 19 digits so that keys sort in arrival order. */
    static String bufferKey(String ion, long sequence) {
        String digits = Long.toString(sequence);
        return ion + "|" + "0".repeat(19 - digits.length()) + digits;
    }

    private static String ionOf(String key) {
        return key.substring(0, key.indexOf('|'));
    }
}
