package io.featuremon.stats;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Big-endian primitives shared by the binary layouts of {@link CategoryCounts}, {@link Contingency} and
 * {@link GroupedMoments}. Each of those classes owns its layout and its format byte; this class only writes and
 * reads the pieces, and turns every malformed input into an {@link IllegalArgumentException} that names the type.
 *
 * <p>Strings are length-prefixed UTF-8. A Java string with an unpaired surrogate has no UTF-8 form, so category
 * values are made {@linkplain #wellFormed well formed} when they enter a statistic: state in memory and state read
 * back from bytes then always hold the same strings, and a restored pane buckets values exactly as the live one.
 */
final class CategoricalBytes {
  private CategoricalBytes() {}

  /**
   * The value itself when it is valid UTF-16 (the usual case: values decoded from Avro or JSON text), otherwise
   * its UTF-8 round trip, which replaces each unpaired surrogate by {@code '?'}.
   */
  static String wellFormed(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isSurrogate(value.charAt(i))) {
        return new String(value.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
      }
    }
    return value;
  }

  static final class Writer {
    private ByteBuffer buffer;

    Writer(int initialCapacity) {
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

    Writer writeByte(int v) {
      ensure(1);
      buffer.put((byte) v);
      return this;
    }

    Writer writeInt(int v) {
      ensure(4);
      buffer.putInt(v);
      return this;
    }

    Writer writeLong(long v) {
      ensure(8);
      buffer.putLong(v);
      return this;
    }

    /** The raw IEEE-754 bits, so −0.0 and every NaN payload survive a round trip unchanged. */
    Writer writeDouble(double v) {
      return writeLong(Double.doubleToRawLongBits(v));
    }

    Writer writeString(String s) {
      byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
      writeInt(bytes.length);
      ensure(bytes.length);
      buffer.put(bytes);
      return this;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buffer.array(), buffer.position());
    }
  }

  static final class Reader {
    private final ByteBuffer buffer;
    private final String type;
    private final byte format;

    /** Checks the format byte; {@code type} names the statistic in error messages. */
    Reader(byte[] bytes, String type, byte expectedFormat) {
      this(bytes, type, expectedFormat, expectedFormat);
    }

    /** Accepts any format byte from {@code oldestFormat} to {@code newestFormat}; see {@link #format()}. */
    Reader(byte[] bytes, String type, byte oldestFormat, byte newestFormat) {
      if (bytes == null || bytes.length == 0) {
        throw new IllegalArgumentException(type + ": no bytes");
      }
      this.buffer = ByteBuffer.wrap(bytes);
      this.type = type;
      this.format = buffer.get();
      if (format < oldestFormat || format > newestFormat) {
        throw new IllegalArgumentException(type + ": unknown format " + format + " (this version reads format "
            + (oldestFormat == newestFormat ? "" : oldestFormat + " to ") + newestFormat + ")");
      }
    }

    /** The format byte read. */
    byte format() {
      return format;
    }

    IllegalArgumentException invalid(String why) {
      return new IllegalArgumentException(type + ": " + why);
    }

    byte readByte() {
      try {
        return buffer.get();
      } catch (BufferUnderflowException e) {
        throw invalid("truncated at byte " + buffer.position());
      }
    }

    int readInt() {
      try {
        return buffer.getInt();
      } catch (BufferUnderflowException e) {
        throw invalid("truncated at byte " + buffer.position());
      }
    }

    long readLong() {
      try {
        return buffer.getLong();
      } catch (BufferUnderflowException e) {
        throw invalid("truncated at byte " + buffer.position());
      }
    }

    double readDouble() {
      return Double.longBitsToDouble(readLong());
    }

    /** A count: never negative. */
    long readCount(String what) {
      long v = readLong();
      if (v < 0) {
        throw invalid(what + " is negative: " + v);
      }
      return v;
    }

    /** A length or size in [0, max]. */
    int readSize(String what, int max) {
      int v = readInt();
      if (v < 0 || v > max) {
        throw invalid(what + " " + v + " is outside [0, " + max + "]");
      }
      return v;
    }

    String readString() {
      int length = readSize("string length", buffer.remaining());
      ByteBuffer slice = buffer.slice();
      slice.limit(length);
      buffer.position(buffer.position() + length);
      try {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(slice);
        return chars.toString();
      } catch (CharacterCodingException e) {
        throw invalid("a string is not valid UTF-8");
      }
    }

    void finish() {
      if (buffer.hasRemaining()) {
        throw invalid(buffer.remaining() + " trailing bytes");
      }
    }
  }
}
