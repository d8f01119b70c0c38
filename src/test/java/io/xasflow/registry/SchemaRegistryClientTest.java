package io.xasflow.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.avro.PixelFlag;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** The client against the documented Confluent REST API, served by the embedded registry. */
class SchemaRegistryClientTest {
    private static final Schema V1 = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
    private static final Schema V2_WITH_DEFAULT = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                    + "{\"name\":\"b\",\"type\":\"string\",\"default\":\"\"}]}");
    private static final Schema V2_WITHOUT_DEFAULT = new Schema.Parser().parse(
            "{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},"
                    + "{\"name\":\"c\",\"type\":\"string\"}]}");

    @Test
    void registerIsIdempotentAndIdsResolve() throws Exception {
        try (EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.start(0, null)) {
            SchemaRegistryClient client = new SchemaRegistryClient(server.url(), null);
            int id = client.register("t-value", V1);
            assertEquals(id, new SchemaRegistryClient(server.url(), null).register("t-value", V1));
            assertEquals(V1, new SchemaRegistryClient(server.url(), null).schemaById(id));
            assertEquals(id, client.lookup("t-value", V1));
        }
    }

    @Test
    void compatibleEvolutionRegistersAndIncompatibleIsRefusedWith409() throws Exception {
        try (EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.start(0, null)) {
            SchemaRegistryClient client = new SchemaRegistryClient(server.url(), null);
            int v1 = client.register("t-value", V1);
            assertTrue(client.isCompatible("t-value", V2_WITH_DEFAULT));
            assertFalse(client.isCompatible("t-value", V2_WITHOUT_DEFAULT));
            assertTrue(client.register("t-value", V2_WITH_DEFAULT) > v1);
            SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                    () -> client.register("t-value", V2_WITHOUT_DEFAULT));
            assertEquals(409, e.status());
            assertEquals(SchemaRegistryException.INCOMPATIBLE_SCHEMA, e.errorCode());
        }
    }

    @Test
    void documentedNotFoundCodes() throws Exception {
        try (EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.start(0, null)) {
            SchemaRegistryClient client = new SchemaRegistryClient(server.url(), null);
            assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND,
                    assertThrows(SchemaRegistryException.class, () -> client.schemaById(999)).errorCode());
            assertEquals(SchemaRegistryException.SUBJECT_NOT_FOUND,
                    assertThrows(SchemaRegistryException.class, () -> client.lookup("nope-value", V1)).errorCode());
            client.register("t-value", V1);
            assertEquals(SchemaRegistryException.SCHEMA_NOT_FOUND,
                    assertThrows(SchemaRegistryException.class, () -> client.lookup("t-value", V2_WITH_DEFAULT))
                            .errorCode());
        }
    }

    @Test
    void basicAuthIsSentAndAWrongPasswordIsRefused() throws Exception {
        try (EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.start(0, "beamline:s3cret")) {
            assertTrue(new SchemaRegistryClient(server.url(), "beamline:s3cret").register("t-value", V1) > 0);
            SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                    () -> new SchemaRegistryClient(server.url(), "beamline:wrong").register("t-value", V1));
            assertEquals(401, e.status());
            assertFalse(e.getMessage().contains("wrong"), "no credentials in messages");
        }
    }

    @Test
    void unreachableRegistryNamesTheUrl() {
        SchemaRegistryClient client = new SchemaRegistryClient("http://127.0.0.1:1", null);
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> client.schemaById(1));
        assertTrue(e.getMessage().contains("127.0.0.1:1"), e.getMessage());
    }

    @Test
    void bytesOutsideTheWireFormatAreRefusedWithAClearMessage() throws Exception {
        try (EmbeddedSchemaRegistry server = EmbeddedSchemaRegistry.start(0, null)) {
            AvroSerde<PixelFlag> serde = AvroSerde.forValues(new SchemaRegistryClient(server.url(), null),
                    PixelFlag.getClassSchema());
            SerializationException e = assertThrows(SerializationException.class,
                    () -> serde.deserializer().deserialize("xas.flags", "{\"json\":1}".getBytes()));
            assertTrue(e.getMessage().contains("wire format"), e.getMessage());
            byte[] unknownId = {0, 0, 0, 0, 42, 1};
            e = assertThrows(SerializationException.class, () -> serde.deserializer().deserialize("xas.flags", unknownId));
            assertTrue(e.getMessage().contains("schema id 42"), e.getMessage());
        }
    }

    @Test
    void aUrlWithoutHttpIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SchemaRegistryClient("localhost:8081", null));
        assertTrue(e.getMessage().contains("localhost:8081"));
    }
}
