package io.xasflow.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the scan tracker hears about one pixel, on an internal topic keyed by scan id: the pixel is done (spectrum
 * published, or rejected as invalid), or its audit came back. Internal to xasflow, so it uses a compact fixed binary
 * form instead of the registry.
 *
 * @param audit      what the audit lane does with a done pixel, or {@link Audit#RESULT} for an audit's outcome
 * @param fromEngine the published spectrum came from the exact engine
 * @param auditSe    measured SE of an audit result (NaN otherwise)
 * @param sampled    an audit result of the random sample (not chosen as an outlier)
 */
record ScanProgress(String scanId, int x, int y, int width, int height, String ion, boolean rejected,
                    boolean outlier, double confidence, long acquiredAtMs, boolean fromEngine, Audit audit,
                    double auditSe, boolean sampled) {

    /** The audit side of a progress event. */
    enum Audit { NONE, REQUESTED, SKIPPED, RESULT }

    static ScanProgress pixel(String scanId, int x, int y, int width, int height, String ion, boolean outlier,
                              double confidence, long acquiredAtMs, boolean fromEngine, Audit audit) {
        return new ScanProgress(scanId, x, y, width, height, ion, false, outlier, confidence, acquiredAtMs, fromEngine,
                audit, Double.NaN, false);
    }

    static ScanProgress rejected(String scanId, int x, int y, int width, int height, String ion, long acquiredAtMs) {
        return new ScanProgress(scanId, x, y, width, height, ion, true, false, 0, acquiredAtMs, false, Audit.NONE,
                Double.NaN, false);
    }

    static ScanProgress auditResult(String scanId, int x, int y, int width, int height, String ion, double se,
                                    boolean sampled) {
        return new ScanProgress(scanId, x, y, width, height, ion, false, false, 0, 0, false, Audit.RESULT, se, sampled);
    }

    void writeTo(DataOutputStream out) throws IOException {
        out.writeUTF(scanId);
        out.writeInt(x);
        out.writeInt(y);
        out.writeInt(width);
        out.writeInt(height);
        out.writeUTF(ion);
        out.writeBoolean(rejected);
        out.writeBoolean(outlier);
        out.writeDouble(confidence);
        out.writeLong(acquiredAtMs);
        out.writeBoolean(fromEngine);
        out.writeByte(audit.ordinal());
        out.writeDouble(auditSe);
        out.writeBoolean(sampled);
    }

    static ScanProgress readFrom(DataInputStream in) throws IOException {
        return new ScanProgress(in.readUTF(), in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readUTF(),
                in.readBoolean(), in.readBoolean(), in.readDouble(), in.readLong(), in.readBoolean(),
                Audit.values()[in.readByte()], in.readDouble(), in.readBoolean());
    }

    /**
     * The progress of one micro-batch's pixels of one scan, sent as one record: the tracker then loads and saves the
     * scan's state once per batch instead of once per pixel (measured: per-pixel state writes, 3.8 kB each for a
     * 100 × 100 scan, were the stream's largest cost).
     */
    record Batch(String scanId, List<ScanProgress> pixels) {
        static Serde<Batch> serde() {
            Serializer<Batch> serializer = (topic, b) -> {
                if (b == null) {
                    return null;
                }
                ByteArrayOutputStream bytes = new ByteArrayOutputStream(16 + 80 * b.pixels.size());
                try (DataOutputStream out = new DataOutputStream(bytes)) {
                    out.writeUTF(b.scanId);
                    out.writeInt(b.pixels.size());
                    for (ScanProgress p : b.pixels) {
                        p.writeTo(out);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return bytes.toByteArray();
            };
            Deserializer<Batch> deserializer = (topic, data) -> {
                if (data == null) {
                    return null;
                }
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                    String scanId = in.readUTF();
                    int n = in.readInt();
                    List<ScanProgress> pixels = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        pixels.add(readFrom(in));
                    }
                    return new Batch(scanId, pixels);
                } catch (IOException | ArrayIndexOutOfBoundsException e) {
                    throw new IllegalStateException("corrupt scan-progress record on " + topic, e);
                }
            };
            return Serdes.serdeFrom(serializer, deserializer);
        }
    }
}
