package io.xasflow.dataset;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes NumPy {@code .npz} archives: a zip of {@code .npy} arrays in format version 1.0
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html): magic "\x93NUMPY", version, a
 * little-endian uint16 header length, a Python-literal header padded with spaces to a multiple of 64 bytes, then the
 * C-ordered little-endian data.
 */
public final class NpzWriter implements AutoCloseable {
    private static final java.time.LocalDateTime FIXED_TIME = java.time.LocalDateTime.of(2000, 1, 1, 0, 0);

    private final ZipOutputStream zip;

    public NpzWriter(Path path) throws IOException {
        this.zip = new ZipOutputStream(Files.newOutputStream(path));
    }

    public void writeFloat32(String name, float[] data, int... shape) throws IOException {
        checkShape(name, data.length, shape);
        ByteBuffer bytes = ByteBuffer.allocate(4 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(data);
        write(name, "<f4", shape, bytes.array());
    }

    public void writeFloat64(String name, double[] data, int... shape) throws IOException {
        checkShape(name, data.length, shape);
        ByteBuffer bytes = ByteBuffer.allocate(8 * data.length).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asDoubleBuffer().put(data);
        write(name, "<f8", shape, bytes.array());
    }

    /** A UTF-8 text (e.g. JSON metadata) as a uint8 array: {@code bytes(a).decode()} in Python. */
    public void writeText(String name, String text) throws IOException {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        write(name, "|u1", new int[] {utf8.length}, utf8);
    }

    private void write(String name, String dtype, int[] shape, byte[] data) throws IOException {
        String shapeText = shape.length == 1 ? "(" + shape[0] + ",)"
                : Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", ", "(", ")"));
        String header = "{'descr': '" + dtype + "', 'fortran_order': False, 'shape': " + shapeText + ", }";
        int unpadded = 10 + header.length() + 1;
        int padding = (64 - unpadded % 64) % 64;
        header = header + " ".repeat(padding) + "\n";
        ZipEntry entry = new ZipEntry(name + ".npy");
        entry.setTimeLocal(FIXED_TIME); // reproducible archives: same data, same bytes
        zip.putNextEntry(entry);
        OutputStream out = zip;
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
        byte[] headerBytes = header.getBytes(StandardCharsets.US_ASCII);
        out.write(new byte[] {(byte) (headerBytes.length & 0xff), (byte) (headerBytes.length >> 8)});
        out.write(headerBytes);
        out.write(data);
        zip.closeEntry();
    }

    private static void checkShape(String name, int length, int[] shape) {
        long product = 1;
        for (int s : shape) {
            product *= s;
        }
        if (product != length) {
            throw new IllegalArgumentException("array '" + name + "' has " + length + " values, shape "
                    + Arrays.toString(shape) + " needs " + product);
        }
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }
}
