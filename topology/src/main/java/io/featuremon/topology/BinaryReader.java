package io.featuremon.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Reads what {@link BinaryWriter} wrote. */
final class BinaryReader {
  private final ByteBuffer buffer;

  BinaryReader(byte[] bytes) {
    buffer = ByteBuffer.wrap(bytes);
  }

  boolean hasRemaining() {
    return buffer.hasRemaining();
  }

  byte readByte() {
    return buffer.get();
  }

  int readInt() {
    return buffer.getInt();
  }

  long readLong() {
    return buffer.getLong();
  }

  double readDouble() {
    return buffer.getDouble();
  }

  String readString() {
    int n = buffer.getInt();
    if (n < 0) {
      return null;
    }
    String s = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), n, StandardCharsets.UTF_8);
    buffer.position(buffer.position() + n);
    return s;
  }

  float[] readFloats() {
    float[] values = new float[buffer.getInt()];
    buffer.asFloatBuffer().get(values);
    buffer.position(buffer.position() + values.length * 4);
    return values;
  }

  double[] readDoubles() {
    double[] values = new double[buffer.getInt()];
    buffer.asDoubleBuffer().get(values);
    buffer.position(buffer.position() + values.length * 8);
    return values;
  }

  long[] readLongs() {
    long[] values = new long[buffer.getInt()];
    buffer.asLongBuffer().get(values);
    buffer.position(buffer.position() + values.length * 8);
    return values;
  }

}
