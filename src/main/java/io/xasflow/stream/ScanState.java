package io.xasflow.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the tracker knows about one unfinished scan: which pixels are done (a bit each), which audits it still waits
 * for, the measured SE of the audits that came back, and running totals.
 */
final class ScanState {
    final int width;
    final int height;
    final BitSet done;
    final BitSet auditPending;
    final BitSet audited;
    long outliers;
    long rejected;
    long engineSpectra;
    long auditsSkipped;
    double confidenceSum;
    long firstAcquiredAtMs;
    /** Wall-clock time when the last pixel was done (0 while pixels are missing): audits are waited for from then. */
    long pixelsDoneAtMs;
    final Map<String, Long> pixelsByIon;
    /** Measured SE per audit result, and whether it was of the random sample. */
    float[] auditSe;
    boolean[] auditSampled;
    int audits;

    ScanState(int width, int height) {
        this.width = width;
        this.height = height;
        this.done = new BitSet(width * height);
        this.auditPending = new BitSet(width * height);
        this.audited = new BitSet(width * height);
        this.firstAcquiredAtMs = Long.MAX_VALUE;
        this.pixelsByIon = new TreeMap<>();
        this.auditSe = new float[8];
        this.auditSampled = new boolean[8];
    }

    private int index(ScanProgress p) {
        return p.y() * width + p.x();
    }

    /** Counts a pixel once, however often it is reported (replays, re-sent feeds). @return whether it was new */
    boolean record(ScanProgress p) {
        int index = index(p);
        if (done.get(index)) {
            return false;
        }
        done.set(index);
        firstAcquiredAtMs = Math.min(firstAcquiredAtMs, p.acquiredAtMs());
        if (p.rejected()) {
            rejected++;
            return true;
        }
        pixelsByIon.merge(p.ion(), 1L, Long::sum);
        confidenceSum += p.confidence();
        outliers += p.outlier() ? 1 : 0;
        engineSpectra += p.fromEngine() ? 1 : 0;
        if (p.audit() == ScanProgress.Audit.REQUESTED && !audited.get(index)) {
            auditPending.set(index);
        } else if (p.audit() == ScanProgress.Audit.SKIPPED) {
            auditsSkipped++;
        }
        return true;
    }

    /** Takes an audit result once. @return whether it was new */
    boolean recordAudit(ScanProgress p) {
        int index = index(p);
        if (audited.get(index)) {
            return false;
        }
        audited.set(index);
        auditPending.clear(index);
        if (audits == auditSe.length) {
            auditSe = Arrays.copyOf(auditSe, 2 * audits);
            auditSampled = Arrays.copyOf(auditSampled, 2 * audits);
        }
        auditSe[audits] = (float) p.auditSe();
        auditSampled[audits] = p.sampled();
        audits++;
        return true;
    }

    boolean pixelsComplete() {
        return done.cardinality() == width * height;
    }

    /** Every pixel done and no audit outstanding. */
    boolean complete() {
        return pixelsComplete() && auditPending.isEmpty();
    }

    long processed() {
        return done.cardinality() - rejected;
    }

    /** The measured SEs of the audits, all or only the random sample's, sorted ascending. */
    float[] sortedAuditSe(boolean sampleOnly) {
        float[] out = new float[audits];
        int n = 0;
        for (int i = 0; i < audits; i++) {
            if (!sampleOnly || auditSampled[i]) {
                out[n++] = auditSe[i];
            }
        }
        out = Arrays.copyOf(out, n);
        Arrays.sort(out);
        return out;
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(96 + 3 * width * height / 8 + 5 * audits);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(width);
            out.writeInt(height);
            for (BitSet bits : new BitSet[] {done, auditPending, audited}) {
                byte[] raw = bits.toByteArray();
                out.writeInt(raw.length);
                out.write(raw);
            }
            out.writeLong(outliers);
            out.writeLong(rejected);
            out.writeLong(engineSpectra);
            out.writeLong(auditsSkipped);
            out.writeDouble(confidenceSum);
            out.writeLong(firstAcquiredAtMs);
            out.writeLong(pixelsDoneAtMs);
            out.writeInt(pixelsByIon.size());
            for (Map.Entry<String, Long> e : pixelsByIon.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeInt(audits);
            for (int i = 0; i < audits; i++) {
                out.writeFloat(auditSe[i]);
                out.writeBoolean(auditSampled[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ScanState fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            ScanState s = new ScanState(in.readInt(), in.readInt());
            for (BitSet bits : new BitSet[] {s.done, s.auditPending, s.audited}) {
                byte[] raw = new byte[in.readInt()];
                in.readFully(raw);
                bits.or(BitSet.valueOf(raw));
            }
            s.outliers = in.readLong();
            s.rejected = in.readLong();
            s.engineSpectra = in.readLong();
            s.auditsSkipped = in.readLong();
            s.confidenceSum = in.readDouble();
            s.firstAcquiredAtMs = in.readLong();
            s.pixelsDoneAtMs = in.readLong();
            int ions = in.readInt();
            for (int i = 0; i < ions; i++) {
                s.pixelsByIon.put(in.readUTF(), in.readLong());
            }
            int audits = in.readInt();
            s.auditSe = new float[Math.max(8, audits)];
            s.auditSampled = new boolean[Math.max(8, audits)];
            for (int i = 0; i < audits; i++) {
                s.auditSe[i] = in.readFloat();
                s.auditSampled[i] = in.readBoolean();
            }
            s.audits = audits;
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt scan state", e);
        }
    }
}
