package io.xasflow.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.providers.OrtCUDAProviderOptions;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * One ion's network in an ONNX Runtime session: {@code params} float32 (N, 9) in physical units →
 * {@code spectrum} float32 (N, 501), box-normalised (DESIGN.md §3). Thread-safe: ONNX Runtime sessions accept
 * concurrent {@code run} calls.
 */
public final class SpectrumModel implements AutoCloseable {
    public static final String INPUT = "params";
    public static final String OUTPUT = "spectrum";
    /** Optional output (DESIGN.md §3 allows extras): the network's own estimate of its SE per row, float32 [N]. */
    public static final String PREDICTED_SE = "predicted_se";
    public static final int PARAMETERS = 9;
    /**
     * On the CPU, larger batches run in slices of this many rows: the line-spectrum networks' intermediate tensors
     * (rows × lines × harmonics) then stay in cache; measured 5–8× more spectra/s than one 4 096-row run.
     */
    static final int CPU_CHUNK_ROWS = 256;

    private static final Logger LOG = Logger.getLogger(SpectrumModel.class.getName());
    private static volatile boolean cudaFallbackAnnounced;

    private final OrtEnvironment environment = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final ModelMetadata metadata;
    private final ExecutionProvider providerInUse;
    private final String id;
    /** Runs a large batch's slices side by side (ONNX Runtime sessions are thread-safe); null: one after another. */
    private final ExecutorService slicePool;

    private SpectrumModel(OrtSession session, ModelMetadata metadata, ExecutionProvider providerInUse, String id,
                          int sliceThreads) {
        this.session = session;
        this.metadata = metadata;
        this.providerInUse = providerInUse;
        this.id = id;
        this.slicePool = sliceThreads > 1 ? Executors.newFixedThreadPool(sliceThreads, daemonThreads(id)) : null;
    }

    private static ThreadFactory daemonThreads(String id) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, "onnx-slices-" + id + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Opens a model file after checking its sha256 against {@code expectedSha256} (null: no check, tests only). */
    public static SpectrumModel open(Path file, String expectedSha256, ExecutionProvider provider, int intraOpThreads)
            throws IOException {
        return open(file, expectedSha256, SessionSettings.of(provider, intraOpThreads));
    }

    public static SpectrumModel open(Path file, String expectedSha256, SessionSettings settings) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        String actual = sha256(bytes);
        if (expectedSha256 != null && !actual.equalsIgnoreCase(expectedSha256)) {
            throw new ModelIntegrityException(file + ": sha256 " + actual + " does not match the manifest's "
                    + expectedSha256 + "; refusing to load a model that is not the one listed");
        }
        String id = file.getFileName() + "@" + actual.substring(0, 12);
        try {
            return createSession(file, bytes, id, settings);
        } catch (OrtException e) {
            if (settings.provider() != ExecutionProvider.AUTO || OrtEnvironment.getAvailableProviders().stream()
                    .noneMatch(p -> p == OrtProvider.CUDA)) {
                throw new ModelIntegrityException(file + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
            }
            // a CUDA build on a machine whose GPU cannot take the session (no device, no driver): 'auto' means CPU
            LOG.warning(id + ": CUDA session failed (" + e.getMessage() + "); 'auto' falls back to the CPU");
            try {
                return createSession(file, bytes, id, settings.onCpu());
            } catch (OrtException again) {
                throw new ModelIntegrityException(file + ": ONNX Runtime cannot load it: " + again.getMessage(), again);
            }
        }
    }

