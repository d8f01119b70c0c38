package io.xasflow.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.avro.ScanSummary;
import io.xasflow.demo.EmbeddedDemo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real (in-process KRaft) broker, the embedded registry, the processor with the committed models and a simulated
 * 100 × 100 scan: a read_committed consumer sees exactly one spectrum and one flag per pixel and one summary.
 */
class EmbeddedClusterIntegrationTest {

    @Test
    void aTenThousandPixelScanYieldsExactlyOneSpectrumAndFlagPerPixelAndOneSummary() throws Exception {
        EmbeddedDemo.Result r = EmbeddedDemo.run(new EmbeddedDemo.Options(100, 100, 0, 4, Path.of("models-onnx"), null,
                Duration.ofMinutes(8), 11, -1, "network",
                Map.of(), 1, 0));
        assertEquals(10_000, r.pixels());
        assertEquals(10_000, r.spectra(), "spectra records");
        assertEquals(10_000, r.distinctSpectra(), "distinct pixels with a spectrum");
        assertEquals(10_000, r.flags(), "flag records");
        assertEquals(10_000, r.distinctFlags(), "distinct pixels with a flag");
        assertEquals(0, r.rejected());
        assertEquals(1, r.summaries().size());
        assertEquals(10_000, r.summaries().get(0).getPixels());
        ScanSummary summary = r.summaries().get(0);
        assertTrue(summary.getAuditedPixels() + summary.getAuditsSkipped() >= 10_000 * 0.005 * 0.5,
                "the audit lane sampled about 0.5 % of the pixels: " + summary);
        assertEquals(0, summary.getAuditsLost());
        assertEquals(summary.getAuditedPixels(), r.auditSe().size(), "one xas.audit record per audited pixel");
        if (summary.getAuditedPixels() > 0) {
            float median = (float) (double) summary.getAuditSeMedian();
            assertTrue(r.auditSe().stream().anyMatch(se -> (float) (double) se == median),
                    "the summary's median SE is one of the audits read from xas.audit");
        }
        assertTrue(r.fastPathSeconds() > 0 && r.fastPathSeconds() <= r.seconds(),
                "the fast path ends before the summary that waits for audits: " + r.fastPathSeconds() + " s, "
                        + r.seconds() + " s");
    }

    /** Warm-up scans run untimed and stay out of the counts: only the timed scan's records are reported. */
    @Test
    void warmUpScansAreProcessedButNotCounted() throws Exception {
        EmbeddedDemo.Result r = EmbeddedDemo.run(new EmbeddedDemo.Options(30, 30, 0, 4, Path.of("models-onnx"), null,
                Duration.ofMinutes(4), 12, -1, "network", Map.of(), 1, 1));
        assertEquals(900, r.pixels());
        assertEquals(900, r.spectra(), "spectra records after the warm-up");
        assertEquals(900, r.flags(), "flag records after the warm-up");
        assertEquals(1, r.summaries().size());
        assertEquals("demo-12", r.summaries().get(0).getScanId());
    }
}
