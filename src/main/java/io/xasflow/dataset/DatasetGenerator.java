package io.xasflow.dataset;

import io.xasflow.physics.AtomicDataTable;
import io.xasflow.physics.EnergyAxis;
import io.xasflow.physics.IonParameters;
import io.xasflow.physics.SpectrumEngine;
import io.xasflow.physics.SpectrumParameters;
import io.xasflow.physics.XasSpectrum;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/**
 * Generates engine spectra into resumable {@code .npz} shards. Shard files are named by their index range and appear
 * atomically (written to a temporary file, then renamed), so an existing shard is complete and is kept on a rerun.
 * Sample i depends only on (seed, i) and each row is computed independently, so the output is byte-identical for any
 * thread count.
 */
public final class DatasetGenerator {
    /** What to generate. */
    public record Request(String ion, long count, long seed, ParameterDomain domain, Path outDir, int shardSize,
            int threads) {
        public Request {
            AtomicDataTable.ion(ion);
            if (count <= 0) {
                throw new IllegalArgumentException("count=" + count + " must be > 0");
            }
            if (shardSize <= 0) {
                throw new IllegalArgumentException("shard size=" + shardSize + " must be > 0");
            }
            if (threads <= 0) {
                throw new IllegalArgumentException("threads=" + threads + " must be > 0");
            }
        }
    }

    /** What a run did. */
    public record Summary(int shardsWritten, int shardsKept, long spectraComputed, double seconds) {}

    private static final int TASK_ROWS = 8;

    private DatasetGenerator() {}

