package io.xasflow.inference;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/** Reads the float32 arrays of a numpy {@code .npz} archive (as written by {@code np.savez}); test fixtures only. */
final class NpyArchive {
    /** A C-ordered float32 array. */
    record FloatArray(int[] shape, float[] values) {}

    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    private NpyArchive() {}

    static Map<String, FloatArray> read(Path file) throws IOException {
        Map<String, FloatArray> arrays = new HashMap<>();
        try (InputStream in = Files.newInputStream(file); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                String name = entry.getName().replaceFirst("\\.npy$", "");
                arrays.put(name, parse(file + ":" + entry.getName(), zip.readAllBytes()));
            }
        }
        return arrays;
    }

    private static FloatArray parse(String source, byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 10 || bytes[0] != (byte) 0x93 || bytes[1] != 'N') {
            throw new IllegalArgumentException(source + " is not a .npy array");
        }
        int major = bytes[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(buffer.getShort(8)) : buffer.getInt(8);
        int dataStart = (major == 1 ? 10 : 12) + headerLength;
        String header = new String(bytes, major == 1 ? 10 : 12, headerLength, StandardCharsets.ISO_8859_1);
        if (!header.contains("'descr': '<f4'") || header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException(source + ": only little-endian C-ordered float32 is read, header " + header);
        }
        Matcher m = SHAPE.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(source + ": no shape in header " + header);
        }
        int[] shape = Arrays.stream(m.group(1).split(",")).map(String::strip).filter(s -> !s.isEmpty())
                .mapToInt(Integer::parseInt).toArray();
        float[] values = new float[Arrays.stream(shape).reduce(1, (a, b) -> a * b)];
        buffer.position(dataStart);
        buffer.asFloatBuffer().get(values);
        return new FloatArray(shape, values);
    }
}
