package io.xasflow;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.xasflow.stream.StreamConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * There is no Docker engine on these machines, so the testbed files are checked by parsing them: services, pinned
 * images, environment keys the processor understands, topic names, GPU reservation, healthchecks, volumes.
 */
class DeploymentFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern PINNED = Pattern.compile("[\\w./-]+:(?!latest$)[\\w.-]*\\d[\\w.-]*");

    private static JsonNode compose() throws Exception {
        return YAML.readTree(Path.of("docker-compose.yml").toFile());
    }

    @Test
    void composeHasTheTestbedServicesWithPinnedImages() throws Exception {
        JsonNode services = compose().get("services");
        for (String name : List.of("kafka", "schema-registry", "kafka-init", "xasflow", "simulator", "prometheus")) {
            assertTrue(services.has(name), "service " + name);
            String image = services.get(name).path("image").asText();
            assertTrue(PINNED.matcher(image).matches(), name + " image '" + image + "' is not pinned to a version");
        }
        assertTrue(services.get("kafka").get("image").asText().startsWith("apache/kafka:4."), "official Kafka 4.x");
        assertTrue(services.get("schema-registry").get("image").asText().startsWith("confluentinc/cp-schema-registry:"));
        assertEquals("Dockerfile", services.get("xasflow").get("build").get("dockerfile").asText());
        assertEquals(services.get("xasflow").get("image").asText(), services.get("simulator").get("image").asText(),
                "the simulator runs the processor image's simulate-scan command");
        assertEquals("simulate-scan", services.get("simulator").get("command").get(0).asText());
    }

    @Test
    void kafkaRunsInKraftModeWithoutZookeeper() throws Exception {
        JsonNode services = compose().get("services");
        JsonNode env = services.get("kafka").get("environment");
        assertEquals("broker,controller", env.get("KAFKA_PROCESS_ROLES").asText());
        assertTrue(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS").asText().contains("@kafka:"));
        assertEquals(1, env.get("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR").asInt(), "EOS on one broker");
        services.fieldNames().forEachRemaining(n -> assertFalse(n.contains("zookeeper"), n));
    }

    @Test
    void processorEnvironmentNamesOnlyRealConfigKeysAndTheDefaultTopics() throws Exception {
        JsonNode env = compose().get("services").get("xasflow").get("environment");
        Map<String, String> variables = new HashMap<>();
        env.fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
        Map<String, String> keys = assertDoesNotThrow(() -> StreamConfig.fromEnvironment(variables));
        assertEquals(variables.size(), keys.size(), "every variable is a configuration key");
        StreamConfig config = assertDoesNotThrow(() -> new StreamConfig(keys), "values pass the validators");
        assertEquals("kafka:9092", config.getString(StreamConfig.BOOTSTRAP_SERVERS));
        assertEquals("http://schema-registry:8081", config.getString(StreamConfig.SCHEMA_REGISTRY_URL));

        StreamConfig defaults = new StreamConfig(Map.of());
        List<String> topicKeys = List.of(StreamConfig.TOPIC_PIXELS, StreamConfig.TOPIC_SPECTRA, StreamConfig.TOPIC_FLAGS,
                StreamConfig.TOPIC_REJECTED, StreamConfig.TOPIC_SCANS, StreamConfig.TOPIC_AUDIT);
        String init = compose().get("services").get("kafka-init").get("command").get(0).asText();
        for (String key : topicKeys) {
            String topic = defaults.getString(key);
            assertEquals(topic, config.getString(key), key + " in compose = the default");
            assertTrue(init.contains(topic), "kafka-init creates " + topic);
        }
        Matcher partitions = Pattern.compile("--topic xas.pixels --partitions (\\d+)").matcher(init);
        assertTrue(partitions.find() && Integer.parseInt(partitions.group(1)) >= 2, "input spread over partitions");
        assertEquals("9404", keys.get(StreamConfig.METRICS_PORT));
    }

    @Test
    void environmentVariablesThatNameNoKeyAreRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> StreamConfig.fromEnvironment(Map.of("XASFLOW_BOOTSTRAP_SERVER", "x:1")));
        assertTrue(e.getMessage().contains("XASFLOW_BOOTSTRAP_SERVER") && e.getMessage().contains("bootstrap.server"));
        assertEquals(Map.of("kafka.security.protocol", "SASL_SSL"), StreamConfig.fromEnvironment(
                Map.of("XASFLOW_KAFKA_SECURITY_PROTOCOL", "SASL_SSL", "XASFLOW_HOME", "/opt", "PATH", "/bin")));
    }

    @Test
    void processorReservesAnNvidiaGpuAndTheCpuOverrideDropsIt() throws Exception {
        JsonNode device = compose().at("/services/xasflow/deploy/resources/reservations/devices/0");
        assertEquals("nvidia", device.get("driver").asText());
        assertTrue(device.get("capabilities").toString().contains("gpu"));
        String cpu = Files.readString(Path.of("docker-compose.cpu.yml"));
        assertTrue(cpu.contains("reservations: !reset"), "the CPU override removes the reservation");
        assertTrue(YAML.readTree(cpu).at("/services/xasflow/deploy").isObject());
    }

    @Test
    void everyLongRunningServiceHasAHealthcheckAndDependenciesWaitForIt() throws Exception {
        JsonNode services = compose().get("services");
        for (String name : List.of("kafka", "schema-registry", "xasflow", "prometheus")) {
            JsonNode test = services.get(name).path("healthcheck").path("test");
            assertTrue(test.isArray() && test.size() >= 2, name + " healthcheck");
        }
        assertTrue(services.get("xasflow").get("healthcheck").get("test").get(1).asText().contains(":9404/metrics"));
        assertEquals("service_healthy", services.at("/schema-registry/depends_on/kafka/condition").asText());
        assertEquals("service_completed_successfully", services.at("/xasflow/depends_on/kafka-init/condition").asText());
        assertEquals("service_healthy", services.at("/simulator/depends_on/xasflow/condition").asText());
    }

    @Test
    void volumesAreNamedAndDeclared() throws Exception {
        JsonNode root = compose();
        List<String> used = new ArrayList<>();
        root.get("services").forEach(s -> s.path("volumes").forEach(v -> {
            String source = v.asText().split(":")[0];
            if (!source.startsWith(".") && !source.startsWith("/")) {
                used.add(source);
            }
        }));
        assertTrue(used.containsAll(List.of("kafka-data", "xasflow-state")), used.toString());
        used.forEach(v -> assertTrue(root.get("volumes").has(v), "volume " + v + " declared"));
    }

    @Test
    void dockerfileBuildsTheGpuProfileOnCuda12WithCudnn9() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
        List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(2, from.size(), "a build stage and a runtime stage");
        for (String f : from) {
            assertTrue(PINNED.matcher(f.split("\\s+")[1]).matches(), "pinned base image: " + f);
        }
        assertTrue(from.get(1).matches("FROM nvidia/cuda:12\\.[\\d.]+-cudnn-runtime-.*"), from.get(1));
        String text = String.join("\n", lines);
        assertTrue(text.contains("-Pgpu") && text.contains("package"), "the gpu Maven profile is built");
        assertTrue(text.contains("COPY models-onnx"), "the committed models ship in the image");
        assertTrue(text.contains("HEALTHCHECK") && text.contains("/metrics"));
        assertTrue(text.contains("EXPOSE 9404"));
        Matcher env = Pattern.compile("(XASFLOW_[A-Z_]+)=(\\S+)").matcher(text);
        Map<String, String> variables = new HashMap<>();
        while (env.find()) {
            variables.put(env.group(1), env.group(2));
        }
        assertEquals("auto", variables.get("XASFLOW_EXECUTION_PROVIDER"), "starts without a GPU too");
        assertDoesNotThrow(() -> new StreamConfig(StreamConfig.fromEnvironment(variables)));
        try (Stream<String> pomLines = Files.lines(Path.of("pom.xml"))) {
            assertTrue(pomLines.anyMatch(l -> l.contains("<onnxruntime.artifact>onnxruntime_gpu</onnxruntime.artifact>")));
        }
    }
}
