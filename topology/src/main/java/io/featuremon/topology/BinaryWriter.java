package io.featuremon.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian buffer for featuremon's internal binary layouts (repartition values, store values). */
final class BinaryWriter {
  private ByteBuffer buffer;

  BinaryWriter(int initialCapacity) {
    buffer = ByteBuffer.allocate(Math.max(16, initialCapacity));
  }

  private void ensure(int more) {
    if (buffer.remaining() < more) {
      ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
      buffer.flip();
      bigger.put(buffer);
      buffer = bigger;
    }
  }

  BinaryWriter writeByte(int v) {
    ensure(1);
    buffer.put((byte) v);
    return this;
  }

  BinaryWriter writeInt(int v) {
    ensure(4);
    buffer.putInt(v);
    return this;
  }

  BinaryWriter writeLong(long v) {
    ensure(8);
    buffer.putLong(v);
    return this;
  }

  BinaryWriter writeDouble(double v) {
    ensure(8);
    buffer.putDouble(v);
    return this;
  }

  /** Length-prefixed UTF-8; null is length -1. */
  BinaryWriter writeString(String s) {
    if (s == null) {
      return writeInt(-1);
    }
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    writeInt(bytes.length);
    ensure(bytes.length);
    buffer.put(bytes);
    return this;
  }

  BinaryWriter writeBytes(byte[] bytes) {
    ensure(bytes.length);
    buffer.put(bytes);
    return this;
  }

  BinaryWriter writeFloats(float[] values) {
    writeInt(values.length);
    ensure(values.length * 4);
    buffer.asFloatBuffer().put(values);
    buffer.position(buffer.position() + values.length * 4);
    return this;
  }

  BinaryWriter writeDoubles(double[] values) {
    writeInt(values.length);
    ensure(values.length * 8);
    buffer.asDoubleBuffer().put(values);
    buffer.position(buffer.position() + values.length * 8);
    return this;
  }

  BinaryWriter writeLongs(long[] values) {
    writeInt(values.length);
    ensure(values.length * 8);
    buffer.asLongBuffer().put(values);
    buffer.position(buffer.position() + values.length * 8);
    return this;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buffer.array(), buffer.position());
  }
}
