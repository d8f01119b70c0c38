package io.xasflow.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/** Serves the Prometheus text format at {@code GET /metrics} (JDK HTTP server, one daemon thread). */
public final class MetricsServer implements AutoCloseable {
    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());

    private final HttpServer server;

    private MetricsServer(HttpServer server) {
        this.server = server;
    }

    /** Starts serving {@code registry} on {@code port} (0: any free port; see {@link #port()}). */
    public static MetricsServer start(PrometheusMeterRegistry registry, String host, int port) throws IOException {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("metrics port=" + port + " must be in [0, 65535]");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                if (!PATH.equals(exchange.getRequestURI().getPath())) {
                    reply(exchange, 404, "not found: " + exchange.getRequestURI().getPath() + "; metrics are at " + PATH);
                } else if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                    reply(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed; use GET");
                } else {
                    exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                    reply(exchange, 200, registry.scrape());
                }
            }
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "xasflow-metrics");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        MetricsServer started = new MetricsServer(server);
        LOG.info("metrics at http://" + host + ":" + started.port() + PATH);
        return started;
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        }
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
