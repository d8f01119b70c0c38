package io.xasflow.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xasflow.avro.PixelAudit;
import io.xasflow.avro.PixelFlag;
import io.xasflow.avro.PixelParameters;
import io.xasflow.avro.PixelSpectrum;
import io.xasflow.avro.RejectedRecord;
import io.xasflow.avro.ScanSummary;
import io.xasflow.avro.SpectrumSource;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each schema: a record survives serialisation through the Confluent wire format and the registry unchanged. */
class AvroSchemaRoundTripTest {
    private static EmbeddedSchemaRegistry server;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedSchemaRegistry.start(0, null);
        client = new SchemaRegistryClient(server.url(), null);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static <T extends SpecificRecord> T roundTrip(String topic, T record) {
        AvroSerde<T> serde = AvroSerde.forValues(client, record.getSchema());
        byte[] bytes = serde.serializer().serialize(topic, record);
        assertEquals(AvroSerde.MAGIC, bytes[0], "Confluent magic byte");
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertEquals(record.getSchema(), client.schemaById(id), "schema id resolves to the writer's schema");
        T back = serde.deserializer().deserialize(topic, bytes);
        assertEquals(record, back);
        return back;
    }

    @Test
    void pixelParametersRoundTrip() {
        roundTrip("xas.pixels", PixelParameters.newBuilder().setScanId("scan-1").setX(3).setY(97).setWidth(100)
                .setHeight(100).setIon("Fe3+").setDq(0.1).setDs(-0.2).setDt(0.05).setS1(0.8).setS2(0.7)
                .setTemperatureK(300).setSigmaGEv(0.1).setGamma1Ev(0.4).setGamma2Ev(0.8)
                .setAcquiredAt(Instant.ofEpochMilli(1_700_000_000_000L)).build());
    }

    @Test
    void pixelSpectrumRoundTrip() {
        List<Float> intensities = new ArrayList<>();
        for (int c = 0; c < 501; c++) {
            intensities.add((float) Math.exp(-(c - 80) * (c - 80) / 200.0));
        }
        roundTrip("xas.spectra", PixelSpectrum.newBuilder().setScanId("scan-1").setX(3).setY(97).setIon("Ni2+")
                .setSource(SpectrumSource.NETWORK).setModelId("Ni2+.onnx@1731eb603a85").setModelVersion("1")
                .setEnergyStartEv(847.7).setEnergyStepEv(0.06).setChannels(501).setIntensities(intensities)
                .setExecutionProvider("cpu").setProcessedAt(Instant.ofEpochMilli(1_700_000_000_123L)).build());
    }

    @Test
    void floatBlocksWriteTheSameBytesAsBoxedLists() {
        float[] backing = new float[520];
        for (int i = 0; i < backing.length; i++) {
            backing[i] = (float) Math.sin(i / 7.0);
        }
        List<Float> boxed = new ArrayList<>();
        for (int c = 0; c < 501; c++) {
            boxed.add(backing[13 + c]);
        }
        PixelSpectrum.Builder spectrum = PixelSpectrum.newBuilder().setScanId("scan-2").setX(0).setY(1).setIon("Fe2+")
                .setSource(SpectrumSource.NETWORK).setModelId("Fe2+.onnx@0").setModelVersion("1")
                .setEnergyStartEv(702.8).setEnergyStepEv(0.06).setChannels(501).setExecutionProvider("cpu")
                .setProcessedAt(Instant.ofEpochMilli(1_700_000_000_456L));
        AvroSerde<PixelSpectrum> serde = AvroSerde.forValues(client, PixelSpectrum.getClassSchema());
        byte[] fromBoxed = serde.serializer().serialize("xas.spectra", spectrum.setIntensities(boxed).build());
        byte[] fromBlock = serde.serializer().serialize("xas.spectra",
                spectrum.setIntensities(new FloatBlock(backing, 13, 501)).build());
        assertArrayEquals(fromBoxed, fromBlock);
        assertEquals(boxed, serde.deserializer().deserialize("xas.spectra", fromBlock).getIntensities());
        byte[] empty = serde.serializer().serialize("xas.spectra",
                spectrum.setChannels(0).setIntensities(new FloatBlock(backing, 0, 0)).build());
        assertEquals(List.of(), serde.deserializer().deserialize("xas.spectra", empty).getIntensities());
    }

