package io.xasflow.cli;

import io.xasflow.bench.EngineBenchmark;
import io.xasflow.physics.AtomicDataTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Benchmarks; results print as a table and replace their section of docs/benchmarks.md. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks.",
        subcommands = {BenchCommand.Engine.class})
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

        @Option(names = "--samples", defaultValue = "40", description = "spectra per ion and thread (default: 40)")
        int samples;
        @Option(names = "--ions", defaultValue = "", description = "comma-separated ion keys (default: all 22)")
        String ions;
        @Option(names = "--threads", description = "threads for the throughput column (default: all cores)")
        int threads = Runtime.getRuntime().availableProcessors();
        @Option(names = "--write", defaultValue = "docs/benchmarks.md",
                description = "markdown file whose engine section is replaced; 'none' to skip")
        String write;

        @Override
        public Integer call() throws Exception {
            List<String> ionList = ions.isBlank() ? AtomicDataTable.ionKeys()
                    : Arrays.stream(ions.split(",")).map(String::strip).toList();
            ionList.forEach(AtomicDataTable::ion);
            List<EngineBenchmark.Result> results = EngineBenchmark.run(ionList, samples, threads);
            String table = EngineBenchmark.table(results, samples, threads);
            spec.commandLine().getOut().print(table);
            spec.commandLine().getOut().flush();
            if (!write.equals("none")) {
                writeSection(Path.of(write), table);
            }
            return 0;
        }

        private void writeSection(Path file, String table) throws Exception {
            String section = START + "\n"
                    + "Measured " + LocalDate.now() + " on " + Runtime.getRuntime().availableProcessors() + " cores, "
                    + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")
                    + ", with `./xasflow bench engine --samples " + samples + "`"
                    + (ions.isBlank() ? "" : " --ions " + ions) + ":\n\n" + table + END;
            String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "# Benchmarks\n";
            int start = text.indexOf(START);
            int end = text.indexOf(END);
            if (start >= 0 && end > start) {
                text = text.substring(0, start) + section + text.substring(end + END.length());
            } else {
                text = text.stripTrailing() + "\n\n## Engine\n\n" + section + "\n";
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
    }
}
