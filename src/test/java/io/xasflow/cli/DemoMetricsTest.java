package io.xasflow.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.ChildJvm;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./xasflow demo} in its own JVM answers GET /metrics with the processor's meters while it runs. */
class DemoMetricsTest {
    private static final int WIDTH = 40;
    private static final int HEIGHT = 40;

    @TempDir
    Path dir;

    @Test
    void aRunningDemoServesPrometheusMetricsWithTheProcessorCounters() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        Path log = dir.resolve("demo.log");
        Process demo = ChildJvm.xasflow(log, "demo", "--width", "" + WIDTH, "--height", "" + HEIGHT, "--rate", "250",
                "--metrics-port", "" + port, "--out", dir.resolve("out").toString(), "--timeout-s", "300");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest scrape = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        String body = null;
        try {
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (body == null || value(body, "xasflow_spectra_out_total") <= 0) {  // mid-scan: spectra flowing
                assertTrue(System.nanoTime() < deadline && demo.isAlive(),
                        "no spectra counted on /metrics; demo log:\n" + Files.readString(log));
                try {
                    HttpResponse<String> r = http.send(scrape, HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode());
                    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
                    body = r.body();
                } catch (java.net.ConnectException notYet) {
                    body = null;  // the processor is still starting
                }
                Thread.sleep(200);
            }
            for (String meter : List.of("xasflow_pixels_in_total", "xasflow_flags_out_total", "xasflow_outliers_total",
                    "xasflow_batch_size_pixels_bucket", "xasflow_inference_latency_seconds_bucket",
                    "xasflow_execution_provider{", "xasflow_audit_backlog", "xasflow_audit_spectral_error",
                    "kafka_stream")) {
                assertTrue(body.contains(meter), meter + " missing from /metrics:\n" + body);
            }
            assertTrue(body.contains("provider=\"cpu\""), "execution provider gauge says cpu");
            assertTrue(value(body, "xasflow_pixels_in_total") < WIDTH * HEIGHT, "scraped while the scan was running");
            HttpResponse<String> missing = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/nothing")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, missing.statusCode());

            assertTrue(demo.waitFor(4, TimeUnit.MINUTES), "demo finished");
            assertEquals(0, demo.exitValue(), Files.readString(log));
            List<String> lines = Files.readAllLines(log);
            String json = lines.stream().filter(l -> l.startsWith("{\"pixels\"")).reduce((a, b) -> b).orElseThrow();
            assertTrue(json.contains("\"spectra\": " + WIDTH * HEIGHT), json);
        } finally {
            demo.destroyForcibly().waitFor();
        }
    }

    /** The value of an un-labelled sample, or -1 when absent. */
    private static double value(String body, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(body);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}
