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

  static Bytes pendingKey(byte[] groupPrefix, long paneStart, int sequence) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 12).writeBytes(groupPrefix).writeLong(paneStart)
        .writeInt(sequence).toByteArray());
  }

  static Bytes alertKey(byte[] groupPrefix, String rule) {
    return Bytes.wrap(new BinaryWriter(groupPrefix.length + 16).writeBytes(groupPrefix).writeString(rule).toByteArray());
  }

  // ---- group schema: the dimension of an embedding group, or the sorted numeric feature names of a tabular one

  static byte[] encodeSchema(List<String> featureNames, int dimensions) {
    BinaryWriter out = new BinaryWriter(16).writeByte(FORMAT).writeInt(dimensions);
    out.writeInt(featureNames == null ? -1 : featureNames.size());
    if (featureNames != null) {
      featureNames.forEach(out::writeString);
    }
    return out.toByteArray();
  }

  record Schema(int dimensions, List<String> featureNames) {
    String name(int dimension) {
      return featureNames == null ? Integer.toString(dimension) : featureNames.get(dimension);
    }

    /** The dimension called {@code name}, or -1. */
    int indexOf(String name) {
      if (featureNames != null) {
        return featureNames.indexOf(name);
      }
      try {
        int i = Integer.parseInt(name);
        return i >= 0 && i < dimensions ? i : -1;
      } catch (NumberFormatException e) {
        return -1;
      }
    }
  }

  static Schema decodeSchema(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    int d = in.readInt();
    int n = in.readInt();
    List<String> names = null;
    if (n >= 0) {
      names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add(in.readString());
      }
    }
    return new Schema(d, names == null ? null : List.copyOf(names));
  }

  // ---- clock: the group's stream time, the last closed window and the panes that hold data

  record Clock(long streamTime, long lastClosedWindowStart, List<Long> openPanes) {
    static Clock initial() {
      return new Clock(Long.MIN_VALUE, Long.MIN_VALUE, List.of());
    }
  }

  static byte[] encodeClock(Clock c) {
    BinaryWriter out = new BinaryWriter(32 + 8 * c.openPanes().size()).writeByte(FORMAT)
        .writeLong(c.streamTime()).writeLong(c.lastClosedWindowStart()).writeInt(c.openPanes().size());
    c.openPanes().forEach(out::writeLong);
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
    return new Clock(streamTime, lastClosed, List.copyOf(panes));
  }

  // ---- pane counters: events waiting to be folded, and events left out of the correlations

  record PaneCounters(int pending, long incomplete) {}

  static byte[] encodePane(PaneCounters p) {
    return new BinaryWriter(16).writeByte(FORMAT).writeInt(p.pending()).writeLong(p.incomplete()).toByteArray();
  }

  static PaneCounters decodePane(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    return new PaneCounters(in.readInt(), in.readLong());
  }

  // ---- moments header and tiles

  static byte[] encodeHeader(MomentsHeader h) {
    int d = h.dimensions();
    return new BinaryWriter(16 + 32 * d + 16).writeByte(FORMAT).writeLong(h.count())
        .writeDoubles(h.mean()).writeDoubles(h.min()).writeDoubles(h.max()).writeLongs(h.inactive()).toByteArray();
  }

  static MomentsHeader decodeHeader(byte[] bytes) {
    BinaryReader in = readerOf(bytes);
    long count = in.readLong();
    return new MomentsHeader(count, in.readDoubles(), in.readDoubles(), in.readDoubles(), in.readLongs());
  }

  static byte[] encodeTile(double[] tile) {
    return new BinaryWriter(5 + 8 * tile.length).writeByte(FORMAT).writeDoubles(tile).toByteArray();
  }

  static double[] decodeTile(byte[] bytes) {
    return readerOf(bytes).readDoubles();
  }

  // ---- pending rows: an embedding's floats as they came (no widening on disk), a feature row's doubles

  static byte[] encodeRow(float[] floats, double[] doubles) {
    BinaryWriter out = new BinaryWriter(16 + (floats != null ? 4 * floats.length : 8 * doubles.length)).writeByte(FORMAT);
    return floats != null ? out.writeByte('F').writeFloats(floats).toByteArray()
        : out.writeByte('D').writeDoubles(doubles).toByteArray();
  }

  /** Writes the row's values as doubles into {@code into} at {@code offset}. */
  static void decodeRowInto(byte[] bytes, double[] into, int offset) {
    BinaryReader in = readerOf(bytes);
    if (in.readByte() == 'F') {
      float[] floats = in.readFloats();
      for (int i = 0; i < floats.length; i++) {
        into[offset + i] = floats[i];
      }
    } else {
      double[] doubles = in.readDoubles();
      System.arraycopy(doubles, 0, into, offset, doubles.length);
    }
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
    return new MaskStability.State(dropped, streak, evidence, published, version);
  }

  private static void writeDrop(BinaryWriter out, Mask.Drop drop) {
    if (drop == null) {
      out.writeByte(-1);
      return;
    }
    out.writeByte(drop.reason().ordinal()).writeInt(drop.dimension()).writeInt(drop.redundantWith())
        .writeDouble(drop.corr()).writeDouble(drop.activeShare());
  }

  private static Mask.Drop readDrop(BinaryReader in) {
    byte reason = in.readByte();
    if (reason < 0) {
      return null;
    }
    return new Mask.Drop(in.readInt(), Mask.Reason.values()[reason], in.readInt(), in.readDouble(), in.readDouble());
  }

  // ---- alert state: when a firing alert started

  static byte[] encodeAlert(long startsAt) {
    return new BinaryWriter(9).writeByte(FORMAT).writeLong(startsAt).toByteArray();
  }

  static long decodeAlert(byte[] bytes) {
    return readerOf(bytes).readLong();
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
