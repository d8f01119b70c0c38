package io.xasflow.stream;

import io.xasflow.avro.PixelParameters;
import io.xasflow.avro.PixelSpectrum;
import io.xasflow.avro.RejectedRecord;
import io.xasflow.avro.SpectrumSource;
import io.xasflow.metrics.ProcessorMetrics;
import io.xasflow.quality.FlaggedPredictor;
import io.xasflow.quality.PixelFlag;
import io.xasflow.quality.ScoredBatch;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
    private final PixelValidator validator;
    private final int batchMaxRecords;
    private final long lingerMs;
    private final int bufferMaxRecords;

    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> buffer;
    private final Map<String, Integer> countByIon = new HashMap<>();
    private final Map<String, Long> oldestByIon = new HashMap<>();
    private long sequence;
    private int buffered;

    PixelBatcher(Deserializer<PixelParameters> pixels, FlaggedPredictor predictor, ProcessorMetrics metrics,
                 int batchMaxRecords, long lingerMs, int bufferMaxRecords) {
        this.pixels = pixels;
        this.predictor = predictor;
        this.metrics = metrics;
        this.validator = new PixelValidator(predictor::hasModel, predictor.ions());
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
        buffer.put(ion + "|" + String.format("%019d", sequence++), record.value());
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
                PixelParameters p = pixels.deserialize(null, e.value);
                PixelValidator.pack(p, params, batch.size() * 9);
                batch.add(p);
            }
            long started = System.nanoTime();
            ScoredBatch scored = predictor.predict(ion, params, batch.size());
            metrics.batch(ion, batch.size(), System.nanoTime() - started);
            publish(batch, scored);
            for (KeyValue<String, byte[]> e : slice) {
                buffer.delete(e.key);
            }
        }
        buffered -= entries.size();
        countByIon.remove(ion);
        oldestByIon.remove(ion);
    }

    private void publish(List<PixelParameters> batch, ScoredBatch scored) {
        long now = context.currentSystemTimeMs();
        int outliers = 0;
        Instant processedAt = Instant.ofEpochMilli(now);
        for (int i = 0; i < batch.size(); i++) {
            PixelParameters p = batch.get(i);
            String key = p.getScanId() + "/" + p.getX() + "/" + p.getY();
            List<Float> intensities = new ArrayList<>(scored.channels());
            for (int c = 0; c < scored.channels(); c++) {
                intensities.add(scored.spectra()[i * scored.channels() + c]);
            }
            PixelFlag flag = scored.flags().get(i);
            outliers += flag.outlier() ? 1 : 0;
            context.forward(new Record<>(key, PixelSpectrum.newBuilder().setScanId(p.getScanId()).setX(p.getX())
                    .setY(p.getY()).setIon(p.getIon()).setSource(SpectrumSource.NETWORK).setModelId(scored.modelId())
                    .setModelVersion(scored.modelVersion()).setEnergyStartEv(scored.energyStartEv())
                    .setEnergyStepEv(scored.energyStepEv()).setChannels(scored.channels()).setIntensities(intensities)
                    .setExecutionProvider(scored.provider()).setProcessedAt(processedAt).build(), now));
            context.forward(new Record<>(key, io.xasflow.avro.PixelFlag.newBuilder().setScanId(p.getScanId())
                    .setX(p.getX()).setY(p.getY()).setIon(p.getIon()).setOutlier(flag.outlier())
                    .setConfidence(flag.confidence()).setPredictedSe(flag.predictedSe())
                    .setReasons(flag.reasons().stream().map(Enum::name).toList()).build(), now));
            context.forward(new Record<>(p.getScanId(), new ScanProgress(p.getScanId(), p.getX(), p.getY(),
                    p.getWidth(), p.getHeight(), p.getIon(), false, flag.outlier(), flag.confidence(),
                    p.getAcquiredAt().toEpochMilli()), now));
        }
        metrics.published(batch.size(), batch.size(), outliers);
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
            context.forward(new Record<>(pixel.getScanId(), new ScanProgress(pixel.getScanId(), pixel.getX(),
                    pixel.getY(), pixel.getWidth(), pixel.getHeight(), pixel.getIon(), true, false, 0,
                    pixel.getAcquiredAt().toEpochMilli()), now));
        }
    }

    private static String ionOf(String key) {
        return key.substring(0, key.indexOf('|'));
    }
}
