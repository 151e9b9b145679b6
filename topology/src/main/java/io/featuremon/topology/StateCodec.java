package io.featuremon.topology;

import io.featuremon.stats.Mask;
import io.featuremon.stats.MaskStability;
import io.featuremon.stats.MomentsHeader;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * Keys and values of the window stage's stores. Every value starts with a format byte so that a later version can
 * read state written by this one.
 *
 * <p>Keys start with the length-prefixed group key, so one group's entries are contiguous and a (group, pane)
 * prefix selects exactly that pane; longs are big-endian, so panes sort by time (event times are ≥ 0).
 */
final class StateCodec {
  private static final byte FORMAT = 1;

  static final byte KIND_SCHEMA = 'S';
  static final byte KIND_CLOCK = 'C';
  static final byte KIND_PANE = 'P';
  static final byte KIND_HEADER = 'H';
  static final byte KIND_TILE = 'T';
  static final byte KIND_MASK = 'M';
  static final byte KIND_COUNTS = 'K';
  static final byte KIND_CONTINGENCY = 'X';
  static final byte KIND_GROUPED = 'G';
  static final byte KIND_SKETCH = 'Q';
  static final byte KIND_REJECTED = 'R';
  static final byte KIND_CANDIDATES = 'W';
  static final byte KIND_BUFFERED = 'B';
  static final byte KIND_BACKLOG = 'D';

  private StateCodec() {}

  // ---- keys

  static byte[] groupPrefix(GroupKey key) {
    byte[] g = key.toBytes();
    return new BinaryWriter(g.length + 2).writeByte(g.length >>> 8).writeByte(g.length).writeBytes(g).toByteArray();
  }

