package io.xasflow.stream;

import io.xasflow.avro.ScanSummary;
import io.xasflow.metrics.ProcessorMetrics;
import io.xasflow.quality.SpectralError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.logging.Logger;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts finished pixels per scan (keyed by scan id, so one task sees all of a scan's progress whichever instance
 * computed the pixels) and publishes one ScanSummary when every pixel of the width × height grid is done and every
 * requested audit has come back — or, for audits, when {@code audit.max.wait.ms} has passed since the last pixel
 * (a wall-clock punctuator); audits still missing then are reported as lost.
 */
final class ScanTracker implements Processor<String, ScanProgress.Batch, String, ScanSummary> {
    static final String STORE = "scan-progress-store";
    private static final Logger LOG = Logger.getLogger(ScanTracker.class.getName());

    private final ProcessorMetrics metrics;
    private final long auditMaxWaitMs;
    private ProcessorContext<String, ScanSummary> context;
    private KeyValueStore<String, byte[]> store;

    ScanTracker(ProcessorMetrics metrics, long auditMaxWaitMs) {
        this.metrics = metrics;
        this.auditMaxWaitMs = auditMaxWaitMs;
    }

    @Override
    public void init(ProcessorContext<String, ScanSummary> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
        context.schedule(Duration.ofMillis(Math.max(100, Math.min(1000, auditMaxWaitMs / 4))),
                PunctuationType.WALL_CLOCK_TIME, this::publishOverdue);
    }

    @Override
    public void process(Record<String, ScanProgress.Batch> record) {
        String scanId = record.value().scanId();
        byte[] saved = store.get(scanId);
        ScanState state = saved == null ? null : ScanState.fromBytes(saved);
        boolean changed = false;
        for (ScanProgress p : record.value().pixels()) {
            if (p.audit() == ScanProgress.Audit.RESULT) {
                if (state == null) {  // the scan's summary went out without it (waited too long): nothing to update
                    LOG.fine(() -> "late audit of " + scanId + " (" + p.x() + ", " + p.y() + ") ignored");
                    continue;
                }
                changed |= state.recordAudit(p);
                continue;
            }
            if (state == null) {
                state = new ScanState(p.width(), p.height());
            }
            if (state.width != p.width() || state.height != p.height()) {
                LOG.warning("scan " + scanId + ": pixel (" + p.x() + ", " + p.y() + ") says " + p.width() + "×"
                        + p.height() + " but the scan started as " + state.width + "×" + state.height + "; ignored");
                continue;
            }
            changed |= state.record(p);
        }
        if (changed) {
            finishOrSave(scanId, state);
        }
    }

    private void finishOrSave(String scanId, ScanState state) {
        if (state.complete()) {
            publish(scanId, state, 0);
            return;
        }
        if (state.pixelsComplete() && state.pixelsDoneAtMs == 0) {
            state.pixelsDoneAtMs = context.currentSystemTimeMs();
            LOG.info("scan " + scanId + ": every pixel done, waiting up to " + auditMaxWaitMs + " ms for "
                    + state.auditPending.cardinality() + " audits");
        }
        store.put(scanId, state.toBytes());
    }

    private void publishOverdue(long now) {
        List<KeyValue<String, ScanState>> overdue = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, byte[]> entry = all.next();
                ScanState state = ScanState.fromBytes(entry.value);
                if (state.pixelsDoneAtMs > 0 && now - state.pixelsDoneAtMs >= auditMaxWaitMs) {
                    overdue.add(KeyValue.pair(entry.key, state));
                }
            }
        }
        for (KeyValue<String, ScanState> e : overdue) {
            int lost = e.value.auditPending.cardinality();
            LOG.warning("scan " + e.key + ": " + lost + " audits still missing after " + auditMaxWaitMs
                    + " ms; publishing the summary without them");
            publish(e.key, e.value, lost);
        }
    }

    private void publish(String scanId, ScanState state, long auditsLost) {
        store.delete(scanId);
        long processed = state.processed();
        float[] all = state.sortedAuditSe(false);
        float[] sample = state.sortedAuditSe(true);
        long mismatches = 0;
        for (float se : all) {
            mismatches += se >= SpectralError.OUTLIER_SE ? 1 : 0;
        }
        ScanSummary summary = ScanSummary.newBuilder().setScanId(scanId).setWidth(state.width)
                .setHeight(state.height).setPixels(processed).setOutliers(state.outliers).setRejected(state.rejected)
                .setPixelsByIon(new HashMap<>(state.pixelsByIon))
                .setMeanConfidence(processed == 0 ? 0 : state.confidenceSum / processed)
                .setFirstAcquiredAt(Instant.ofEpochMilli(state.firstAcquiredAtMs == Long.MAX_VALUE ? 0
                        : state.firstAcquiredAtMs))
                .setCompletedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()))
                .setEngineSpectra(state.engineSpectra).setAuditedPixels(all.length).setAuditMismatches(mismatches)
                .setAuditsSkipped(state.auditsSkipped).setAuditsLost(auditsLost)
                .setAuditSeMedian(quantile(all, 0.5)).setAuditSeP95(quantile(all, 0.95))
                .setAuditSeMax(all.length == 0 ? null : (double) all[all.length - 1])
                .setSampleAuditedPixels(sample.length).setSampleSeMedian(quantile(sample, 0.5)).build();
        LOG.info("scan " + scanId + " complete: " + processed + " spectra (" + state.engineSpectra + " from the engine), "
                + state.rejected + " rejected, " + state.outliers + " outliers, " + all.length + " audited ("
                + mismatches + " with SE ≥ 10 %, median SE " + summary.getAuditSeMedian() + ")");
        context.forward(new Record<>(scanId, summary, context.currentSystemTimeMs()));
        metrics.scanCompleted();
    }

    /** Nearest-rank quantile of sorted values; null when there are none. */
    static Double quantile(float[] sorted, double q) {
        if (sorted.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(q * sorted.length) - 1;
        return (double) sorted[Math.max(0, Math.min(sorted.length - 1, rank))];
    }
}
