package io.xasflow.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.BitSet;
import java.util.Map;
import java.util.TreeMap;

/** What the tracker knows about one unfinished scan: which pixels are done (a bit each) and running totals. */
final class ScanState {
    final int width;
    final int height;
    final BitSet done;
    long outliers;
    long rejected;
    double confidenceSum;
    long firstAcquiredAtMs;
    final Map<String, Long> pixelsByIon;

    ScanState(int width, int height) {
        this(width, height, new BitSet(width * height), 0, 0, 0, Long.MAX_VALUE, new TreeMap<>());
    }

    private ScanState(int width, int height, BitSet done, long outliers, long rejected, double confidenceSum,
                      long firstAcquiredAtMs, Map<String, Long> pixelsByIon) {
        this.width = width;
        this.height = height;
        this.done = done;
        this.outliers = outliers;
        this.rejected = rejected;
        this.confidenceSum = confidenceSum;
        this.firstAcquiredAtMs = firstAcquiredAtMs;
        this.pixelsByIon = pixelsByIon;
    }

    /** Counts a pixel once, however often it is reported (replays, re-sent feeds). @return whether it was new */
    boolean record(ScanProgress p) {
        int index = p.y() * width + p.x();
        if (done.get(index)) {
            return false;
        }
        done.set(index);
        firstAcquiredAtMs = Math.min(firstAcquiredAtMs, p.acquiredAtMs());
        if (p.rejected()) {
            rejected++;
        } else {
            pixelsByIon.merge(p.ion(), 1L, Long::sum);
            confidenceSum += p.confidence();
            if (p.outlier()) {
                outliers++;
            }
        }
        return true;
    }

    boolean complete() {
        return done.cardinality() == width * height;
    }

    long processed() {
        return done.cardinality() - rejected;
    }

    byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + width * height / 8);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(width);
            out.writeInt(height);
            byte[] bits = done.toByteArray();
            out.writeInt(bits.length);
            out.write(bits);
            out.writeLong(outliers);
            out.writeLong(rejected);
            out.writeDouble(confidenceSum);
            out.writeLong(firstAcquiredAtMs);
            out.writeInt(pixelsByIon.size());
            for (Map.Entry<String, Long> e : pixelsByIon.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static ScanState fromBytes(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int width = in.readInt();
            int height = in.readInt();
            byte[] bits = new byte[in.readInt()];
            in.readFully(bits);
            long outliers = in.readLong();
            long rejected = in.readLong();
            double confidenceSum = in.readDouble();
            long first = in.readLong();
            int ions = in.readInt();
            Map<String, Long> byIon = new TreeMap<>();
            for (int i = 0; i < ions; i++) {
                byIon.put(in.readUTF(), in.readLong());
            }
            return new ScanState(width, height, BitSet.valueOf(bits), outliers, rejected, confidenceSum, first, byIon);
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt scan state", e);
        }
    }
}
