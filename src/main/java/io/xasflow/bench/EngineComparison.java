package io.xasflow.bench;

import io.xasflow.dataset.ParameterDomain;
import io.xasflow.dataset.ParameterSampler;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * This build's engine against another build's, in one JVM, timed spectrum by spectrum in alternation: the ratio of
 * their times per ion, and how far their spectra differ.
 *
 * <p>On a shared VM two runs of the same jar in separate JVMs differ by more than most engine changes gain (10–40 %
 * between rounds here). Alternating the two builds sample by sample exposes both to the same slow spells, so their
 * ratio survives the noise that their absolute times do not. The other build's {@code io.xasflow} classes come from
 * its own jar or classes directory; everything else (LAPACK/BLAS bindings, the JDK) is shared, so the comparison is of
 * the engine's code alone.
 */
public final class EngineComparison {
    /**
     * One ion: both builds' median round means (ms per spectrum, one thread), the median and range of the per-round
     * ratios (this build / baseline), and the largest difference of their normalised spectra on any channel.
     */
    public record Result(String ion, double baselineMs, double currentMs, double ratio, double minRatio,
            double maxRatio, double maxDifference) {}

    private EngineComparison() {}

    /**
     * @param baseline the other build: its jar or its classes directory
     * @param samples spectra per ion and round, each computed by both builds
     */
    public static List<Result> run(Path baseline, List<String> ions, int samples, int rounds) throws Exception {
        if (samples < 1 || rounds < 1) {
            throw new IllegalArgumentException("need at least one sample and one round, got samples=" + samples
                    + ", rounds=" + rounds);
        }
        Build current = Build.of(EngineComparison.class.getClassLoader());
        try (URLClassLoader loader = Build.loaderFor(baseline)) {
            Build other = Build.of(loader);
            ParameterSampler sampler = new ParameterSampler(ParameterDomain.PAPER, EngineBenchmark.SEED);
            ParameterSampler warmUp = new ParameterSampler(ParameterDomain.PAPER, EngineBenchmark.SEED + 1);
            for (int s = 0; s < samples; s++) {
                for (String ion : ions) {
                    current.normalised(ion, warmUp.sample(s));
                    other.normalised(ion, warmUp.sample(s));
                }
            }
            double[][] currentMs = new double[ions.size()][rounds];
            double[][] otherMs = new double[ions.size()][rounds];
            double[] maxDifference = new double[ions.size()];
            for (int round = 0; round < rounds; round++) {
                for (int k = 0; k < ions.size(); k++) {
                    String ion = ions.get(k);
                    for (int s = 0; s < samples; s++) {
                        double[] parameters = sampler.sample(s);
                        // Which build goes first alternates, so neither always runs on the other's warm caches.
                        boolean currentFirst = (s + round) % 2 == 0;
                        Build first = currentFirst ? current : other;
                        Build second = currentFirst ? other : current;
                        long start = System.nanoTime();
                        double[] a = first.normalised(ion, parameters);
                        long middle = System.nanoTime();
                        double[] b = second.normalised(ion, parameters);
                        long end = System.nanoTime();
                        currentMs[k][round] += (currentFirst ? middle - start : end - middle) / 1e6 / samples;
                        otherMs[k][round] += (currentFirst ? end - middle : middle - start) / 1e6 / samples;
                        maxDifference[k] = Math.max(maxDifference[k], largestDifference(ion, a, b));
                    }
                }
            }
            List<Result> results = new ArrayList<>();
            for (int k = 0; k < ions.size(); k++) {
                double[] ratios = new double[rounds];
                for (int round = 0; round < rounds; round++) {
                    ratios[round] = currentMs[k][round] / otherMs[k][round];
                }
                Arrays.sort(ratios);
                results.add(new Result(ions.get(k), EngineBenchmark.median(otherMs[k]),
                        EngineBenchmark.median(currentMs[k]), EngineBenchmark.median(ratios),
                        ratios[0], ratios[rounds - 1], maxDifference[k]));
            }
            return results;
        }
    }

    /** Markdown table plus the median ratio over ions. */
    public static String table(Path baseline, List<Result> results, int samples, int rounds) {
        StringBuilder md = new StringBuilder(String.format(Locale.ROOT, "| ion | baseline ms | this build ms "
                + "| ratio (median of %d rounds) | round ratios | max Δ normalised |%n|---|---|---|---|---|---|%n",
                rounds));
        for (Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.3f | %.3f–%.3f | %.1e |%n", r.ion(),
                    r.baselineMs(), r.currentMs(), r.ratio(), r.minRatio(), r.maxRatio(), r.maxDifference()));
        }
        double[] ratios = results.stream().mapToDouble(Result::ratio).toArray();
        boolean identical = results.stream().allMatch(r -> r.maxDifference() == 0);
        md.append(String.format(Locale.ROOT, "%nMedian ratio over these %d ions: %.3f (this build / %s; %d paper-domain"
                + " D4h samples per ion and round, the builds alternated per sample in one JVM). Spectra %s.%n",
                ratios.length, EngineBenchmark.median(ratios), baseline, samples, identical ? "bit-identical"
                        : "differ (see the last column)"));
        return md.toString();
    }

    /** The largest channel difference; spectra of different lengths are a broken comparison, not a difference. */
    private static double largestDifference(String ion, double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("the builds give " + ion + " spectra of " + a.length + " and " + b.length
                    + " channels");
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    /** One build's public engine entry points, reached by reflection so that any build with them can be compared. */
    record Build(Class<?> engine, Method compute, Method parameters, Method normalised) {
        static Build of(ClassLoader loader) throws ReflectiveOperationException {
            Class<?> engine = Class.forName("io.xasflow.physics.SpectrumEngine", true, loader);
            Class<?> parameters = Class.forName("io.xasflow.physics.SpectrumParameters", true, loader);
            Class<?> spectrum = Class.forName("io.xasflow.physics.XasSpectrum", true, loader);
            return new Build(engine, engine.getMethod("compute", String.class, parameters),
                    parameters.getMethod("of", double[].class), spectrum.getMethod("normalised"));
        }

        /**
         * A loader for another build's {@code io.xasflow} classes and resources (the atomic parameters among them),
         * looked up there first; every other class comes from this build's loader.
         */
        static URLClassLoader loaderFor(Path build) throws IOException {
            if (!Files.isDirectory(build) && !(Files.isRegularFile(build) && build.toString().endsWith(".jar"))) {
                throw new IllegalArgumentException("baseline build " + build
                        + " is neither a jar nor a classes directory");
            }
            URL url;
            try {
                url = build.toUri().toURL();
            } catch (MalformedURLException e) {
                throw new IllegalArgumentException("baseline build " + build + " has no usable URL", e);
            }
            return new BuildFirstLoader(url, EngineComparison.class.getClassLoader());
        }

        double[] normalised(String ion, double[] values) throws Exception {
            try {
                Object spectrum = compute.invoke(null, ion, parameters.invoke(null, (Object) values));
                return (double[]) normalised.invoke(spectrum);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
    }

    /** Child-first for the project's own classes and resources, parent-first for everything else. */
    private static final class BuildFirstLoader extends URLClassLoader {
        private static final String OWN = "io.xasflow.";

        BuildFirstLoader(URL build, ClassLoader shared) {
            super(new URL[] {build}, shared);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(OWN)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }

        @Override
        public URL getResource(String name) {
            URL own = findResource(name);
            return own != null ? own : super.getResource(name);
        }
    }
}
