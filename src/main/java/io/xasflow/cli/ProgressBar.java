package io.xasflow.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * A progress line with rate and ETA on stderr: redrawn in place on a terminal, a new line every 10 s otherwise
 * (logs of background jobs stay readable).
 */
final class ProgressBar implements LongConsumer {
    private static final int WIDTH = 30;

    private final String label;
    private final long total;
    private final PrintStream out;
    private final boolean interactive = System.console() != null;
    private final long startNanos = System.nanoTime();
    private long lastPrintNanos;
    private long startCount = -1;

    ProgressBar(String label, long total, PrintStream out) {
        this.label = label;
        this.total = total;
        this.out = out;
    }

    @Override
    public synchronized void accept(long done) {
        long now = System.nanoTime();
        if (startCount < 0) {
            startCount = done; // kept shards count as done but not towards the rate
        }
        long interval = interactive ? 250_000_000L : 10_000_000_000L;
        if (done < total && now - lastPrintNanos < interval) {
            return;
        }
        lastPrintNanos = now;
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - startCount) / seconds : 0;
        long remaining = rate > 0 ? (long) ((total - done) / rate) : -1;
        int filled = (int) (WIDTH * done / Math.max(1, total));
        String line = String.format(Locale.ROOT, "%s [%s%s] %d/%d  %.1f spectra/s  ETA %s", label,
                "#".repeat(filled), ".".repeat(WIDTH - filled), done, total, rate,
                remaining < 0 ? "--:--" : String.format(Locale.ROOT, "%02d:%02d", remaining / 60, remaining % 60));
        if (interactive) {
            out.print("\r" + line + (done >= total ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }
}
