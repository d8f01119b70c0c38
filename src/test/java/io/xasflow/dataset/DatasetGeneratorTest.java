package io.xasflow.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetGeneratorTest {
    @TempDir
    Path temp;

    private DatasetGenerator.Request request(Path out, int threads) {
        return new DatasetGenerator.Request("Mn3+", 24, 7, ParameterDomain.PAPER, out, 10, threads);
    }

    @Test
    void shardsAreByteIdenticalForAnyThreadCount() throws Exception {
        DatasetGenerator.generate(request(temp.resolve("one"), 1), done -> { });
        DatasetGenerator.generate(request(temp.resolve("two"), 2), done -> { });
        List<Path> shards = shards(temp.resolve("one"));
        assertEquals(3, shards.size());
        for (Path shard : shards) {
            assertArrayEquals(Files.readAllBytes(shard), Files.readAllBytes(temp.resolve("two").resolve(shard.getFileName())),
                    shard.getFileName().toString());
        }
    }

    @Test
    void steepSliceIsByteIdenticalForAnyThreadCountAndSaysHowItWasSampled() throws Exception {
        for (int threads = 1; threads <= 2; threads++) {
            DatasetGenerator.generate(new DatasetGenerator.Request("Co2+", 6, 7, ParameterDomain.OH_STEEP,
                    temp.resolve("steep-" + threads), 6, threads), done -> { });
        }
        Path shard = shards(temp.resolve("steep-1")).get(0);
        assertArrayEquals(Files.readAllBytes(shard), Files.readAllBytes(temp.resolve("steep-2").resolve(shard.getFileName())));
        String description = Files.readString(temp.resolve("steep-1").resolve("dataset.json"));
        assertTrue(description.contains("\"domain\": \"oh-steep\""), description);
        assertEquals(ParameterDomain.OH_STEEP, ParameterDomain.parse("oh-steep"));
    }

    @Test
    void rerunKeepsCompleteShardsAndRecomputesMissingOnes() throws Exception {
        Path out = temp.resolve("resume");
        DatasetGenerator.generate(request(out, 2), done -> { });
        Path second = shards(out).get(1);
        byte[] original = Files.readAllBytes(second);
        Files.delete(second);
        DatasetGenerator.Summary summary = DatasetGenerator.generate(request(out, 2), done -> { });
        assertEquals(1, summary.shardsWritten());
        assertEquals(2, summary.shardsKept());
        assertArrayEquals(original, Files.readAllBytes(second));
    }

    @Test
    void refusesToMixDatasetsInOneFolder() throws Exception {
        Path out = temp.resolve("mixed");
        DatasetGenerator.generate(request(out, 2), done -> { });
        DatasetGenerator.Request otherSeed = new DatasetGenerator.Request("Mn3+", 24, 8, ParameterDomain.PAPER, out, 10, 2);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> DatasetGenerator.generate(otherSeed, done -> { }));
        assertTrue(error.getMessage().contains("\"seed\": 7"), error.getMessage());
    }

    /** The .npy headers follow NumPy format 1.0: shapes, dtypes and 64-byte alignment of the data. */
    @Test
    void shardHoldsTheContractArrays() throws Exception {
        Path out = temp.resolve("format");
        DatasetGenerator.generate(request(out, 2), done -> { });
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(shards(out).get(0)))) {
            StringBuilder headers = new StringBuilder();
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                byte[] bytes = zip.readAllBytes();
                int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
                assertEquals(0, (10 + headerLength) % 64, entry.getName());
                headers.append(entry.getName()).append(' ')
                        .append(new String(bytes, 10, headerLength, StandardCharsets.US_ASCII).strip()).append('\n');
                if (entry.getName().equals("spectra.npy")) {
                    assertEquals(10 + headerLength + 10 * 501 * 4, bytes.length);
                }
            }
            String text = headers.toString();
            assertTrue(text.contains("params.npy {'descr': '<f4', 'fortran_order': False, 'shape': (10, 9), }"), text);
            assertTrue(text.contains("spectra.npy {'descr': '<f4', 'fortran_order': False, 'shape': (10, 501), }"), text);
            assertTrue(text.contains("raw_total.npy {'descr': '<f4', 'fortran_order': False, 'shape': (10,), }"), text);
            assertTrue(text.contains("metadata_json.npy {'descr': '|u1'"), text);
        }
    }

    @Test
    void samplesStayInsideTheDomain() {
        for (ParameterDomain domain : ParameterDomain.values()) {
            ParameterSampler sampler = new ParameterSampler(domain, 3);
            for (int i = 0; i < 1000; i++) {
                double[] p = sampler.sample(i);
                for (int d = 0; d < 9; d++) {
                    assertTrue(p[d] >= domain.min()[d] && p[d] <= domain.max()[d], domain + " dimension " + d);
                }
            }
        }
        assertEquals(-0.2, ParameterDomain.EXTENDED.min()[0]);
        assertEquals(0.0, ParameterDomain.C4V.max()[0]);
        assertEquals(0.0, ParameterDomain.OH.max()[1]);
        double[] coldMin = ParameterDomain.COLD.min();
        double[] coldMax = ParameterDomain.COLD.max();
        double[] extendedMin = ParameterDomain.EXTENDED.min();
        double[] extendedMax = ParameterDomain.EXTENDED.max();
        for (int d = 0; d < 9; d++) {
            assertTrue(coldMin[d] >= extendedMin[d] && coldMax[d] <= extendedMax[d], "cold inside extended, " + d);
        }
        assertEquals(150.0, coldMax[5]);
        assertEquals(0.01, coldMax[0]);
    }

    private static List<Path> shards(Path folder) throws IOException {
        try (var files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".npz")).sorted().toList();
        }
    }
}