  static Bytes groupKey(byte[] groupPrefix, byte kind) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 1).writeBytes(groupPrefix).writeByte(kind).toByteArray());
  }

  static Bytes paneKey(byte[] groupPrefix, long paneStart, byte kind) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 9).writeBytes(groupPrefix).writeLong(paneStart)
        .writeByte(kind).toByteArray());
  }

  static Bytes tileKey(byte[] groupPrefix, long paneStart, int tileRow, int tileCol) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 17).writeBytes(groupPrefix).writeLong(paneStart)
        .writeByte(KIND_TILE).writeInt(tileRow).writeInt(tileCol).toByteArray());
  }

  /** A pane's categorical statistic: kind K (counts of j), X (contingency of i, j) or G (numeric i by categorical j). */
  static Bytes paneItemKey(byte[] groupPrefix, long paneStart, byte kind, int i, int j) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 17).writeBytes(groupPrefix).writeLong(paneStart)
        .writeByte(kind).writeInt(i).writeInt(j).toByteArray());
  }

  static Bytes pendingKey(byte[] groupPrefix, long paneStart, int sequence) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 12).writeBytes(groupPrefix).writeLong(paneStart)
        .writeInt(sequence).toByteArray());
  }

  static Bytes alertKey(byte[] groupPrefix, String rule) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 16).writeBytes(groupPrefix).writeString(rule).toByteArray());
  }

  // ---- the merge stage (input.spread.partitions): what input partition p sends about group g, keyed by g's prefix
  // so that one task merges all of a group. Window starts are stored with the sign bit flipped, so that they sort
  // by time in the stores' byte order even when negative (the first hopping windows start before 0).

  /** An entry of the partial p sent for window W (its seq-th partial of the group): then pane 0, kind, item. */
  static final byte KIND_PARTIAL = 'E';
  /** The index of the partials: (W, p, seq) → the partial's schema and record time. */
  static final byte KIND_PARTIAL_INDEX = 'I';
  /** Input partition p's frontier for the group: every window starting at or before it is closed there. */
  static final byte KIND_FRONTIER = 'F';
  /** The merge stage's frontier for the group: every window starting at or before it has been merged. */
  static final byte KIND_MERGED = 'Z';
  /** The window stage's count of partials sent for the group (the seq of the next). */
  static final byte KIND_PARTIAL_SEQ = 'n';

  static byte[] partialPrefix(byte[] groupPrefix, long windowStart, int partition, int seq) {
    return partialKey(groupPrefix, KIND_PARTIAL, windowStart, partition, seq).get();
  }

  static Bytes partialIndexKey(byte[] groupPrefix, long windowStart, int partition, int seq) {
    return partialKey(groupPrefix, KIND_PARTIAL_INDEX, windowStart, partition, seq);
  }

  private static Bytes partialKey(byte[] groupPrefix, byte kind, long windowStart, int partition, int seq) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 17).writeBytes(groupPrefix).writeByte(kind)
        .writeLong(windowStart ^ Long.MIN_VALUE).writeInt(partition).writeInt(seq).toByteArray());
  }

  /** (window start, partition, seq) of a partial index key. */
  static long[] decodePartialIndexKey(Bytes key) {
    byte[] k = key.get();
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(k, k.length - 16, 16);
    return new long[] {b.getLong() ^ Long.MIN_VALUE, b.getInt(), b.getInt()};
  }

  /** The window start of a partial's entry or index key, whose group prefix is {@code prefixLength} long. */
  static long partialWindowStart(byte[] key, int prefixLength) {
    return java.nio.ByteBuffer.wrap(key, prefixLength + 1, 8).getLong() ^ Long.MIN_VALUE;
  }

  static Bytes frontierKey(byte[] groupPrefix, int partition) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 5).writeBytes(groupPrefix).writeByte(KIND_FRONTIER)
        .writeInt(partition).toByteArray());
  }

  /** The length of the group prefix a key starts with (its 2-byte length, then the group key). */
  static int groupPrefixLength(byte[] key) {
    return 2 + (((key[0] & 0xff) << 8) | (key[1] & 0xff));
  }

  /** A partial index entry's value: the record time of the partial's outputs and its schema. */
  record PartialInfo(long time, Schema schema) {}

  static byte[] encodePartialInfo(PartialInfo info) {
    BinaryWriter out = new BinaryWriter(32).writeByte(FORMAT).writeLong(info.time()).writeInt(info.schema().dimensions());
    writeNames(out, info.schema().featureNames());
    writeNames(out, info.schema().categoricalNames());
    return out.toByteArray();
  }

  static PartialInfo decodePartialInfo(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    long time = in.readLong();
    Schema schema = readSchema(in);
    in.end();
    return new PartialInfo(time, schema);
  }

  // ---- group schema

  static byte[] encodeSchema(Schema schema) {
    BinaryWriter out = new BinaryWriter(16).writeByte(FORMAT).writeInt(schema.dimensions());
    writeNames(out, schema.featureNames());
    writeNames(out, schema.categoricalNames());
    return out.toByteArray();
  }

  private static void writeNames(BinaryWriter out, List<String> names) {
    out.writeInt(names == null ? -1 : names.size());
    if (names != null) {
      names.forEach(out::writeString);
    }
  }

  private static List<String> readNames(BinaryReader in) {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    List<String> names = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      names.add(in.readString());
    }
    return List.copyOf(names);
  }

  /**
   * What a group's events look like: an embedding's dimension, or a tabular model's numeric feature names (the
   * co-moment dimensions, sorted) and categorical feature names (sorted). Tabular features are addressed by their
   * position in the sorted list of all names ({@link #allNames}), so ties "by name" are ties by index.
   */
  record Schema(int dimensions, List<String> featureNames, List<String> categoricalNames) {
    Schema {
      categoricalNames = categoricalNames == null ? List.of() : categoricalNames;
    }

    boolean hasCategorical() {
      return !categoricalNames.isEmpty();
    }

    /** Every feature name, sorted; an embedding's dimensions are "0".."d-1". */
    List<String> allNames() {
      if (featureNames == null) {
        List<String> names = new ArrayList<>(dimensions);
        for (int i = 0; i < dimensions; i++) {
          names.add(Integer.toString(i));
        }
        return names;
      }
      List<String> all = new ArrayList<>(featureNames);
      all.addAll(categoricalNames);
      all.sort(null);
      return all;
    }

    /** Name of numeric dimension {@code dimension}. */
    String name(int dimension) {
      return featureNames == null ? Integer.toString(dimension) : featureNames.get(dimension);
    }
  }

  static Schema decodeSchema(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    Schema schema = readSchema(in);
    in.end();
    return schema;
  }

  private static Schema readSchema(BinaryReader in) {
    int d = in.readInt();
    List<String> numeric = readNames(in);
    List<String> categorical = readNames(in);
    return new Schema(d, numeric, categorical);
  }

  // ---- clock: the group's stream time, the last closed window and the panes that hold data

  /**
   * @param latest the event times of the group's latest 2q − 1 events (q = {@code window.close.quorum}), oldest
   *     first; stream time moves to the q-th largest of them (their median) when that is later, so events with a
   *     wrong clock move it only when they are the majority of some 2q − 1 consecutive events
   */
  record Clock(long streamTime, long lastClosedWindowStart, List<Long> openPanes, long[] latest,
      boolean shapesWaiting) {
    static Clock initial() {
      return new Clock(Long.MIN_VALUE, Long.MIN_VALUE, List.of(), new long[0], false);
    }

    /**
     * Whether the group has shapes awaiting confirmation: the clock is read for every event anyway, and this spares
     * the per-event lookup of a candidates entry that almost never exists (a miss goes all the way to RocksDB).
     */
    Clock withShapesWaiting(boolean waiting) {
      return new Clock(streamTime, lastClosedWindowStart, openPanes, latest, waiting);
    }

    /** This clock after an event at {@code time}. */
    Clock observe(long time, int quorum) {
      int size = 2 * quorum - 1;
      long[] recent;
      if (latest.length < size) {
        recent = java.util.Arrays.copyOf(latest, latest.length + 1);
      } else {
        recent = new long[size];
        System.arraycopy(latest, latest.length - size + 1, recent, 0, size - 1);
      }
      recent[recent.length - 1] = time;
      long stream = streamTime;
      if (recent.length >= quorum) {
        long[] sorted = recent.clone();
        java.util.Arrays.sort(sorted);
        stream = Math.max(stream, sorted[sorted.length - quorum]);
      }
      return new Clock(stream, lastClosedWindowStart, openPanes, recent, shapesWaiting);
    }

    Clock withPanes(List<Long> panes) {
      return new Clock(streamTime, lastClosedWindowStart, panes, latest, shapesWaiting);
    }
  }

  static byte[] encodeClock(Clock c) {
    BinaryWriter out = new BinaryWriter(40 + 8 * c.openPanes().size() + 8 * c.latest().length).writeByte(FORMAT)
        .writeLong(c.streamTime()).writeLong(c.lastClosedWindowStart()).writeInt(c.openPanes().size());
    c.openPanes().forEach(out::writeLong);
    out.writeLongs(c.latest());
    out.writeByte(c.shapesWaiting() ? 1 : 0);
    return out.toByteArray();
  }

  static Clock decodeClock(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    long streamTime = in.readLong();
    long lastClosed = in.readLong();
    int n = in.readInt();
    List<Long> panes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      panes.add(in.readLong());
    }
    // State written before the quorum clock has no list: its stream time stands for it.
    long[] latest = in.hasRemaining() ? in.readLongs()
        : streamTime == Long.MIN_VALUE ? new long[0] : new long[] {streamTime};
    // Older clocks lack the flag: true makes the window stage look the candidates up, as it always did then.
    boolean waiting = !in.hasRemaining() || in.readByte() == 1;
    in.end();
    return new Clock(streamTime, lastClosed, List.copyOf(panes), latest, waiting);
  }

  // ---- shapes awaiting confirmation: a group's events whose shape differs from the group's schema wait here until
  // enough of them confirm the new shape, or until the group's own traffic shows they were a stray

  /**
   * @param id       names the candidate's buffered events in the pending store
   * @param count    events of this shape buffered so far
   * @param rivals   events of other shapes since this shape's first event
   * @param firstTime event time of its first event: the candidate is settled when that event's window closes
   */
  record Candidate(int id, Schema shape, int count, int rivals, long firstTime) {}

  /**
   * @param nextSeq arrival number of the next buffered event of the group: candidates' events and followers (rows
   *     with nulls that came while shapes waited) share it, so an adopted shape replays them in arrival order
   */
  record Candidates(int nextId, int nextSeq, List<Candidate> pending) {
    static Candidates none() {
      return new Candidates(0, 0, List.of());
    }
  }

  static byte[] encodeCandidates(Candidates c) {
    BinaryWriter out = new BinaryWriter(64).writeByte(FORMAT).writeInt(c.nextId()).writeInt(c.nextSeq())
        .writeInt(c.pending().size());
    for (Candidate k : c.pending()) {
      out.writeInt(k.id()).writeInt(k.count()).writeInt(k.rivals()).writeLong(k.firstTime())
          .writeBytes(encodeSchema(k.shape()));
    }
    return out.toByteArray();
  }

  static Candidates decodeCandidates(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    int nextId = in.readInt();
    int nextSeq = in.readInt();
    int n = in.readInt();
    List<Candidate> pending = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int id = in.readInt();
      int count = in.readInt();
      int rivals = in.readInt();
      long first = in.readLong();
      byte schemaFormat = in.readByte(); // the embedded schema's own format byte
      if (schemaFormat != FORMAT) {
        throw new IllegalStateException("candidate shape written in unknown format " + schemaFormat);
      }
      pending.add(new Candidate(id, readSchema(in), count, rivals, first));
    }
    in.end();
    return new Candidates(nextId, nextSeq, List.copyOf(pending));
  }

  /** The pseudo-candidate id under which followers (rows with nulls, shape unknown) wait. */
  static final int FOLLOWERS = Integer.MAX_VALUE;

  /** A buffered event of candidate {@code id} (or of the followers): group prefix, B, id, arrival sequence. */
  static Bytes bufferedKey(byte[] groupPrefix, int id, int sequence) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 9).writeBytes(groupPrefix).writeByte(KIND_BUFFERED)
        .writeInt(id).writeInt(sequence).toByteArray());
  }

  /**
   * The number of groups this task (one partition of the repartition topic) holds. Group keys start with a two-byte
   * length that names are far too short to reach, so this key cannot collide with a group's.
   */
  static final Bytes GROUP_COUNT_KEY = Bytes.wrap(new byte[] {(byte) 0xff, (byte) 0xff, 'N'});

  static byte[] encodeLong(long value) {
    return new BinaryWriter(9).writeByte(FORMAT).writeLong(value).toByteArray();
  }

  static long decodeLong(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    long value = in.readLong();
    in.end();
    return value;
  }

  // ---- pane counters: events waiting to be folded, and events left out of the correlations

  /**
   * @param missing per numeric feature of a tabular group: events in which it was missing or null
   */
  record PaneCounters(int pending, long incomplete, long[] missing) {}

  static byte[] encodePane(PaneCounters p) {
    return new BinaryWriter(24 + 8 * p.missing().length).writeByte(FORMAT).writeInt(p.pending())
        .writeLong(p.incomplete()).writeLongs(p.missing()).toByteArray();
  }

  static PaneCounters decodePane(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    PaneCounters counters = new PaneCounters(in.readInt(), in.readLong(), in.readLongs());
    in.end();
    return counters;
  }

  // ---- refused events per pane (quality counts): group prefix, R, pane start → reason code → count

  static Bytes rejectionKey(byte[] groupPrefix, long paneStart) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 9).writeBytes(groupPrefix).writeByte(KIND_REJECTED)
        .writeLong(paneStart).toByteArray());
  }

  static byte[] encodeCounts(java.util.SortedMap<String, Long> counts) {
    BinaryWriter out = new BinaryWriter(16 + 24 * counts.size()).writeByte(FORMAT).writeInt(counts.size());
    counts.forEach((k, v) -> out.writeString(k).writeLong(v));
    return out.toByteArray();
  }

  static java.util.SortedMap<String, Long> decodeCounts(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    int n = in.readInt();
    java.util.SortedMap<String, Long> counts = new java.util.TreeMap<>();
    for (int i = 0; i < n; i++) {
      counts.put(in.readString(), in.readLong());
    }
    in.end();
    return counts;
  }

  // ---- moments header and tiles

  static byte[] encodeHeader(MomentsHeader h) {
    int d = h.dimensions();
    return new BinaryWriter(24 + 40 * d + 16).writeByte(FORMAT).writeLong(h.count())
        .writeDoubles(h.mean()).writeDoubles(h.min()).writeDoubles(h.max()).writeLongs(h.inactive())
        .writeDoubles(h.meanLow()).toByteArray();
  }

  static MomentsHeader decodeHeader(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    long count = in.readLong();
    double[] mean = in.readDoubles();
    double[] min = in.readDoubles();
    double[] max = in.readDoubles();
    long[] inactive = in.readLongs();
    // Headers written before the compensated mean have no low parts: zeros are what they meant.
    double[] meanLow = in.hasRemaining() ? in.readDoubles() : new double[mean.length];
    in.end();
    return new MomentsHeader(count, mean, meanLow, min, max, inactive);
  }

  static byte[] encodeTile(double[] tile) {
    return new BinaryWriter(5 + 8 * tile.length).writeByte(FORMAT).writeDoubles(tile).toByteArray();
  }

  static double[] decodeTile(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    double[] tile = in.readDoubles();
    in.end();
    return tile;
  }

  // ---- pending rows: an embedding's floats as they came (no widening on disk); a tabular row's numeric values with
  // their presence and its categorical values (null when missing)

  static byte[] encodeEmbeddingRow(float[] floats) {
    return new BinaryWriter(16 + 4 * floats.length).writeByte(FORMAT).writeByte('F').writeFloats(floats).toByteArray();
  }

  static byte[] encodeTabularRow(double[] numeric, boolean[] present, String[] categorical) {
    BinaryWriter out = new BinaryWriter(32 + 9 * numeric.length + 16 * categorical.length).writeByte(FORMAT)
        .writeByte('T').writeDoubles(numeric);
    for (boolean p : present) {
      out.writeByte(p ? 1 : 0);
    }
    out.writeInt(categorical.length);
    for (String c : categorical) {
      out.writeString(c);
    }
    return out.toByteArray();
  }

  /** A decoded pending row; {@code present[k]} is false where numeric value k was missing. */
  record Row(double[] numeric, boolean[] present, String[] categorical) {
    boolean complete() {
      for (boolean p : present) {
        if (!p) {
          return false;
        }
      }
      return true;
    }
  }

  static Row decodeRow(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    byte kind = in.readByte();
    if (kind != 'F' && kind != 'T') {
      throw new IllegalStateException("pending row of unknown kind " + kind);
    }
    if (kind == 'F') {
      float[] floats = in.readFloats();
      double[] values = new double[floats.length];
      boolean[] present = new boolean[floats.length];
      for (int i = 0; i < floats.length; i++) {
        values[i] = floats[i];
        present[i] = true;
      }
      in.end();
      return new Row(values, present, new String[0]);
    }
    double[] numeric = in.readDoubles();
    boolean[] present = new boolean[numeric.length];
    for (int i = 0; i < present.length; i++) {
      present[i] = in.readByte() == 1;
    }
    String[] categorical = new String[in.readInt()];
    for (int j = 0; j < categorical.length; j++) {
      categorical[j] = in.readString();
    }
    in.end();
    return new Row(numeric, present, categorical);
  }

  // ---- mask state: hysteresis counters, latest evidence and the last published mask

  static byte[] encodeMaskState(MaskStability.State state) {
    int d = state.dropped().length;
    BinaryWriter out = new BinaryWriter(64 + 48 * d).writeByte(FORMAT).writeInt(d).writeLong(state.version());
    for (int i = 0; i < d; i++) {
      out.writeByte(state.dropped()[i] ? 1 : 0).writeInt(state.streak()[i]);
      writeDrop(out, state.evidence()[i]);
    }
    Mask published = state.published();
    out.writeInt(published == null ? -1 : published.dropped().size());
    if (published != null) {
      published.dropped().forEach(drop -> writeDrop(out, drop));
    }
    return out.toByteArray();
  }

  static int maskDimensions(byte[] bytes) {
    return readerOf(bytes).readInt();
  }

  static MaskStability.State decodeMaskState(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    int d = in.readInt();
    long version = in.readLong();
    boolean[] dropped = new boolean[d];
    int[] streak = new int[d];
    Mask.Drop[] evidence = new Mask.Drop[d];
    for (int i = 0; i < d; i++) {
      dropped[i] = in.readByte() == 1;
      streak[i] = in.readInt();
      evidence[i] = readDrop(in);
    }
    int n = in.readInt();
    Mask published = null;
    if (n >= 0) {
      List<Mask.Drop> drops = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        drops.add(readDrop(in));
      }
      published = Mask.of(d, drops);
    }
    in.end();
    return new MaskStability.State(dropped, streak, evidence, published, version);
  }

  private static void writeDrop(BinaryWriter out, Mask.Drop drop) {
    if (drop == null) {
      out.writeByte(-1);
      return;
    }
    out.writeByte(drop.reason().ordinal()).writeInt(drop.dimension()).writeInt(drop.redundantWith())
        .writeDouble(drop.corr()).writeDouble(drop.activeShare()).writeByte(drop.multiple() ? 1 : 0);
  }

  private static Mask.Drop readDrop(BinaryReader in) {
    byte reason = in.readByte();
    if (reason < 0) {
      return null;
    }
    return new Mask.Drop(in.readInt(), Mask.Reason.values()[reason], in.readInt(), in.readDouble(), in.readDouble(),
        in.readByte() == 1);
  }

  // ---- drift backlog: pending rows whose values still wait to be added to the pane's sketches, one chunk per fold,
  // and the chunk count under index -1

  /** How much of a pane's drift backlog is stored: chunks 0..chunks − 1, holding {@code rows} rows, {@code bytes} bytes. */
  record Backlog(int chunks, long rows, long bytes) {}

  static Bytes backlogKey(byte[] groupPrefix, long paneStart, int chunk) {
    return paneItemKey(groupPrefix, paneStart, KIND_BACKLOG, chunk, 0);
  }

  static byte[] encodeBacklog(Backlog b) {
    return new BinaryWriter(24).writeByte(FORMAT).writeInt(b.chunks()).writeLong(b.rows()).writeLong(b.bytes())
        .toByteArray();
  }

  static Backlog decodeBacklog(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    Backlog b = new Backlog(in.readInt(), in.readLong(), in.readLong());
    in.end();
    if (b.chunks() < 0 || b.rows() < 0 || b.bytes() < 0) {
      throw new IllegalStateException("drift backlog of " + b.chunks() + " chunks and " + b.rows() + " rows");
    }
    return b;
  }

  /** Pending rows as they were stored (their own encoding), in order. */
  static byte[] encodeChunk(List<byte[]> rows) {
    int size = 16;
    for (byte[] row : rows) {
      size += 4 + row.length;
    }
    BinaryWriter out = new BinaryWriter(size).writeByte(FORMAT).writeInt(rows.size());
    for (byte[] row : rows) {
      out.writeInt(row.length).writeBytes(row);
    }
    return out.toByteArray();
  }

  static List<Row> decodeChunk(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    int n = in.readInt();
    if (n < 0) {
      throw new IllegalStateException("drift backlog chunk of " + n + " rows");
    }
    List<Row> rows = new ArrayList<>(Math.min(n, 1 << 16));
    for (int i = 0; i < n; i++) {
      rows.add(decodeRow(in.readByteArray()));
    }
    in.end();
    return rows;
  }

  private static BinaryReader readerOf(byte[] bytes) {
    BinaryReader in = new BinaryReader(bytes);
    byte format = in.readByte();
    if (format != FORMAT) {
      throw new IllegalStateException("state written in unknown format " + format + "; was it written by a newer featuremon?");
    }
    return in;
  }
}
