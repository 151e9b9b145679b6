package io.featuremon.stats.drift;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads the compact serialization of a DataSketches KLL doubles sketch (what featuremon's NumericSketch formats 1
 * and 2 carried, written by datasketches-java 6.2) into a {@link KllSketch}, so that state and reference profiles
 * written before featuremon had its own sketch keep working: the same levels and items, hence the same sorted view,
 * ranks and drift numbers; later updates and merges compact with featuremon's coins.
 *
 * <p>The format, as DataSketches documents it ({@code KllPreambleUtil}), little-endian: byte 0 the preamble length
 * in ints (2 or 5), byte 1 the serial version (1: empty or full, 2: one item), byte 2 the family (15, KLL), byte 3
 * flags (bit 0 empty, bit 2 one item), bytes 4–5 k, byte 6 m (the least level capacity). An empty sketch ends
 * there; a one-item sketch has the item at byte 8; a full one has n (int64) at 8, min k (uint16) at 16, the number
 * of levels L at 18, then from byte 20 the L level offsets (int32; the end of the top level is implied by the
 * number of items), the minimum and maximum, and the retained items (float64), level 0 first.
 */
final class DataSketchesKllBytes {
  private static final int FAMILY_KLL = 15;
  private static final int SERIAL_EMPTY_OR_FULL = 1;
  private static final int SERIAL_SINGLE = 2;
  private static final int FLAG_EMPTY = 1;

  private DataSketchesKllBytes() {}

  /** The sketch the bytes from {@code offset} to the end describe. */
  static KllSketch read(byte[] bytes, int offset) {
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset).slice().order(ByteOrder.LITTLE_ENDIAN);
    if (in.remaining() < 8) {
      throw corrupt("fewer than 8 bytes");
    }
    int preambleInts = Byte.toUnsignedInt(in.get(0));
    int serial = Byte.toUnsignedInt(in.get(1));
    int family = Byte.toUnsignedInt(in.get(2));
    int flags = Byte.toUnsignedInt(in.get(3));
    int k = Short.toUnsignedInt(in.getShort(4));
    int m = Byte.toUnsignedInt(in.get(6));
    if (family != FAMILY_KLL) {
      throw corrupt("family " + family + ", not KLL");
    }
    if (k < KllSketch.MIN_K || m != KllSketch.MIN_LEVEL_CAPACITY) {
      throw corrupt("k " + k + " and m " + m + " (featuremon only wrote m = 8, k ≥ 8)");
    }
    if (serial == SERIAL_EMPTY_OR_FULL && preambleInts == 2 && (flags & FLAG_EMPTY) != 0) {
      return KllSketch.of(k, k, 0, Double.NaN, Double.NaN, new double[][] {new double[0]});
    }
    if (serial == SERIAL_SINGLE && preambleInts == 2) {
      if (in.remaining() < 16) {
        throw corrupt("a one-item sketch of " + in.remaining() + " bytes");
      }
      double item = in.getDouble(8);
      if (!Double.isFinite(item)) {
        throw corrupt("item " + item);
      }
      return KllSketch.of(k, k, 1, item, item, new double[][] {{item}});
    }
    if (serial != SERIAL_EMPTY_OR_FULL || preambleInts != 5) {
      throw corrupt("serial version " + serial + " with " + preambleInts + " preamble ints (not a compact sketch)");
    }
    try {
      in.position(8);
      long n = in.getLong();
      int minK = Short.toUnsignedInt(in.getShort());
      int numLevels = Byte.toUnsignedInt(in.get());
      in.get();
      if (numLevels < 1 || numLevels > KllSketch.MAX_LEVELS || minK < KllSketch.MIN_K || minK > k) {
        throw corrupt(numLevels + " levels, min k " + minK);
      }
      int[] offsets = new int[numLevels + 1];
      for (int h = 0; h < numLevels; h++) {
        offsets[h] = in.getInt();
      }
      double min = in.getDouble();
      double max = in.getDouble();
      int items = in.remaining() / Double.BYTES;
      if (in.remaining() % Double.BYTES != 0) {
        throw corrupt(in.remaining() + " bytes of items");
      }
      offsets[numLevels] = offsets[0] + items;
      double[][] levels = new double[numLevels][];
      for (int h = 0; h < numLevels; h++) {
        int size = offsets[h + 1] - offsets[h];
        if (size < 0) {
          throw corrupt("level offsets " + java.util.Arrays.toString(offsets));
        }
        levels[h] = new double[size];
        for (int i = 0; i < size; i++) {
          levels[h][i] = in.getDouble();
        }
      }
      return KllSketch.of(k, minK, n, min, max, levels);
    } catch (java.nio.BufferUnderflowException e) {
      throw corrupt("truncated bytes");
    }
  }

  private static IllegalArgumentException corrupt(String what) {
    return new IllegalArgumentException("corrupt DataSketches KLL sketch: " + what);
  }
}
