package io.xasflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * An in-memory schema registry that speaks the subset of the Confluent REST API xasflow uses, for the embedded
 * default ({@code ./xasflow demo}) and tests: register (idempotent, BACKWARD compatibility against the latest
 * version), schema by id, lookup under a subject, subjects and versions, compatibility check, global config.
 * Error answers carry Confluent's error codes. Optional basic auth.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Version(int id, int version, Schema schema) {}

    private final HttpServer server;
    private final String expectedAuthorization;
    private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
    private final List<Schema> schemasById = new ArrayList<>();  // id = index + 1

    private EmbeddedSchemaRegistry(HttpServer server, String basicAuthUserInfo) {
        this.server = server;
        this.expectedAuthorization = basicAuthUserInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts on {@code port} (0: any free port) on the loopback interface. */
    public static EmbeddedSchemaRegistry start(int port, String basicAuthUserInfo) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, basicAuthUserInfo);
        server.createContext("/", registry::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "embedded-schema-registry");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return registry;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (expectedAuthorization != null
                    && !expectedAuthorization.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, error(401, "Unauthorized"));
                return;
            }
            String[] path = exchange.getRequestURI().getRawPath().replaceAll("^/+|/+$", "").split("/");
            for (int i = 0; i < path.length; i++) {
                path[i] = URLDecoder.decode(path[i], StandardCharsets.UTF_8);
            }
            String method = exchange.getRequestMethod();
            JsonNode body = "POST".equals(method) ? JSON.readTree(exchange.getRequestBody().readAllBytes()) : null;
            Answer answer;
            synchronized (this) {
                answer = route(method, path, body);
            }
            reply(exchange, answer.status, answer.body);
        } catch (RuntimeException | IOException e) {
            reply(exchange, 500, error(50001, "error in the embedded registry: " + e.getMessage()));
        }
    }

    private record Answer(int status, JsonNode body) {}

    private Answer route(String method, String[] p, JsonNode body) {
        if ("POST".equals(method) && p.length == 3 && p[0].equals("subjects") && p[2].equals("versions")) {
            return register(p[1], body);
        }
        if ("GET".equals(method) && p.length == 3 && p[0].equals("schemas") && p[1].equals("ids")) {
            int id = parseInt(p[2]);
            if (id < 1 || id > schemasById.size()) {
                return new Answer(404, error(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + p[2] + " not found"));
            }
            return new Answer(200, JSON.createObjectNode().put("schema", schemasById.get(id - 1).toString()));
        }
        if ("POST".equals(method) && p.length == 2 && p[0].equals("subjects")) {
            return lookup(p[1], body);
        }
        if ("GET".equals(method) && p.length == 1 && p[0].equals("subjects")) {
            return new Answer(200, JSON.valueToTree(subjects.keySet()));
        }
        if ("GET".equals(method) && p.length >= 3 && p[0].equals("subjects") && p[2].equals("versions")) {
            List<Version> versions = subjects.get(p[1]);
            if (versions == null) {
                return new Answer(404, error(SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + p[1] + "' not found."));
            }
            if (p.length == 3) {
                return new Answer(200, JSON.valueToTree(versions.stream().map(Version::version).toList()));
            }
            int v = p[3].equals("latest") ? versions.size() : parseInt(p[3]);
            if (v < 1 || v > versions.size()) {
                return new Answer(404, error(SchemaRegistryException.VERSION_NOT_FOUND, "Version " + p[3] + " not found."));
            }
            return new Answer(200, describe(p[1], versions.get(v - 1)));
        }
        if ("POST".equals(method) && p.length == 5 && p[0].equals("compatibility")) {
            Schema candidate = parse(body);
            List<Version> versions = subjects.get(p[2]);
            boolean ok = candidate != null && (versions == null || compatible(candidate, versions));
            return new Answer(200, JSON.createObjectNode().put("is_compatible", ok));
        }
        if ("GET".equals(method) && p.length == 1 && p[0].equals("config")) {
            return new Answer(200, JSON.createObjectNode().put("compatibilityLevel", "BACKWARD"));
        }
        return new Answer(404, error(404, "HTTP 404 Not Found: " + method + " /" + String.join("/", p)));
    }

    private Answer register(String subject, JsonNode body) {
        Schema schema = parse(body);
        if (schema == null) {
            return new Answer(422, error(SchemaRegistryException.INVALID_SCHEMA, "Invalid schema " + body));
        }
        List<Version> versions = subjects.computeIfAbsent(subject, k -> new ArrayList<>());
        for (Version v : versions) {
            if (v.schema().equals(schema)) {
                return new Answer(200, JSON.createObjectNode().put("id", v.id()));
            }
        }
        if (!versions.isEmpty() && !compatible(schema, versions)) {
            return new Answer(409, error(SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject \"" + subject + "\""));
        }
        int id = schemasById.indexOf(schema) + 1;
        if (id == 0) {
            schemasById.add(schema);
            id = schemasById.size();
        }
        versions.add(new Version(id, versions.size() + 1, schema));
        return new Answer(200, JSON.createObjectNode().put("id", id));
    }

    private Answer lookup(String subject, JsonNode body) {
        List<Version> versions = subjects.get(subject);
        if (versions == null) {
            return new Answer(404, error(SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found."));
        }
        Schema schema = parse(body);
        for (Version v : versions) {
            if (v.schema().equals(schema)) {
                return new Answer(200, describe(subject, v));
            }
        }
        return new Answer(404, error(SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found"));
    }

    /** BACKWARD: the new schema must read data written with the latest one. */
    private static boolean compatible(Schema candidate, List<Version> versions) {
        Schema latest = versions.get(versions.size() - 1).schema();
        return SchemaCompatibility.checkReaderWriterCompatibility(candidate, latest).getType()
                == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    }

    private static Schema parse(JsonNode body) {
        if (body == null || !body.path("schema").isTextual()) {
            return null;
        }
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            return null;
        }
        try {
            return new Schema.Parser().parse(body.path("schema").asText());
        } catch (SchemaParseException e) {
            return null;
        }
    }

    private static int parseInt(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ObjectNode describe(String subject, Version v) {
        return JSON.createObjectNode().put("subject", subject).put("id", v.id()).put("version", v.version())
                .put("schema", v.schema().toString());
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", SchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
