package io.xasflow.bench;

import io.xasflow.dataset.ParameterDomain;
import io.xasflow.dataset.ParameterSampler;
import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.MultipletSolver;
import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Engine speed per ion on paper-domain D4h samples: wall time per full spectrum (sticks + broadening + normalisation)
 * on one thread, and throughput with every core busy.
 *
 * <p>The one-thread time is taken in rounds: each round times every ion's samples once, ion after ion, and an ion's
 * figure is the median of its round means. On a shared VM a slow spell of a few seconds then spoils one round of a few
 * ions instead of an ion's whole figure; the spread of the round means (the same spectra each round) shows the noise.
 */
public final class EngineBenchmark {
    /**
     * One ion's result: the median and the spread ((max − min) / median) of its round means on one thread, and the
     * throughput on all threads.
     */
    public record Result(String ion, int dElectrons, double msPerSpectrumOneThread, double roundSpread,
            double spectraPerSecondAllThreads) {}

    /** The paper-domain samples both engine benchmarks time (and SEED + 1 for their warm-up). */
    static final long SEED = 20261124L;

    private EngineBenchmark() {}

    /** @param samples spectra per ion, timed once per round and once on all threads */
    public static List<Result> run(List<String> ions, int samples, int rounds, int threads) throws Exception {
        if (samples < 1 || rounds < 1) {
            throw new IllegalArgumentException("need at least one sample and one round, got samples=" + samples
                    + ", rounds=" + rounds);
        }
        ParameterSampler sampler = new ParameterSampler(ParameterDomain.PAPER, SEED);
        // Build every configuration model and let the JIT settle before any timing, so the first ion of each size is
        // not charged for start-up.
        ParameterSampler warmUp = new ParameterSampler(ParameterDomain.PAPER, SEED + 1);
        for (int s = 0; s < samples; s++) {
            for (String ion : ions) {
                SpectrumEngine.compute(ion, SpectrumParameters.of(warmUp.sample(s)));
            }
        }
        double[][] roundMs = new double[ions.size()][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int k = 0; k < ions.size(); k++) {
                long start = System.nanoTime();
                for (int s = 0; s < samples; s++) {
                    SpectrumEngine.compute(ions.get(k), SpectrumParameters.of(sampler.sample(s)));
                }
                roundMs[k][round] = (System.nanoTime() - start) / 1e6 / samples;
            }
        }

        List<Result> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int k = 0; k < ions.size(); k++) {
                String ion = ions.get(k);
                int parallelSamples = samples * threads;
                List<Future<?>> futures = new ArrayList<>();
                long parallelStart = System.nanoTime();
                for (int s = 0; s < parallelSamples; s++) {
                    long index = s;
                    futures.add(pool.submit(() -> SpectrumEngine.compute(ion, SpectrumParameters.of(sampler.sample(index)))));
                }
                for (Future<?> future : futures) {
                    future.get();
                }
                double perSecond = parallelSamples / ((System.nanoTime() - parallelStart) / 1e9);
                double[] sorted = roundMs[k].clone();
                Arrays.sort(sorted);
                double median = median(sorted);
                results.add(new Result(ion, AtomicDataTable.ion(ion).dElectrons(), median,
                        (sorted[sorted.length - 1] - sorted[0]) / median, perSecond));
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    /** Markdown table plus the median over ions. */
    public static String table(List<Result> results, int samples, int rounds, int threads) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "| ion | 3d^n | final states | ms/spectrum (1 thread) "
                + "| spread of %d rounds | spectra/s (%d threads) |%n", rounds, threads));
        md.append("|---|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.0f %% | %.1f |%n", r.ion(), r.dElectrons(),
                    6 * binomial(10, r.dElectrons() + 1), r.msPerSpectrumOneThread(), 100 * r.roundSpread(),
                    r.spectraPerSecondAllThreads()));
        }
        double[] ms = results.stream().mapToDouble(Result::msPerSpectrumOneThread).sorted().toArray();
        md.append(String.format(Locale.ROOT, "%nMedian over these %d ions: %.2f ms per spectrum on one thread "
                + "(%d paper-domain D4h samples per ion, timed in %d rounds, each ion's figure the median of its round "
                + "means; LAPACK/BLAS: %s).%n", ms.length, median(ms), samples, rounds,
                String.join("/", MultipletSolver.linearAlgebraBackends())));
        return md.toString();
    }

    /** The median of the values (in any order). */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }

    private static long binomial(int n, int k) {
        long result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
        }
        return result;
    }

}
