package io.xasflow.cli;

import io.xasflow.dataset.DatasetGenerator;
import io.xasflow.dataset.ParameterDomain;
import io.xasflow.physics.AtomicDataTable;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Training and test data from the engine, as resumable .npz shards. */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Samples the parameter domain uniformly (oh-steep, extended-steep: the crystal field on the steepest",
            "spectral change; oh-edges: every range crowded at its bounds; oh-steep-edges: both)",
            "and writes engine spectra as .npz shards",
            "(params float32 [N,9], spectra float32 [N,501] box-normalised, raw_total float32 [N], metadata).",
            "Existing complete shards are kept, so an interrupted run resumes; same seed, same bytes, any --threads."})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--ion", required = true, description = "ion key, e.g. Ni2+") String ion;
    @Option(names = "--count", required = true, description = "number of spectra") long count;
    @Option(names = "--seed", required = true, description = "sampling seed") long seed;
    @Option(names = "--domain", defaultValue = "paper",
            description = "paper | extended | oh | c4v | beyond | cold | oh-steep | extended-steep | oh-edges"
                    + " | oh-steep-edges"
                    + " (default: paper)")
    String domain;
    @Option(names = "--out", required = true, description = "output folder, e.g. data/Ni2+/train") Path out;
    @Option(names = "--shard-size", defaultValue = "5000", description = "spectra per shard (default: 5000)")
    int shardSize;
    @Option(names = "--threads", description = "worker threads (default: all cores)")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        AtomicDataTable.ion(ion);
        DatasetGenerator.Request request = new DatasetGenerator.Request(ion, count, seed,
                ParameterDomain.parse(domain), out, shardSize, threads);
        ProgressBar progress = new ProgressBar(ion + " " + domain, count, System.err);
        DatasetGenerator.Summary summary = DatasetGenerator.generate(request, progress);
        spec.commandLine().getErr().println(String.format(Locale.ROOT,
                "%s: %d shards written, %d kept, %d spectra computed in %.1f s (%.1f spectra/s) -> %s", ion,
                summary.shardsWritten(), summary.shardsKept(), summary.spectraComputed(), summary.seconds(),
                summary.spectraComputed() / Math.max(1e-9, summary.seconds()), out));
        return 0;
    }
}
