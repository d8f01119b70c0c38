package io.xasflow.stream;

import io.xasflow.inference.ExecutionProvider;
import io.xasflow.inference.SessionSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Every configuration key of the stream processor, with its documentation, default and validator (Kafka's
 * ConfigDef). Keys prefixed {@code kafka.} pass through to the Kafka clients unchanged (security.protocol,
 * sasl.jaas.config, ssl.*), so security settings need no code here; passwords are never logged.
 */
public final class StreamConfig extends AbstractConfig {
    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String APPLICATION_ID = "application.id";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String SCHEMA_REGISTRY_BASIC_AUTH = "schema.registry.basic.auth.user.info";
    public static final String TOPIC_PIXELS = "topic.pixels";
    public static final String TOPIC_SPECTRA = "topic.spectra";
    public static final String TOPIC_FLAGS = "topic.flags";
    public static final String TOPIC_REJECTED = "topic.rejected";
    public static final String TOPIC_SCANS = "topic.scans";
    public static final String TOPIC_AUDIT = "topic.audit";
    public static final String SERVING_MODE = "serving.mode";
    public static final String ENGINE_THREADS = "engine.threads";
    public static final String AUDIT_ENABLED = "audit.enabled";
    public static final String AUDIT_SAMPLE_FRACTION = "audit.sample.fraction";
    public static final String AUDIT_THREADS = "audit.threads";
    public static final String AUDIT_MAX_CORE_SHARE = "audit.max.core.share";
    public static final String AUDIT_QUEUE_MAX_RECORDS = "audit.queue.max.records";
    public static final String AUDIT_MAX_WAIT_MS = "audit.max.wait.ms";
    public static final String BATCH_MAX_RECORDS = "batch.max.records";
    public static final String BATCH_LINGER_MS = "batch.linger.ms";
    public static final String BATCH_BUFFER_MAX_RECORDS = "batch.buffer.max.records";
    public static final String MODELS_DIR = "models.dir";
    public static final String EXECUTION_PROVIDER = "execution.provider";
    public static final String INFERENCE_THREADS = "inference.intra.op.threads";
    public static final String SLICE_THREADS = "inference.slice.threads";
    public static final String CUDA_DEVICE = "cuda.device.id";
    public static final String CUDA_MEMORY_LIMIT = "cuda.memory.limit.bytes";
    public static final String METRICS_PORT = "metrics.port";
    public static final String METRICS_HOST = "metrics.host";
    public static final String STREAM_THREADS = "num.stream.threads";
    public static final String OUTLIER_THRESHOLD = "flags.outlier.confidence.threshold";
    public static final String OUTSIDE_CHECK = "flags.outside.check";
    public static final String STATE_DIR = "state.dir";
    public static final String COMMIT_INTERVAL_MS = "commit.interval.ms";
    public static final String KAFKA_PREFIX = "kafka.";
    /** {@code XASFLOW_BOOTSTRAP_SERVERS=…} sets {@code bootstrap.servers} (containers configure through these). */
    public static final String ENVIRONMENT_PREFIX = "XASFLOW_";
    /** Variables of the launcher script, not configuration keys. */
    private static final Set<String> LAUNCHER_VARIABLES = Set.of("XASFLOW_HOME", "XASFLOW_JAVA_OPTS");

