package io.xasflow.quality;

import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.XasSpectrum;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * The exact-audit lane: pixels the flags call outliers, plus a random sample, are recomputed by the exact engine on a
 * small worker pool with a bounded queue, off the fast path. When the queue is full the lane samples less — the
 * pixel is skipped and counted — rather than slowing the network's spectra. Results come back through the
 * submitter's {@link Inbox}, which its owner drains on its own thread (a stream task publishes them in its
 * transaction).
 */
public final class AuditLane implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AuditLane.class.getName());
    private static final long WARN_EVERY_MS = 10_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Why a pixel is audited. */
    public enum Reason { OUTLIER, SAMPLE }

    /** A pixel to recompute: its ids, the 9 parameters and the spectrum the network published. */
    public record Request(String scanId, int x, int y, int width, int height, String ion, float[] params,
                          float[] networkSpectrum, String modelId, PixelFlag flag, Reason reason) {}

    /** The engine's spectrum for a request and the measured SE of the network's spectrum against it. */
    public record Result(Request request, float[] exactSpectrum, double energyStartEv, double energyStepEv,
                         double spectralError, double engineMs) {
        public static final String ENGINE_VERSION = SpectrumEngine.ENGINE_VERSION;

        public boolean mismatch() {
            return spectralError >= SpectralError.OUTLIER_SE;
        }
    }

    /** Where one submitter's results arrive. */
    public static final class Inbox {
        private final Queue<Result> results = new ConcurrentLinkedQueue<>();

        public List<Result> drain() {
            List<Result> out = new ArrayList<>();
            for (Result r = results.poll(); r != null; r = results.poll()) {
                out.add(r);
            }
            return out;
        }
    }

    private final double sampleFraction;
    private final int queueMax;
    private final ThreadPoolExecutor pool;
    /** Rest after each audit, as a multiple of the time it took. */
    private final double restPerBusy;
    private final AtomicLong skipped = new AtomicLong();
    private volatile long lastWarningMs;

    /**
     * @param sampleFraction share of the pixels the flags trust that is audited anyway (0 … 1)
     * @param threads        engine threads of the lane
     * @param queueMax       pixels that may wait; beyond it the lane skips
     */
    public AuditLane(double sampleFraction, int threads, int queueMax) {
        this(sampleFraction, threads, queueMax, 1.0);
    }

    /**
     * @param maxCoreShare share of a core each lane thread may use (0 … 1]: after an audit that took t of CPU
     *                     time, the thread rests t·(1/share − 1), so a lane with many outliers to audit fills its
     *                     queue and samples less instead of taking CPU from the fast path on a small machine
     */
    public AuditLane(double sampleFraction, int threads, int queueMax, double maxCoreShare) {
        if (!(maxCoreShare > 0 && maxCoreShare <= 1)) {
            throw new IllegalArgumentException("audit core share " + maxCoreShare + " outside (0, 1]");
        }
        this.restPerBusy = 1 / maxCoreShare - 1;
        if (!(sampleFraction >= 0 && sampleFraction <= 1)) {
            throw new IllegalArgumentException("audit sample fraction " + sampleFraction + " outside [0, 1]");
        }
        if (threads <= 0 || queueMax <= 0) {
            throw new IllegalArgumentException("audit threads=" + threads + " and queue=" + queueMax + " must be > 0");
        }
        this.sampleFraction = sampleFraction;
        this.queueMax = queueMax;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(queueMax), r -> {
                    Thread t = new Thread(r, "xasflow-audit");
                    t.setDaemon(true);
                    t.setPriority(Thread.MIN_PRIORITY);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Whether a published pixel should be audited: every outlier, and a deterministic sample of the rest (a hash of
     * the pixel's ids, so a replayed pixel makes the same choice).
     */
    public Reason reasonToAudit(String scanId, int x, int y, PixelFlag flag) {
        if (flag.outlier()) {
            return Reason.OUTLIER;
        }
        CRC32 hash = new CRC32();
        hash.update((scanId + "/" + x + "/" + y).getBytes(StandardCharsets.UTF_8));
        return hash.getValue() < sampleFraction * (1L << 32) ? Reason.SAMPLE : null;
    }

    /**
     * Audits a request whose exact spectrum is already known (the scorer measured it to check a pixel outside the
     * trained box): the result goes straight to the inbox, without the engine or the queue.
     */
    public void measured(Request request, ScoredBatch.Check check, double energyStartEv, double energyStepEv,
                         Inbox inbox) {
        float[] exact = check.exactSpectrum();
        double se = SpectralError.of(request.networkSpectrum(), 0, exact, 0, exact.length);
        inbox.results.add(new Result(request, exact, energyStartEv, energyStepEv, se, check.engineMs()));
    }

    /** Queues a request; false (and counted as skipped) when the lane is full. */
    public boolean submit(Request request, Inbox inbox) {
        try {
            pool.execute(() -> {
                long started = System.nanoTime();
                long cpuStarted = cpuNanos();
                XasSpectrum exact = ExactEngine.compute(request.ion(), request.params(), 0);
                float[] spectrum = new float[exact.normalised().length];
                for (int c = 0; c < spectrum.length; c++) {
                    spectrum[c] = (float) exact.normalised()[c];
                }
                double se = SpectralError.of(request.networkSpectrum(), 0, spectrum, 0, spectrum.length);
                long busy = System.nanoTime() - started;
                inbox.results.add(new Result(request, spectrum, exact.axis().startEv(), exact.axis().stepEv(), se,
                        busy / 1e6));
                // The share is of CPU time: under contention an audit's wall time stretches, and resting in
                // proportion to it would starve the lane without sparing the fast path anything.
                long cpuBusy = cpuStarted >= 0 ? cpuNanos() - cpuStarted : busy;
                rest((long) (cpuBusy * restPerBusy));
            });
            return true;
        } catch (java.util.concurrent.RejectedExecutionException full) {
            long total = skipped.incrementAndGet();
            long now = System.currentTimeMillis();
            if (now - lastWarningMs > WARN_EVERY_MS) {
                lastWarningMs = now;
                LOG.warning("audit lane behind: [" + backlog() + "/" + queueMax + "] pixels queued; sampling less ("
                        + total + " pixels skipped so far)");
            }
            return false;
        }
    }

    /** CPU time of the calling thread (ns), or −1 where the JVM cannot measure it. */
    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    private static void rest(long nanos) {
        if (nanos <= 0) {
            return;
        }
        try {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();  // the lane is closing
        }
    }

    /** Pixels queued or being recomputed. */
    public int backlog() {
        return pool.getQueue().size() + pool.getActiveCount();
    }

    public long skipped() {
        return skipped.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