    private static SpectrumModel createSession(Path file, byte[] bytes, String id, SessionSettings settings)
            throws OrtException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            ExecutionProvider used = selectProvider(options, settings);
            OrtSession session = OrtEnvironment.getEnvironment().createSession(bytes, options);
            try {
                ModelMetadata metadata = ModelMetadata.parse(file.toString(), session.getMetadata().getCustomMetadata());
                checkSignature(file, session);
                return new SpectrumModel(session, metadata, used, id,
                        used == ExecutionProvider.CPU ? settings.sliceThreads() : 1);
            } catch (RuntimeException | OrtException e) {
                session.close();
                throw e;
            }
        }
    }

    private static ExecutionProvider selectProvider(OrtSession.SessionOptions options, SessionSettings settings)
            throws OrtException {
        ExecutionProvider requested = settings.provider();
        if (requested == ExecutionProvider.CPU) {
            return ExecutionProvider.CPU;
        }
        boolean available = OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
        try {
            if (available) {
                OrtCUDAProviderOptions cuda = new OrtCUDAProviderOptions(settings.cudaDevice());
                if (settings.cudaMemoryLimitBytes() > 0) {
                    cuda.add("gpu_mem_limit", Long.toString(settings.cudaMemoryLimitBytes()));
                }
                options.addCUDA(cuda);
                return ExecutionProvider.CUDA;
            }
            if (requested == ExecutionProvider.CUDA) {
                throw new IllegalStateException("execution provider 'cuda' requested but this ONNX Runtime has "
                        + OrtEnvironment.getAvailableProviders() + " (build with -Pgpu on a machine with CUDA 12)");
            }
        } catch (OrtException e) {
            if (requested == ExecutionProvider.CUDA) {
                throw new IllegalStateException("execution provider 'cuda' requested but no GPU is usable: "
                        + e.getMessage(), e);
            }
        }
        if (!cudaFallbackAnnounced) {
            cudaFallbackAnnounced = true;
            LOG.warning("execution provider 'auto': CUDA is not available here, running ONNX models on the CPU");
        }
        return ExecutionProvider.CPU;
    }

    private static void checkSignature(Path file, OrtSession session) throws OrtException {
        if (!session.getInputNames().contains(INPUT) || !session.getOutputNames().contains(OUTPUT)) {
            throw new ModelIntegrityException(file + ": inputs " + session.getInputNames() + ", outputs "
                    + session.getOutputNames() + "; the contract needs input '" + INPUT + "' and output '" + OUTPUT + "'");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK: this is a bug", e);
        }
    }

    /**
     * Spectra and, when the model has a {@value #PREDICTED_SE} output, its SE estimates.
     *
     * @param spectra     rows × channels box-normalised intensities, row-major
     * @param predictedSe one estimate per row, or null when the model has none
     */
    public record Prediction(float[] spectra, float[] predictedSe) {}

    /**
     * Spectra for {@code rows} parameter rows packed in {@code params} (rows × 9, DESIGN order).
     *
     * @return rows × channels box-normalised intensities, row-major
     */
    public float[] predict(float[] params, int rows) {
        return predictWithUncertainty(params, rows).spectra();
    }

    /** {@link #predict} plus the model's SE estimates when it has them. */
    public Prediction predictWithUncertainty(float[] params, int rows) {
        if (params.length < rows * PARAMETERS) {
            throw new IllegalArgumentException("params holds " + params.length + " values, fewer than rows=" + rows
                    + " × " + PARAMETERS);
        }
        if (providerInUse == ExecutionProvider.CPU && rows > CPU_CHUNK_ROWS) {
            return predictInSlices(params, rows, CPU_CHUNK_ROWS);
        }
        return run(params, 0, rows);
    }

    public boolean hasPredictedSe() {
        return session.getOutputNames().contains(PREDICTED_SE);
    }

    private Prediction run(float[] params, int firstRow, int rows) {
        FloatBuffer input = FloatBuffer.wrap(params, firstRow * PARAMETERS, rows * PARAMETERS).slice();
        try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, new long[] {rows, PARAMETERS});
             OrtSession.Result result = session.run(Map.of(INPUT, tensor))) {
            float[] spectra = floats(result, OUTPUT);
            if (spectra.length != rows * metadata.channels()) {
                throw new ModelIntegrityException(id + " returned " + spectra.length + " values for " + rows
                        + " rows, expected " + rows + " × " + metadata.channels());
            }
            float[] predictedSe = null;
            if (result.get(PREDICTED_SE).isPresent()) {
                predictedSe = floats(result, PREDICTED_SE);
                if (predictedSe.length != rows) {
                    throw new ModelIntegrityException(id + " returned " + predictedSe.length + " SE estimates for "
                            + rows + " rows");
                }
            }
            return new Prediction(spectra, predictedSe);
        } catch (OrtException e) {
            throw new InferenceException(id + ": inference failed for a batch of " + rows + " rows: "
                    + e.getMessage(), e);
        }
    }

    private float[] floats(OrtSession.Result result, String name) throws OrtException {
        OnnxValue value = result.get(name).orElseThrow(
                () -> new ModelIntegrityException(id + " returned no '" + name + "' output"));
        FloatBuffer output = ((OnnxTensor) value).getFloatBuffer();
        float[] values = new float[output.remaining()];
        output.get(values);
        return values;
    }

    /** {@link #predict} in slices of at most {@code batchRows} rows: bounds the native memory of one run. */
    public float[] predictInBatches(float[] params, int rows, int batchRows) {
        return predictInSlices(params, rows, batchRows).spectra();
    }

    private Prediction predictInSlices(float[] params, int rows, int batchRows) {
        if (batchRows <= 0) {
            throw new IllegalArgumentException("batch rows=" + batchRows + " must be > 0");
        }
        List<Supplier<Prediction>> runs = new ArrayList<>();
        for (int first = 0; first < rows; first += batchRows) {
            int from = first;
            runs.add(() -> run(params, from, Math.min(batchRows, rows - from)));
        }
        List<Prediction> slices = new ArrayList<>(runs.size());
        if (slicePool == null || runs.size() == 1) {
            runs.forEach(r -> slices.add(r.get()));
        } else {
            List<Future<Prediction>> pending = new ArrayList<>(runs.size());
            runs.forEach(r -> pending.add(slicePool.submit(r::get)));
            pending.forEach(f -> slices.add(await(f)));
        }
        int channels = metadata.channels();
        float[] spectra = new float[rows * channels];
        float[] predictedSe = null;
        for (int k = 0; k < slices.size(); k++) {
            int first = k * batchRows;
            int n = Math.min(batchRows, rows - first);
            Prediction slice = slices.get(k);
            System.arraycopy(slice.spectra(), 0, spectra, first * channels, n * channels);
            if (slice.predictedSe() != null) {
                predictedSe = predictedSe == null ? new float[rows] : predictedSe;
                System.arraycopy(slice.predictedSe(), 0, predictedSe, first, n);
            }
        }
        return new Prediction(spectra, predictedSe);
    }

    private Prediction await(Future<Prediction> slice) {
        try {
            return slice.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InferenceException(id + ": interrupted while waiting for a slice", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new InferenceException(id + ": a slice failed: " + e.getCause(), e.getCause());
        }
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    public ExecutionProvider providerInUse() {
        return providerInUse;
    }

    /** File name and the first 12 hex digits of its sha256: names the exact model a spectrum came from. */
    public String id() {
        return id;
    }

    @Override
    public void close() {
        if (slicePool != null) {
            slicePool.shutdownNow();
        }
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warning(id + ": closing the ONNX session failed: " + e.getMessage());
        }
    }
}
