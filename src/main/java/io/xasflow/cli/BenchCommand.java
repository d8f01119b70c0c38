package io.xasflow.cli;

import io.xasflow.bench.EngineBenchmark;
import io.xasflow.bench.EngineComparison;
import io.xasflow.inference.ExecutionProvider;
import io.xasflow.inference.ModelManifest;
import io.xasflow.inference.SessionSettings;
import io.xasflow.inference.SpectrumModel;
import io.xasflow.physics.AtomicDataTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Benchmarks; results print as a table and replace their section of docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Engine.class, BenchCommand.EngineAb.class, BenchCommand.Inference.class})
final class BenchCommand implements Runnable {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    @Command(name = "engine", mixinStandardHelpOptions = true,
            description = "Per ion: ms per spectrum on one thread and spectra/s on all threads.")
    static final class Engine implements Callable<Integer> {
        static final String START = "<!-- bench-engine:start -->";
        static final String END = "<!-- bench-engine:end -->";

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        Sampling sampling;
        @Option(names = "--threads", description = "threads for the throughput column (default: all cores)")
        int threads = Runtime.getRuntime().availableProcessors();
        @Option(names = "--write", defaultValue = "docs/benchmarks.md",
                description = "markdown file whose engine section is replaced; 'none' to skip")
        String write;

        @Override
        public Integer call() throws Exception {
            List<EngineBenchmark.Result> results = EngineBenchmark.run(sampling.ionList(), sampling.samples,
                    sampling.rounds, threads);
            String table = EngineBenchmark.table(results, sampling.samples, sampling.rounds, threads);
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
            if (!write.equals("none")) {
                writeSection(Path.of(write), table);
            }
            return 0;
        }

        private void writeSection(Path file, String table) throws Exception {
            BenchCommand.writeSection(file, "Engine", START, END, "`./xasflow bench engine --samples "
                    + sampling.samples + " --rounds " + sampling.rounds
                    + (sampling.ions.isBlank() ? "" : " --ions " + sampling.ions) + "`", table);
        }
    }

    @Command(name = "engine-ab", mixinStandardHelpOptions = true,
            description = "This build's engine against another build's in one JVM, alternated per spectrum: per ion "
                    + "the ratio of their times and the largest difference of their spectra.")
    static final class EngineAb implements Callable<Integer> {
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--baseline", required = true,
                description = "the other build: its xasflow jar or its classes directory")
        Path baseline;
        @Mixin
        Sampling sampling;

        @Override
        public Integer call() throws Exception {
            List<EngineComparison.Result> results = EngineComparison.run(baseline, sampling.ionList(),
                    sampling.samples, sampling.rounds);
            spec.commandLine().getOut().print(EngineComparison.table(baseline, results, sampling.samples,
                    sampling.rounds));
            spec.commandLine().getOut().flush();
            return 0;
        }
    }

    /** What both engine benchmarks time: which ions, how many samples of each, in how many rounds. */
    static final class Sampling {
        @Option(names = "--samples", defaultValue = "40",
                description = "spectra per ion and round (the throughput column of `engine`: per thread) "
                        + "(default: 40)")
        int samples;
        @Option(names = "--rounds", defaultValue = "5",
                description = "one-thread rounds over every ion; each ion's figure is its median round (default: 5)")
        int rounds;
        @Option(names = "--ions", defaultValue = "", description = "comma-separated ion keys (default: all 22)")
        String ions;

        /** The ions, each checked; blank means all 22. */
        List<String> ionList() {
            List<String> ionList = ions.isBlank() ? AtomicDataTable.ionKeys()
                    : Arrays.stream(ions.split(",")).map(String::strip).toList();
            ionList.forEach(AtomicDataTable::ion);
            return ionList;
        }
    }

    @Command(name = "inference", mixinStandardHelpOptions = true,
            description = "Per committed ONNX model: spectra/s through ONNX Runtime (CPU) by batch size and threads.")
    static final class Inference implements Callable<Integer> {
        static final String START = "<!-- bench-inference:start -->";
        static final String END = "<!-- bench-inference:end -->";

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--models", description = "model directory (default: ${DEFAULT-VALUE})")
        Path models = PredictCommand.defaultModelDirectory();
        @Option(names = "--seconds", defaultValue = "3", description = "timed seconds per configuration (default: 3)")
        double seconds;
        @Option(names = "--write", defaultValue = "docs/benchmarks.md",
                description = "markdown file whose inference section is replaced; 'none' to skip")
        String write;

        @Override
        public Integer call() throws Exception {
            int cores = Runtime.getRuntime().availableProcessors();
            // Two ways to use the cores on one batch: ONNX Runtime's intra-op threads inside each run, or the batch's
            // 256-row slices run side by side, one thread each.
            int[][] threading = cores > 1 ? new int[][] {{1, 1}, {cores, 1}, {1, cores}} : new int[][] {{1, 1}};
            StringBuilder table = new StringBuilder("| model | architecture | batch | intra-op threads | slice threads"
                    + " | spectra/s |\n|---|---|---|---|---|---|\n");
            ModelManifest manifest = ModelManifest.load(models);
            for (ModelManifest.Entry entry : manifest.entries()) {
                for (int[] t : threading) {
                    try (SpectrumModel model = SpectrumModel.open(models.resolve(entry.file()), entry.sha256(),
                            new SessionSettings(ExecutionProvider.CPU, t[0], t[1], 0, 0L))) {
                        for (int batch : new int[] {256, 1024, 4096}) {
                            double rate = throughput(model, batch);
                            table.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %d | %.0f |%n",
                                    entry.file(), entry.architecture(), batch, t[0], t[1], rate));
                        }
                    }
                }
            }
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
            if (!write.equals("none")) {
                BenchCommand.writeSection(Path.of(write), "Network inference", START, END,
                        "`./xasflow bench inference --seconds " + seconds + "`", table.toString());
            }
            return 0;
        }

        /** Spectra per second for random in-domain inputs, after a warm-up run. */
        private double throughput(SpectrumModel model, int batch) {
            double[] lo = model.metadata().domainMin();
            double[] hi = model.metadata().domainMax();
            java.util.SplittableRandom random = new java.util.SplittableRandom(batch);
            float[] params = new float[batch * SpectrumModel.PARAMETERS];
            for (int i = 0; i < params.length; i++) {
                int d = i % SpectrumModel.PARAMETERS;
                params[i] = (float) (lo[d] + (hi[d] - lo[d]) * random.nextDouble());
            }
            model.predict(params, batch);
            long start = System.nanoTime();
            long done = 0;
            while (System.nanoTime() - start < seconds * 1e9) {
                model.predict(params, batch);
                done += batch;
            }
            return done / ((System.nanoTime() - start) / 1e9);
        }
    }

    /** Replaces (or appends) the section between {@code start} and {@code end} markers of a markdown file. */
    static void writeSection(Path file, String title, String start, String end, String command, String table)
            throws Exception {
        String section = start + "\n"
                + "Measured " + LocalDate.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores, "
                + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                + ", with " + command + ":\n\n" + table + end;
        String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
        int from = text.indexOf(start);
        int to = text.indexOf(end);
        if (from >= 0 && to > from) {
            text = text.substring(0, from) + section + text.substring(to + end.length());
        } else {
            text = text.stripTrailing() + "\n\n## " + title + "\n\n" + section + "\n";
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
