package io.featuremon.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link BinaryWriter} wrote, strictly: every read checks that the bytes are there, every length is
 * checked against the bytes left before anything is allocated for it, and {@link #end()} refuses trailing bytes. Bytes
 * that fail are corrupt state or a layout this build does not know, never a record's fault: the exception
 * ({@link IllegalStateException}) says which and where, and stops the stream thread rather than computing on them.
 */
final class BinaryReader {
  private final ByteBuffer buffer;
  private final String what;

  BinaryReader(byte[] bytes) {
    this(bytes, "state");
  }

  /** {@code what} names the layout in error messages ("clock", "monitored event", ...). */
  BinaryReader(byte[] bytes, String what) {
    buffer = ByteBuffer.wrap(bytes);
    this.what = what;
  }

  boolean hasRemaining() {
    return buffer.hasRemaining();
  }

  /** Refuses bytes left over: a layout that reads less than was written is another layout. */
  void end() {
    if (buffer.hasRemaining()) {
      throw corrupt(buffer.remaining() + " trailing bytes after byte " + buffer.position());
    }
  }

  private void require(long n) {
    if (n > buffer.remaining()) {
      throw corrupt("truncated: needs " + n + " bytes at byte " + buffer.position() + ", " + buffer.remaining()
          + " left");
    }
  }

  private IllegalStateException corrupt(String why) {
    return new IllegalStateException(what + " bytes (" + buffer.capacity() + ") are corrupt: " + why);
  }

  byte readByte() {
    require(1);
    return buffer.get();
  }

  int readInt() {
    require(4);
    return buffer.getInt();
  }

  long readLong() {
    require(8);
    return buffer.getLong();
  }

  double readDouble() {
    require(8);
    return buffer.getDouble();
  }

  /** Length-prefixed UTF-8; length -1 is null. */
  String readString() {
    int n = readInt();
    if (n == -1) {
      return null;
    }
    if (n < 0) {
      throw corrupt("string length " + n + " at byte " + (buffer.position() - 4));
    }
    require(n);
    String s = new String(buffer.array(), buffer.arrayOffset() + buffer.position(), n, StandardCharsets.UTF_8);
    buffer.position(buffer.position() + n);
    return s;
  }

  /** A length-prefixed array's length, checked against the bytes left before anything is allocated. */
  private int arrayLength(int width) {
    int n = readInt();
    if (n < 0) {
      throw corrupt("array length " + n + " at byte " + (buffer.position() - 4));
    }
    require((long) n * width);
    return n;
  }

  float[] readFloats() {
    float[] values = new float[arrayLength(4)];
    buffer.asFloatBuffer().get(values);
    buffer.position(buffer.position() + values.length * 4);
    return values;
  }

  double[] readDoubles() {
    double[] values = new double[arrayLength(8)];
    buffer.asDoubleBuffer().get(values);
    buffer.position(buffer.position() + values.length * 8);
    return values;
  }

  long[] readLongs() {
    long[] values = new long[arrayLength(8)];
    buffer.asLongBuffer().get(values);
    buffer.position(buffer.position() + values.length * 8);
    return values;
  }

  /** A length-prefixed byte array (written with {@code writeInt(length)} then {@code writeBytes}). */
  byte[] readByteArray() {
    byte[] values = new byte[arrayLength(1)];
    buffer.get(values);
    return values;
  }
}
