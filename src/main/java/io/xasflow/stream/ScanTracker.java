package io.xasflow.stream;

import io.xasflow.avro.ScanSummary;
import io.xasflow.metrics.ProcessorMetrics;
import java.time.Instant;
import java.util.logging.Logger;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts finished pixels per scan (keyed by scan id, so one task sees all of a scan's progress whichever instance
 * computed the pixels) and publishes one ScanSummary when every pixel of the width × height grid is done.
 */
final class ScanTracker implements Processor<String, ScanProgress, String, ScanSummary> {
    static final String STORE = "scan-progress-store";
    private static final Logger LOG = Logger.getLogger(ScanTracker.class.getName());

    private final ProcessorMetrics metrics;
    private ProcessorContext<String, ScanSummary> context;
    private KeyValueStore<String, byte[]> store;

    ScanTracker(ProcessorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, ScanSummary> context) {
        this.context = context;
        this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, ScanProgress> record) {
        ScanProgress p = record.value();
        byte[] saved = store.get(p.scanId());
        ScanState state = saved == null ? new ScanState(p.width(), p.height()) : ScanState.fromBytes(saved);
        if (state.width != p.width() || state.height != p.height()) {
            LOG.warning("scan " + p.scanId() + ": pixel (" + p.x() + ", " + p.y() + ") says " + p.width() + "×"
                    + p.height() + " but the scan started as " + state.width + "×" + state.height + "; ignored");
            return;
        }
        if (!state.record(p)) {
            return;
        }
        if (!state.complete()) {
            store.put(p.scanId(), state.toBytes());
            return;
        }
        store.delete(p.scanId());
        long processed = state.processed();
        ScanSummary summary = ScanSummary.newBuilder().setScanId(p.scanId()).setWidth(state.width)
                .setHeight(state.height).setPixels(processed).setOutliers(state.outliers).setRejected(state.rejected)
                .setPixelsByIon(new java.util.HashMap<>(state.pixelsByIon))
                .setMeanConfidence(processed == 0 ? 0 : state.confidenceSum / processed)
                .setFirstAcquiredAt(Instant.ofEpochMilli(state.firstAcquiredAtMs == Long.MAX_VALUE ? 0
                        : state.firstAcquiredAtMs))
                .setCompletedAt(Instant.ofEpochMilli(context.currentSystemTimeMs())).build();
        LOG.info("scan " + p.scanId() + " complete: " + processed + " spectra, " + state.rejected + " rejected, "
                + state.outliers + " outliers");
        context.forward(new Record<>(p.scanId(), summary, record.timestamp()));
        metrics.scanCompleted();
    }
}
