package io.xasflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A small client for the Confluent Schema Registry REST API (register, look up by id, look up a schema under a
 * subject), with caches so a serde asks the registry once per schema. Confluent's own client is not served by this
 * project's package registry (DESIGN.md §4). Optional HTTP basic auth; credentials never appear in messages.
 */
public final class SchemaRegistryClient {
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 3;

    private final URI baseUri;
    private final String authorization;
    private final HttpClient http;
    private record SubjectSchema(String subject, Schema schema) {}

    private final Map<SubjectSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /**
     * @param url               registry base URL, e.g. http://localhost:8081
     * @param basicAuthUserInfo "user:password" for HTTP basic auth, or null
     */
    public SchemaRegistryClient(String url, String basicAuthUserInfo) {
        Objects.requireNonNull(url, "schema registry url");
        this.baseUri = URI.create(url.endsWith("/") ? url : url + "/");
        if (!"http".equals(baseUri.getScheme()) && !"https".equals(baseUri.getScheme())) {
            throw new IllegalArgumentException("schema registry url '" + url + "' must start with http:// or https://");
        }
        this.authorization = basicAuthUserInfo == null || basicAuthUserInfo.isEmpty() ? null
                : "Basic " + Base64.getEncoder().encodeToString(basicAuthUserInfo.getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    public int register(String subject, Schema schema) {
        // keyed by the Schema itself: its hash is cached and equal instances compare fast, whereas rendering the
        // schema to JSON on every record cost more than the Avro encoding (measured: the serde's hot spot)
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySubjectAndSchema.get(key);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString()).put("schemaType", "AVRO");
        JsonNode answer = send("POST", "subjects/" + encode(subject) + "/versions", body);
        int id = answer.path("id").asInt(-1);
        if (id < 0) {
            throw new SchemaRegistryException(200, -1, "registry answered without an id: " + answer);
        }
        idsBySubjectAndSchema.put(key, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    /** The schema with global id {@code id}. */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("GET", "schemas/ids/" + id, null);
        Schema schema = new Schema.Parser().parse(answer.path("schema").asText());
        schemasById.put(id, schema);
        return schema;
    }

    /** The id of {@code schema} under {@code subject}, without registering it (404 error codes when absent). */
    public int lookup(String subject, Schema schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        return send("POST", "subjects/" + encode(subject), body).path("id").asInt();
    }

    /** Whether {@code schema} may be registered as the next version of {@code subject}. */
    public boolean isCompatible(String subject, Schema schema) {
        ObjectNode body = JSON.createObjectNode().put("schema", schema.toString());
        return send("POST", "compatibility/subjects/" + encode(subject) + "/versions/latest", body)
                .path("is_compatible").asBoolean();
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUri.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    return JSON.readTree(response.body());
                }
                if (response.statusCode() / 100 == 5 && attempt < ATTEMPTS) {
                    Thread.sleep(200L * attempt);  // the registry's own errors (50001–50003) are often transient
                    continue;
                }
                throw error(method, path, response);
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while calling " + method + " " + path, e);
            }
        }
        throw new SchemaRegistryException("schema registry " + baseUri + " unreachable for " + method + " " + path
                + " after " + ATTEMPTS + " attempts: " + last.getMessage(), last);
    }

    private static SchemaRegistryException error(String method, String path, HttpResponse<String> response) {
        int code = response.statusCode();
        String message = response.body();
        try {
            JsonNode error = JSON.readTree(response.body());
            code = error.path("error_code").asInt(code);
            message = error.path("message").asText(message);
        } catch (IOException notJson) {
            // keep the raw body: a proxy or a wrong URL answers with HTML
        }
        return new SchemaRegistryException(response.statusCode(), code, method + " " + path + ": " + message);
    }
}
