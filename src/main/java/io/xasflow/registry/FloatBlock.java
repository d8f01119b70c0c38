package io.xasflow.registry;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A read-only {@code List<Float>} view of a range of a {@code float[]}, for Avro {@code array<float>} fields such as a
 * spectrum's 501 channels. {@link AvroSerde} writes it as one block of little-endian bytes (the Avro binary layout of
 * floats) instead of boxing and encoding every element. The backing array must not change until the record is
 * serialised.
 */
public final class FloatBlock extends AbstractList<Float> implements RandomAccess {
    private final float[] values;
    private final int from;
    private final int size;

    public FloatBlock(float[] values, int from, int size) {
        if (from < 0 || size < 0 || from + size > values.length) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + (from + size) + ") of a "
                    + values.length + "-float array");
        }
        this.values = values;
        this.from = from;
        this.size = size;
    }

    @Override
    public Float get(int index) {
        return getFloat(index);
    }

    public float getFloat(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size);
        }
        return values[from + index];
    }

    @Override
    public int size() {
        return size;
    }

    /** The floats as Avro binary writes them: 4 bytes each, IEEE 754, little-endian. */
    byte[] littleEndianBytes() {
        byte[] bytes = new byte[4 * size];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values, from, size);
        return bytes;
    }
}
