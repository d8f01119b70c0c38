package io.xasflow.bench;

import io.xasflow.dataset.ParameterDomain;
import io.xasflow.dataset.ParameterSampler;
import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.MultipletSolver;
import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Engine speed per ion on paper-domain D4h samples: mean wall time per full spectrum (sticks + broadening +
 * normalisation) on one thread, and throughput with every core busy.
 */
public final class EngineBenchmark {
    /** One ion's result. */
    public record Result(String ion, int dElectrons, double msPerSpectrumOneThread, double spectraPerSecondAllThreads) {}

    private static final long SEED = 20261124L;

    private EngineBenchmark() {}

    public static List<Result> run(List<String> ions, int samples, int threads) throws Exception {
        List<Result> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            // Build every configuration model and let the JIT settle before any timing, so the first ion of each
            // size is not charged for start-up.
            ParameterSampler warmUp = new ParameterSampler(ParameterDomain.PAPER, SEED + 1);
            for (int round = 0; round < samples; round++) {
                for (String ion : ions) {
                    SpectrumEngine.compute(ion, SpectrumParameters.of(warmUp.sample(round)));
                }
            }
            for (String ion : ions) {
                ParameterSampler sampler = new ParameterSampler(ParameterDomain.PAPER, SEED);
                for (int w = 0; w < Math.max(10, samples / 4); w++) {
                    SpectrumEngine.compute(ion, SpectrumParameters.of(sampler.sample(1_000_000 + w)));
                }
                long start = System.nanoTime();
                for (int s = 0; s < samples; s++) {
                    SpectrumEngine.compute(ion, SpectrumParameters.of(sampler.sample(s)));
                }
                double msOne = (System.nanoTime() - start) / 1e6 / samples;

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
                results.add(new Result(ion, AtomicDataTable.ion(ion).dElectrons(), msOne, perSecond));
            }
        } finally {
            pool.shutdownNow();
        }
        return results;
    }

    /** Markdown table plus the median over ions. */
    public static String table(List<Result> results, int samples, int threads) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "| ion | 3d^n | final states | ms/spectrum (1 thread) | spectra/s (%d threads) |%n",
                threads));
        md.append("|---|---|---|---|---|\n");
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %.1f |%n", r.ion(), r.dElectrons(),
                    6 * binomial(10, r.dElectrons() + 1), r.msPerSpectrumOneThread(), r.spectraPerSecondAllThreads()));
        }
        double[] ms = results.stream().mapToDouble(Result::msPerSpectrumOneThread).sorted().toArray();
        double median = ms.length % 2 == 1 ? ms[ms.length / 2] : 0.5 * (ms[ms.length / 2 - 1] + ms[ms.length / 2]);
        md.append(String.format(Locale.ROOT, "%nMedian over these %d ions: %.2f ms per spectrum on one thread "
                + "(%d paper-domain D4h samples per ion; LAPACK/BLAS: %s).%n", ms.length, median, samples,
                String.join("/", MultipletSolver.linearAlgebraBackends())));
        return md.toString();
    }

    private static long binomial(int n, int k) {
        long result = 1;
        for (int i = 1; i <= k; i++) {
            result = result * (n - k + i) / i;
        }
        return result;
    }

}
