package io.xasflow.stream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One pixel done (spectrum published, or rejected as invalid), sent to the scan tracker on an internal topic keyed
 * by scan id. Internal to xasflow, so it uses a compact fixed binary form instead of the registry.
 */
record ScanProgress(String scanId, int x, int y, int width, int height, String ion, boolean rejected,
                    boolean outlier, double confidence, long acquiredAtMs) {

    static Serde<ScanProgress> serde() {
        Serializer<ScanProgress> serializer = (topic, p) -> {
            if (p == null) {
                return null;
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeUTF(p.scanId);
                out.writeInt(p.x);
                out.writeInt(p.y);
                out.writeInt(p.width);
                out.writeInt(p.height);
                out.writeUTF(p.ion);
                out.writeBoolean(p.rejected);
                out.writeBoolean(p.outlier);
                out.writeDouble(p.confidence);
                out.writeLong(p.acquiredAtMs);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        };
        Deserializer<ScanProgress> deserializer = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                return new ScanProgress(in.readUTF(), in.readInt(), in.readInt(), in.readInt(), in.readInt(),
                        in.readUTF(), in.readBoolean(), in.readBoolean(), in.readDouble(), in.readLong());
            } catch (IOException e) {
                throw new UncheckedIOException("corrupt scan-progress record on " + topic, e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