    static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, "localhost:9092", Importance.HIGH,
                    "Kafka brokers, host:port[,host:port…].")
            .define(APPLICATION_ID, Type.STRING, "xasflow", Importance.HIGH,
                    "Kafka Streams application id: consumer group, internal topic and state-store prefix. Instances"
                            + " with the same id share the work.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "http://localhost:8081", Importance.HIGH,
                    "Confluent-compatible schema registry base URL.")
            .define(SCHEMA_REGISTRY_BASIC_AUTH, Type.PASSWORD, "", Importance.MEDIUM,
                    "user:password for the registry's HTTP basic auth; empty for none.")
            .define(TOPIC_PIXELS, Type.STRING, "xas.pixels", Importance.HIGH, "Input: one PixelParameters per pixel.")
            .define(TOPIC_SPECTRA, Type.STRING, "xas.spectra", Importance.HIGH, "Output: one PixelSpectrum per pixel.")
            .define(TOPIC_FLAGS, Type.STRING, "xas.flags", Importance.HIGH, "Output: one PixelFlag per pixel.")
            .define(TOPIC_REJECTED, Type.STRING, "xas.rejected", Importance.HIGH,
                    "Output: input that cannot be processed, with its original bytes and the reason.")
            .define(TOPIC_SCANS, Type.STRING, "xas.scans", Importance.HIGH,
                    "Output: one ScanSummary when every pixel of a scan is done.")
            .define(TOPIC_AUDIT, Type.STRING, "xas.audit", Importance.MEDIUM,
                    "Output: one PixelAudit per pixel recomputed by the exact engine (outliers and a random sample).")
            .define(SERVING_MODE, Type.STRING, "network", ValidString.in("network", "hybrid", "exact"), Importance.HIGH,
                    "network: every spectrum from the network, flags alongside; hybrid: pixels flagged as outliers get"
                            + " the exact engine's spectrum before publication; exact: every pixel from the engine.")
            .define(ENGINE_THREADS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM,
                    "Threads of the exact engine for hybrid and exact serving (per processor).")
            .define(AUDIT_ENABLED, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Recompute outliers and a random sample with the exact engine and publish the measured SE.")
            .define(AUDIT_SAMPLE_FRACTION, Type.DOUBLE, 0.005, Range.between(0, 1), Importance.MEDIUM,
                    "Share of trusted pixels audited anyway (a deterministic hash of the pixel ids).")
            .define(AUDIT_THREADS, Type.INT, 1, Range.atLeast(1), Importance.LOW, "Engine threads of the audit lane.")
            .define(AUDIT_MAX_CORE_SHARE, Type.DOUBLE, 0.1, Range.between(0.001, 1), Importance.LOW,
                    "Share of a core each audit thread may use; beyond it the lane rests, its queue fills and it"
                            + " samples less (and says so), so the audit never takes the fast path's CPU.")
            .define(AUDIT_QUEUE_MAX_RECORDS, Type.INT, 32, Range.atLeast(1), Importance.LOW,
                    "Pixels that may wait for an audit; when full, the lane skips pixels (and says so) instead of"
                            + " slowing the spectra.")
            .define(AUDIT_MAX_WAIT_MS, Type.LONG, 30_000L, Range.atLeast(0), Importance.LOW,
                    "How long a scan's summary waits, after its last pixel, for outstanding audits.")
            .define(BATCH_MAX_RECORDS, Type.INT, 512, Range.between(1, 65536), Importance.MEDIUM,
                    "A micro-batch of one ion is run through its network as soon as it holds this many pixels.")
            .define(BATCH_LINGER_MS, Type.LONG, 50L, Range.between(1, 60000), Importance.MEDIUM,
                    "…or when its oldest pixel has waited this long (wall clock).")
            .define(BATCH_BUFFER_MAX_RECORDS, Type.INT, 20000, Range.between(1, 10_000_000), Importance.LOW,
                    "Bound on buffered pixels per task; when reached, every batch is flushed at once.")
            .define(MODELS_DIR, Type.STRING, "models-onnx", Importance.HIGH,
                    "Directory with manifest.json and the ONNX models (sha256-checked before loading).")
            .define(EXECUTION_PROVIDER, Type.STRING, "auto", ValidString.in("auto", "cuda", "cpu"), Importance.MEDIUM,
                    "auto: CUDA when available, else CPU with one warning; cuda: fail without a GPU; cpu: never CUDA.")
            .define(INFERENCE_THREADS, Type.INT, 1, Range.atLeast(1), Importance.LOW,
                    "ONNX Runtime intra-op threads per model session.")
            .define(SLICE_THREADS, Type.INT, 1, Range.atLeast(1), Importance.LOW,
                    "CPU threads per model that run the 256-row slices of one large batch side by side (each slice"
                            + " single-threaded in ONNX Runtime). 1 suits the stream, whose stream threads already run"
                            + " batches in parallel; more pays off when few threads send large batches.")
            .define(CUDA_DEVICE, Type.INT, 0, Range.atLeast(0), Importance.LOW,
                    "GPU index for the CUDA execution provider.")
            .define(CUDA_MEMORY_LIMIT, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                    "Upper bound in bytes on ONNX Runtime's CUDA memory arena per model session; 0 = no limit.")
            .define(METRICS_PORT, Type.INT, 9404, Range.between(-1, 65535), Importance.MEDIUM,
                    "Port of the Prometheus endpoint GET /metrics; 0 = any free port, -1 = no endpoint.")
            .define(METRICS_HOST, Type.STRING, "0.0.0.0", Importance.LOW, "Interface the metrics endpoint binds to.")
            .define(STREAM_THREADS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM, "Kafka Streams threads.")
            .define(OUTLIER_THRESHOLD, Type.DOUBLE, -1.0, Range.between(-1, 1), Importance.MEDIUM,
                    "A pixel whose confidence (P(SE < 10 %)) is below this is flagged as an outlier; -1 = each model's"
                            + " recommended threshold from its calibration (0.5 for a model without an SE head).")
            .define(OUTSIDE_CHECK, Type.STRING, "exact", ValidString.in("exact", "model"), Importance.MEDIUM,
                    "Pixels outside the model's trained box: exact = flagged by their SE measured against the engine"
                            + " (an exact spectrum per such pixel, on the fast path); model = by the model's estimate.")
            .define(STATE_DIR, Type.STRING, System.getProperty("java.io.tmpdir") + "/xasflow-streams", Importance.LOW,
                    "Local state (batch buffers, scan progress); rebuilt from changelogs when lost.")
            .define(COMMIT_INTERVAL_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                    "Transaction commit interval under exactly_once_v2 (latency vs throughput).");

    public StreamConfig(Map<?, ?> values) {
        super(DEFINITION, values, false);
    }

    /**
     * A Java properties file (null: none) with {@code XASFLOW_*} environment variables on top, as containers set
     * them.
     */
    public static StreamConfig load(Path file, Map<String, String> environment) throws IOException {
        Properties properties = new Properties();
        if (file != null) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        }
        properties.putAll(fromEnvironment(environment));
        return new StreamConfig(properties);
    }

    /**
     * Configuration keys set by {@code XASFLOW_*} environment variables: the rest of the name in lower case with
     * {@code _} → {@code .} ({@code XASFLOW_KAFKA_SECURITY_PROTOCOL} → {@code kafka.security.protocol}). No key
     * contains an underscore, so the mapping is exact; a variable that names no key is an error, not ignored.
     */
    public static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> out = new TreeMap<>();
        environment.forEach((name, value) -> {
            if (!name.startsWith(ENVIRONMENT_PREFIX) || LAUNCHER_VARIABLES.contains(name)) {
                return;
            }
            String key = name.substring(ENVIRONMENT_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
            if (!DEFINITION.names().contains(key) && !(key.startsWith(KAFKA_PREFIX) && key.length() > KAFKA_PREFIX.length())) {
                throw new IllegalArgumentException("environment variable " + name + " names configuration key '" + key
                        + "', which does not exist; keys: " + new TreeSet<>(DEFINITION.names()) + " or kafka.*");
            }
            out.put(key, value);
        });
        return out;
    }

    /** Every key this class defines (without the {@code kafka.*} pass-through). */
    public static Set<String> keys() {
        return DEFINITION.names();
    }

    /** Documentation of every key (for --help and docs/operations.md). */
    public static String documentation() {
        return DEFINITION.toRst();
    }

    /** Kafka Streams properties: exactly_once_v2, our ids and threads, plus every {@code kafka.*} pass-through. */
    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, getString(BOOTSTRAP_SERVERS));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, getInt(STREAM_THREADS));
        p.put(StreamsConfig.STATE_DIR_CONFIG, getString(STATE_DIR));
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, getLong(COMMIT_INTERVAL_MS));
        p.putAll(passThrough());
        return p;
    }

    /** {@code kafka.}-prefixed keys without the prefix, for Kafka clients (producers, admin) outside Streams. */
    public Map<String, Object> passThrough() {
        Map<String, Object> out = new HashMap<>();
        originalsWithPrefix(KAFKA_PREFIX).forEach(out::put);
        return out;
    }

    /** How the processor opens its ONNX Runtime sessions. */
    public SessionSettings sessionSettings() {
        return new SessionSettings(ExecutionProvider.parse(getString(EXECUTION_PROVIDER)), getInt(INFERENCE_THREADS),
                getInt(SLICE_THREADS), getInt(CUDA_DEVICE), getLong(CUDA_MEMORY_LIMIT));
    }

    public String registryUserInfo() {
        String value = getPassword(SCHEMA_REGISTRY_BASIC_AUTH).value();
        return value.isEmpty() ? null : value;
    }
}
