package io.xasflow.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
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

    public AvroSerde(SchemaRegistryClient registry, Schema readerSchema, boolean isKey) {
        this.registry = registry;
        this.readerSchema = readerSchema;
        this.isKey = isKey;
        this.writer = new SpecificDatumWriter<>(readerSchema, SpecificData.getForSchema(readerSchema));
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
                ByteArrayOutputStream out = new ByteArrayOutputStream(256);
                out.write(MAGIC);
                out.write(ByteBuffer.allocate(4).putInt(id).array());
                BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
                writer.write(record, encoder);
                encoder.flush();
                return out.toByteArray();
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
}
