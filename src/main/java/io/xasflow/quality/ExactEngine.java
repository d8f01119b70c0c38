package io.xasflow.quality;

import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import io.xasflow.physics.XasSpectrum;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Box-normalised spectra from the exact multiplet engine for a batch of pixels, computed in parallel on a fixed pool
 * (hybrid and exact serving). The engine needs no model, so it serves every ion of the atomic-data table.
 */
public final class ExactEngine implements AutoCloseable {
    public static final String MODEL_ID = "engine@" + SpectrumEngine.ENGINE_VERSION;

    private final ExecutorService pool;
    private final int threads;

    public ExactEngine(int threads) {
        if (threads <= 0) {
            throw new IllegalArgumentException("engine threads=" + threads + " must be > 0");
        }
        this.threads = threads;
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "xasflow-engine");
            t.setDaemon(true);
            return t;
        });
    }

    public static boolean knowsIon(String ion) {
        return AtomicDataTable.ionKeys().contains(ion);
    }

    /** One pixel; {@code params} holds 9 values from {@code offset} in DESIGN order. */
    public static XasSpectrum compute(String ion, float[] params, int offset) {
        double[] values = new double[SpectrumParameters.NAMES.size()];
        for (int d = 0; d < values.length; d++) {
            values[d] = params[offset + d];
        }
        return SpectrumEngine.compute(ion, SpectrumParameters.of(values));
    }

    /**
     * The exact spectra of {@code rows} (indices into {@code params}, 9 values each) of one ion, written into
     * {@code out} at the same row positions (rows × channels, row-major).
     */
    public void computeInto(String ion, float[] params, int[] rows, float[] out, int channels) {
        float[][] spectra = compute(ion, params, rows, channels);
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(spectra[i], 0, out, rows[i] * channels, channels);
        }
    }

    /** The exact spectra of {@code rows} (indices into {@code params}, 9 values each) of one ion, one per row. */
    public float[][] compute(String ion, float[] params, int[] rows, int channels) {
        float[][] spectra = new float[rows.length][];
        List<Future<?>> parts = new ArrayList<>(threads);
        int share = (rows.length + threads - 1) / threads;
        for (int first = 0; first < rows.length; first += share) {
            int from = first;
            int to = Math.min(rows.length, first + share);
            parts.add(pool.submit(() -> {
                for (int i = from; i < to; i++) {
                    double[] normalised = compute(ion, params, rows[i] * SpectrumParameters.NAMES.size()).normalised();
                    if (normalised.length != channels) {
                        throw new IllegalStateException("engine gives " + normalised.length + " channels, the model "
                                + channels + ": this is a bug");
                    }
                    float[] spectrum = new float[channels];
                    for (int c = 0; c < channels; c++) {
                        spectrum[c] = (float) normalised[c];
                    }
                    spectra[i] = spectrum;
                }
            }));
        }
        try {
            for (Future<?> part : parts) {
                part.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while computing exact spectra", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("exact engine failed for " + ion + ": " + e.getCause().getMessage(),
                    e.getCause());
        }
        return spectra;
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
