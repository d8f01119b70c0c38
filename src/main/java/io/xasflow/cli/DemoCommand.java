package io.xasflow.cli;

import io.xasflow.avro.ScanSummary;
import io.xasflow.demo.EmbeddedDemo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The README's main job: embedded broker + registry, the processor with the committed models, a simulated scan. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs xasflow end to end on an embedded KRaft broker and schema registry with the committed"
            + " models and a simulated scan; prints a summary and, last, one JSON line; writes PNG maps."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--width", description = "scan columns (default: ${DEFAULT-VALUE})")
    int width = 100;

    @Option(names = "--height", description = "scan rows (default: ${DEFAULT-VALUE})")
    int height = 100;

    @Option(names = "--rate", description = "pixels per second from the simulated beamline, 0 = full speed"
            + " (default: ${DEFAULT-VALUE})")
    double rate = 0;

    @Option(names = "--partitions", description = "partitions of every topic (default: ${DEFAULT-VALUE})")
    int partitions = 4;

    @Option(names = "--models", description = "model directory (default: ${DEFAULT-VALUE})")
    Path models = PredictCommand.defaultModelDirectory();

    @Option(names = "--out", description = "folder for the maps and example spectra (default: ${DEFAULT-VALUE})")
    Path out = Path.of("out", "demo");

    @Option(names = "--timeout-s", description = "give up after this many seconds (default: ${DEFAULT-VALUE})")
    long timeoutSeconds = 900;

    @Option(names = "--seed", description = "sample seed (default: ${DEFAULT-VALUE})")
    long seed = 1;

    @Option(names = "--metrics-port", description = "Prometheus endpoint GET /metrics while the demo runs;"
            + " 0 = any free port, -1 = none (default: ${DEFAULT-VALUE})")
    int metricsPort = 9404;

    @Option(names = "--scans", description = "scans published back to back; > 1 measures the sustained rate"
            + " (default: ${DEFAULT-VALUE})")
    int scans = 1;

    @Option(names = "--warmup-scans", description = "untimed scans before the timed ones, so the numbers describe a"
            + " processor that has been running (JIT-compiled, sessions warm) (default: ${DEFAULT-VALUE})")
    int warmupScans = 0;

    @Option(names = "--set", description = "processor configuration KEY=VALUE (see run --list-config); repeatable")
    java.util.Map<String, String> overrides = new java.util.LinkedHashMap<>();

    @Option(names = "--mode", description = "serving mode network|hybrid|exact (default: ${DEFAULT-VALUE})")
    String mode = "network";

    private static String percent(Double fraction) {
        return fraction == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f %%", 100 * fraction);
    }

    @Override
    public Integer call() throws Exception {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("scan size " + width + "×" + height + " must be positive");
        }
        EmbeddedDemo.Result r = EmbeddedDemo.run(new EmbeddedDemo.Options(width, height, rate, partitions, models,
                out, Duration.ofSeconds(timeoutSeconds), seed, metricsPort, mode, overrides, scans, warmupScans));
        PrintWriter o = spec.commandLine().getOut();
        o.printf("xasflow demo: %d × (%d×%d scan), %d pixels published%n", scans, width, height, r.pixels());
        o.printf("  spectra %d (distinct pixels %d), flags %d, rejected %d, outliers %d%n", r.spectra(),
                r.distinctSpectra(), r.flags(), r.rejected(), r.outliers());
        for (ScanSummary s : r.summaries()) {
            o.printf("  scan %s complete: %d pixels by ion %s, mean confidence %.3f%n", s.getScanId(), s.getPixels(),
                    s.getPixelsByIon(), s.getMeanConfidence());
            o.printf("  served %s: %d spectra from the exact engine; audited %d pixels (%d of the random sample,"
                    + " %d skipped, %d lost): measured SE median %s, p95 %s, max %s; %d with SE ≥ 10 %%%n", mode,
                    s.getEngineSpectra(), s.getAuditedPixels(), s.getSampleAuditedPixels(), s.getAuditsSkipped(),
                    s.getAuditsLost(), percent(s.getAuditSeMedian()), percent(s.getAuditSeP95()),
                    percent(s.getAuditSeMax()), s.getAuditMismatches());
        }
        o.printf("  fast path: %.1f s from the first pixel to every pixel's spectrum and flag, %.0f pixels/s%n",
                r.fastPathSeconds(), r.fastPathPixelsPerSecond());
        o.printf("  %.1f s to the last scan summary (summaries wait for their audits), %.0f pixels/s; audited pixels'"
                + " measured SE median %s over %d audits%n", r.seconds(), r.pixelsPerSecond(),
                percent(r.auditSeMedian()), r.auditSe().size());
        o.printf("  maps and example spectra in %s: %s%n", out.toAbsolutePath(),
                r.images().stream().map(p -> p.getFileName().toString()).toList());
        o.println(r.json());
        o.flush();
        return 0;
    }
}
