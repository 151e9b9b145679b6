package io.featuremon.topology;

import io.featuremon.stats.CategoryCounts;
import io.featuremon.stats.drift.NumericSketch;
import java.util.function.Function;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What drift is measured against, per group: a window's sketches, categorical counts, mean vector and redundancy.
 * Kept in the logged reference store (so it survives restarts), or read from a profile file, in the same layout:
 * a header entry and one entry per sketch and per categorical feature, none larger than a few KiB.
 */
record Reference(long start, long end, long count, double meanAbsCorr, double effectiveRank, double[] mean,
    NumericSketch[] sketches, CategoryCounts[] counts, java.util.List<String> names) {

  /**
   * What a reference's sketches and counts are of, by position: a tabular schema's numeric names, a separator, its
   * categorical names; an embedding's is empty (its dimensions are positions). Without it a schema change that keeps
   * the count (a model of categorical features only always has d = 0) compared a new feature with an old one.
   */
  static java.util.List<String> namesOf(StateCodec.Schema schema) {
    if (schema.featureNames() == null) {
      return java.util.List.of();
    }
    java.util.List<String> names = new java.util.ArrayList<>(schema.featureNames());
    names.add(SEPARATOR);
    names.addAll(schema.categoricalNames());
    return java.util.List.copyOf(names);
  }

  /** Between the numeric and the categorical names: no feature is named "" (Validation refuses it). */
  private static final String SEPARATOR = "";

  private static final byte FORMAT = 1;
  private static final byte KIND_HEADER = 'H';

  static Bytes headerKey(byte[] group) {
    return StateCodec.groupKey(group, KIND_HEADER);
  }

  /** The key of the reference window's WindowStats (as JSON), for the relative alert rules. */
  static Bytes statsKey(byte[] group) {
    return itemKey(group, (byte) 'J', 0);
  }

  /** The reference window's WindowStats JSON as stored: a format byte, then the UTF-8 JSON. */
  static byte[] encodeStats(String json) {
    byte[] text = json.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] bytes = new byte[text.length + 1];
    bytes[0] = FORMAT;
    System.arraycopy(text, 0, bytes, 1, text.length);
    return bytes;
  }

  /** The JSON {@link #encodeStats} stored; state written before the format byte is the bare JSON object. */
  static String decodeStats(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == '{') {
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
    if (bytes.length < 2 || bytes[0] != FORMAT) {
      throw new IllegalStateException("unknown reference statistics format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
    }
    return new String(bytes, 1, bytes.length - 1, java.nio.charset.StandardCharsets.UTF_8);
  }

  static Bytes itemKey(byte[] group, byte kind, int index) {
    return Bytes.wrap(new BinaryWriter(group.length + 6).writeBytes(group).writeByte(kind).writeInt(index).toByteArray());
  }

  /** The group's reference, or null when it has none (yet). */
  static Reference load(Function<Bytes, byte[]> store, byte[] group) {
    byte[] header = store.apply(headerKey(group));
    if (header == null) {
      return null;
    }
    BinaryReader in = new BinaryReader(header, "reference header");
    if (in.readByte() != FORMAT) {
      throw new IllegalStateException("reference written in an unknown format");
    }
    long start = in.readLong();
    long end = in.readLong();
    long count = in.readLong();
    double meanAbsCorr = in.readDouble();
    double effectiveRank = in.readDouble();
    double[] mean = in.readDoubles();
    int categorical = in.readInt();
    // References written before the names were kept have none: null, compared by count only, as they were.
    java.util.List<String> names = null;
    if (in.hasRemaining()) {
      int n = in.readInt();
      names = new java.util.ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add(in.readString());
      }
      names = java.util.List.copyOf(names);
    }
    in.end();
    NumericSketch[] sketches = new NumericSketch[mean.length];
    for (int i = 0; i < mean.length; i++) {
      sketches[i] = NumericSketch.fromBytes(store.apply(itemKey(group, StateCodec.KIND_SKETCH, i)));
    }
    CategoryCounts[] counts = new CategoryCounts[categorical];
    for (int j = 0; j < categorical; j++) {
      counts[j] = CategoryCounts.fromBytes(store.apply(itemKey(group, StateCodec.KIND_COUNTS, j)));
    }
    return new Reference(start, end, count, meanAbsCorr, effectiveRank, mean, sketches, counts, names);
  }

  void save(KeyValueStore<Bytes, byte[]> store, byte[] group) {
    for (int i = 0; i < sketches.length; i++) {
      store.put(itemKey(group, StateCodec.KIND_SKETCH, i), sketches[i].toBytes());
    }
    for (int j = 0; j < counts.length; j++) {
      store.put(itemKey(group, StateCodec.KIND_COUNTS, j), counts[j].toBytes());
    }
    BinaryWriter out = new BinaryWriter(64 + 8 * mean.length).writeByte(FORMAT).writeLong(start).writeLong(end)
        .writeLong(count).writeDouble(meanAbsCorr).writeDouble(effectiveRank).writeDoubles(mean)
        .writeInt(counts.length).writeInt(names.size());
    for (String name : names) {
      out.writeString(name);
    }
    store.put(headerKey(group), out.toByteArray());
  }
}