    @Test
    void pixelFlagRoundTrip() {
        roundTrip("xas.flags", PixelFlag.newBuilder().setScanId("scan-1").setX(0).setY(0).setIon("Co2+")
                .setOutlier(true).setConfidence(0.12).setPredictedSe(0.14)
                .setReasons(List.of("OUT_OF_DOMAIN", "HIGH_UNCERTAINTY")).build());
    }

    @Test
    void rejectedRecordRoundTripKeepsTheOriginalBytes() {
        byte[] original = {1, 2, 3, (byte) 0xff};
        RejectedRecord back = roundTrip("xas.rejected", RejectedRecord.newBuilder().setTopic("xas.pixels")
                .setPartition(2).setOffset(12345).setKey(null).setValue(ByteBuffer.wrap(original))
                .setReason("value is not in the Confluent wire format").setReasonCode("UNDESERIALISABLE")
                .setRejectedAt(Instant.ofEpochMilli(1_700_000_000_456L)).build());
        byte[] value = new byte[back.getValue().remaining()];
        back.getValue().get(value);
        assertArrayEquals(original, value);
    }

    @Test
    void scanSummaryRoundTrip() {
        roundTrip("xas.scans", ScanSummary.newBuilder().setScanId("scan-1").setWidth(100).setHeight(100)
                .setPixels(10000).setOutliers(12).setRejected(3).setPixelsByIon(Map.of("Ni2+", 6000L, "Fe3+", 4000L))
                .setMeanConfidence(0.97).setFirstAcquiredAt(Instant.ofEpochMilli(1_700_000_000_000L))
                .setCompletedAt(Instant.ofEpochMilli(1_700_000_060_000L)).setEngineSpectra(7).setAuditedPixels(61)
                .setAuditMismatches(2).setAuditsSkipped(1).setAuditsLost(0).setAuditSeMedian(0.012)
                .setAuditSeP95(0.08).setAuditSeMax(0.14).setSampleAuditedPixels(50).setSampleSeMedian(0.011)
                .build());
    }

    @Test
    void scanSummaryWrittenBeforeTheAuditFieldsReadsWithTheirDefaults() {
        // BACKWARD compatibility: a consumer with today's schema reads a summary from before the audit lane
        org.apache.avro.Schema old = org.apache.avro.SchemaBuilder.record("ScanSummary").namespace("io.xasflow.avro")
                .fields().requiredString("scan_id").requiredInt("width").requiredInt("height").requiredLong("pixels")
                .requiredLong("outliers").requiredLong("rejected").name("pixels_by_ion").type().map().values()
                .longType().noDefault().requiredDouble("mean_confidence").name("first_acquired_at").type(
                        org.apache.avro.LogicalTypes.timestampMillis().addToSchema(org.apache.avro.Schema.create(
                                org.apache.avro.Schema.Type.LONG))).noDefault().name("completed_at").type(
                        org.apache.avro.LogicalTypes.timestampMillis().addToSchema(org.apache.avro.Schema.create(
                                org.apache.avro.Schema.Type.LONG))).noDefault().endRecord();
        assertTrue(org.apache.avro.SchemaCompatibility.checkReaderWriterCompatibility(ScanSummary.getClassSchema(), old)
                .getType() == org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @Test
    void pixelAuditRoundTrip() {
        List<Float> exact = new ArrayList<>();
        for (int c = 0; c < 501; c++) {
            exact.add((float) Math.exp(-(c - 90) * (c - 90) / 150.0));
        }
        roundTrip("xas.audit", PixelAudit.newBuilder().setScanId("scan-1").setX(4).setY(5).setIon("Ni2+")
                .setReason("OUTLIER").setModelId("Ni2+.onnx@2598d53740e0").setConfidence(0.3).setPredictedSe(0.12)
                .setMeasuredSe(0.15).setMismatch(true).setEnergyStartEv(847.7).setEnergyStepEv(0.06)
                .setExactIntensities(exact).setEngineMs(1.4).setEngineVersion("1.0.0")
                .setAuditedAt(Instant.ofEpochMilli(1_700_000_000_789L)).build());
    }

    @Test
    void everySchemaFileDocumentsEveryField() throws Exception {
        try (var files = Files.list(Path.of("schemas"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).toList()) {
                Schema schema = new Schema.Parser().parse(file.toFile());
                assertTrue(schema.getDoc() != null && !schema.getDoc().isBlank(), file + ": record without doc");
                for (Schema.Field field : schema.getFields()) {
                    assertTrue(field.doc() != null && !field.doc().isBlank(), file + ": field " + field.name() + " has no doc");
                }
            }
        }
    }
}