    public static Summary generate(Request request, LongConsumer progress) throws IOException, InterruptedException {
        Files.createDirectories(request.outDir());
        checkOrWriteDescription(request);
        long start = System.nanoTime();
        AtomicLong done = new AtomicLong();
        int written = 0;
        int kept = 0;
        long computed = 0;
        ExecutorService pool = Executors.newFixedThreadPool(request.threads(), runnable -> {
            Thread thread = new Thread(runnable, "xasflow-generate");
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (long first = 0; first < request.count(); first += request.shardSize()) {
                long last = Math.min(request.count(), first + request.shardSize());
                Path shard = request.outDir().resolve(String.format(Locale.ROOT, "shard-%09d-%09d.npz", first, last));
                if (Files.exists(shard)) {
                    kept++;
                    progress.accept(done.addAndGet(last - first));
                    continue;
                }
                writeShard(request, first, last, shard, pool, done, progress);
                computed += last - first;
                written++;
            }
        } finally {
            pool.shutdownNow();
        }
        return new Summary(written, kept, computed, (System.nanoTime() - start) / 1e9);
    }

    private static void writeShard(Request request, long first, long last, Path shard, ExecutorService pool,
            AtomicLong done, LongConsumer progress) throws IOException, InterruptedException {
        int rows = (int) (last - first);
        int channels = EnergyAxis.CHANNELS;
        float[] params = new float[rows * 9];
        float[] spectra = new float[rows * channels];
        float[] totals = new float[rows];
        SampleSource sampler = SampleSource.of(request.ion(), request.domain(), request.seed());
        List<Future<?>> tasks = new ArrayList<>();
        for (int from = 0; from < rows; from += TASK_ROWS) {
            int taskFrom = from;
            int taskTo = Math.min(rows, from + TASK_ROWS);
            tasks.add(pool.submit(() -> {
                for (int r = taskFrom; r < taskTo; r++) {
                    double[] p = sampler.sample(first + r);
                    XasSpectrum spectrum = SpectrumEngine.compute(request.ion(), SpectrumParameters.of(p));
                    for (int d = 0; d < 9; d++) {
                        params[r * 9 + d] = (float) p[d];
                    }
                    for (int c = 0; c < channels; c++) {
                        spectra[r * channels + c] = (float) spectrum.normalised()[c];
                    }
                    totals[r] = (float) spectrum.totalIntensity();
                    progress.accept(done.incrementAndGet());
                }
            }));
        }
        for (Future<?> task : tasks) {
            try {
                task.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("spectrum computation failed in shard " + shard.getFileName(), e.getCause());
            }
        }
        Path temporary = shard.resolveSibling(shard.getFileName() + ".tmp");
        IonParameters ion = AtomicDataTable.ion(request.ion());
        EnergyAxis axis = EnergyAxis.forEdge(ion.edgeL3Ev());
        try (NpzWriter npz = new NpzWriter(temporary)) {
            npz.writeFloat32("params", params, rows, 9);
            npz.writeFloat32("spectra", spectra, rows, channels);
            npz.writeFloat32("raw_total", totals, rows);
            npz.writeFloat64("domain_min", request.domain().min(), 9);
            npz.writeFloat64("domain_max", request.domain().max(), 9);
            npz.writeFloat64("energy_axis", new double[] {axis.startEv(), axis.stepEv(), axis.channels()}, 3);
            npz.writeText("metadata_json", metadataJson(request, axis, first, last));
        }
        Files.move(temporary, shard, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static String metadataJson(Request request, EnergyAxis axis, long first, long last) {
        IonParameters ion = AtomicDataTable.ion(request.ion());
        return "{"
                + "\"ion\": \"" + request.ion() + "\", "
                + "\"domain\": \"" + request.domain().key() + "\", "
                + "\"parameter_names\": " + SpectrumParameters.NAMES.stream().map(n -> "\"" + n + "\"")
                        .collect(Collectors.joining(", ", "[", "]")) + ", "
                + "\"domain_min\": " + Arrays.toString(request.domain().min()) + ", "
                + "\"domain_max\": " + Arrays.toString(request.domain().max()) + ", "
                + "\"sampling\": \"" + request.domain().samplingNote() + "\", "
                + "\"energy_axis\": {\"start_ev\": " + axis.startEv() + ", \"step_ev\": " + axis.stepEv()
                        + ", \"channels\": " + axis.channels() + "}, "
                + "\"d_electrons\": " + ion.dElectrons() + ", "
                + "\"edge_l3_ev\": " + ion.edgeL3Ev() + ", "
                + "\"zeta_2p_ev\": " + ion.zeta2pEv() + ", "
                + "\"lifetime_step_ev\": " + SpectrumEngine.lifetimeStepEv(ion) + ", "
                + "\"contract_version\": \"" + SpectrumEngine.CONTRACT_VERSION + "\", "
                + "\"engine_version\": \"" + SpectrumEngine.ENGINE_VERSION + "\", "
                + "\"seed\": " + request.seed() + ", "
                + "\"first_index\": " + first + ", "
                + "\"last_index_exclusive\": " + last
                + "}";
    }

    /** A rerun must ask for the same dataset (ion, domain, seed, shard size); the count may grow. */
    private static void checkOrWriteDescription(Request request) throws IOException {
        Path description = request.outDir().resolve("dataset.json");
        String expected = "{\"ion\": \"" + request.ion() + "\", \"domain\": \"" + request.domain().key()
                + "\", \"seed\": " + request.seed() + ", \"shard_size\": " + request.shardSize()
                + ", \"contract_version\": \"" + SpectrumEngine.CONTRACT_VERSION + "\", \"engine_version\": \""
                + SpectrumEngine.ENGINE_VERSION + "\"}\n";
        if (Files.exists(description)) {
            String existing = Files.readString(description, StandardCharsets.UTF_8);
            if (!existing.equals(expected)) {
                throw new IllegalArgumentException("output folder " + request.outDir() + " holds another dataset: "
                        + existing.trim() + "; this run asks for " + expected.trim()
                        + " (use another --out or delete the folder)");
            }
            return;
        }
        Files.writeString(description, expected, StandardCharsets.UTF_8);
    }
}
