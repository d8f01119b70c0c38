package io.xasflow.registry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro SpecificRecord serde in the Confluent wire format: magic byte 0, the 4-byte big-endian schema id, then the
 * Avro binary body. Schemas are registered under {@code <topic>-value} (or {@code -key}), Confluent's
 * TopicNameStrategy; readers resolve the writer's schema by id, so producers may evolve compatibly.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {
    static final byte MAGIC = 0;
    private static final String TRUSTED_PACKAGE = "io.xasflow.avro.";

    static {
        // Avro 1.12.2 refuses to instantiate generated classes outside its trusted list; trust ours (only ours)
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                type -> type.getName().startsWith(TRUSTED_PACKAGE), ClassSecurityValidator.getGlobal()));
    }

    private final SchemaRegistryClient registry;
    private final Schema readerSchema;
    private final boolean isKey;
    private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();
    private final SpecificDatumWriter<T> writer;
    /** Size of the last record written: the next buffer starts that large (spectra are ~2 kB, pixels ~100 B). */
    private volatile int sizeHint = 256;

    public AvroSerde(SchemaRegistryClient registry, Schema readerSchema, boolean isKey) {
        this.registry = registry;
        this.readerSchema = readerSchema;
        this.isKey = isKey;
        this.writer = new PrimitiveArrayWriter<>(readerSchema);
    }

    /** Serde for a generated record class, e.g. {@code AvroSerde.forValues(client, PixelParameters.getClassSchema())}. */
    public static <T extends SpecificRecord> AvroSerde<T> forValues(SchemaRegistryClient registry, Schema schema) {
        return new AvroSerde<>(registry, schema, false);
    }

    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, record) -> {
            if (record == null) {
                return null;
            }
            int id = registry.register(subject(topic, isKey), readerSchema);
            try {
                Bytes out = new Bytes(sizeHint);
                out.write(MAGIC);
                out.write(ByteBuffer.allocate(4).putInt(id).array());
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(record, encoder);
                encoder.flush();
                byte[] bytes = out.toByteArray();
                sizeHint = bytes.length;
                return bytes;
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot serialise " + readerSchema.getFullName() + " for topic "
                        + topic + ": " + e.getMessage(), e);
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : deserialize(topic, bytes);
    }

    private T deserialize(String topic, byte[] bytes) {
        if (bytes.length < 5 || bytes[0] != MAGIC) {
            throw new SerializationException("topic " + topic + ": " + bytes.length + " bytes starting with "
                    + (bytes.length == 0 ? "nothing" : "0x" + Integer.toHexString(bytes[0] & 0xff))
                    + " are not in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary)");
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        try {
            SpecificDatumReader<T> reader = readers.computeIfAbsent(id, key -> new SpecificDatumReader<>(
                    registry.schemaById(key), readerSchema, SpecificData.getForSchema(readerSchema)));
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("topic " + topic + ": " + (bytes.length - 5)
                        + " body bytes hold more than one " + readerSchema.getName() + " record");
            }
            return record;
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException s) {
                throw s;
            }
            throw new SerializationException("topic " + topic + ": cannot read a " + readerSchema.getName()
                    + " written with schema id " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes a {@link FloatBlock} as one block of bytes: the generic writer iterates a {@code List<Float>}, boxing and
     * encoding each of a spectrum's 501 channels on its own. The bytes are the same (count, items, end marker).
     */
    private static final class PrimitiveArrayWriter<T> extends SpecificDatumWriter<T> {
        PrimitiveArrayWriter(Schema schema) {
            super(schema, SpecificData.getForSchema(schema));
        }

        @Override
        protected void writeArray(Schema schema, Object datum, Encoder out) throws IOException {
            if (!(datum instanceof FloatBlock floats) || schema.getElementType().getType() != Schema.Type.FLOAT) {
                super.writeArray(schema, datum, out);
                return;
            }
            out.writeArrayStart();
            out.setItemCount(floats.size());
            out.writeFixed(floats.littleEndianBytes());
            out.writeArrayEnd();
        }
    }

    /** An unsynchronised ByteArrayOutputStream (the JDK's takes a lock per write). */
    private static final class Bytes extends OutputStream {
        private byte[] buffer;
        private int size;

        Bytes(int capacity) {
            buffer = new byte[Math.max(16, capacity)];
        }

        @Override
        public void write(int b) {
            ensure(1);
            buffer[size++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buffer, size, len);
            size += len;
        }

        private void ensure(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }

        byte[] toByteArray() {
            return size == buffer.length ? buffer : Arrays.copyOf(buffer, size);
        }
    }
}
