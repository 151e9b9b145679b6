package io.featuremon.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes Avro binary by hand (zig-zag varints, little-endian floats), so the fuzzer can write what no Avro
 * encoder would: a length prefix that does not match the bytes that follow, a block count of 2^63.
 */
final class AvroBytes {
  private final ByteArrayOutputStream out;

  AvroBytes(int capacity) {
    out = new ByteArrayOutputStream(capacity);
  }

  /** The Confluent wire-format header: magic byte 0 and the big-endian schema id. */
  AvroBytes header(int schemaId) {
    out.write(0);
    out.write(schemaId >>> 24);
    out.write(schemaId >>> 16);
    out.write(schemaId >>> 8);
    out.write(schemaId);
    return this;
  }

  AvroBytes writeLong(long n) {
    long z = (n << 1) ^ (n >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return this;
  }

  AvroBytes writeFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    for (int i = 0; i < 4; i++) {
      out.write(bits >>> (8 * i));
    }
    return this;
  }

  AvroBytes writeDouble(double d) {
    long bits = Double.doubleToRawLongBits(d);
    for (int i = 0; i < 8; i++) {
      out.write((int) (bits >>> (8 * i)));
    }
    return this;
  }

  /** A string or bytes with its true length, or with {@code claimedLength} instead when not null. */
  AvroBytes writeBytes(byte[] bytes, Long claimedLength) {
    writeLong(claimedLength != null ? claimedLength : bytes.length);
    out.writeBytes(bytes);
    return this;
  }

  AvroBytes writeString(String s, Long claimedLength) {
    return writeBytes(s.getBytes(StandardCharsets.UTF_8), claimedLength);
  }

  AvroBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
