package io.featuremon.alerts;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The alert state of one (model, segment, type): which alerts are pending or firing, since when, and the recent
 * values of trend rules. Immutable; {@link AlertEngine#evaluate} returns a new one.
 *
 * <h2>Binary form</h2>
 * {@link #toBytes()} writes, with big-endian fixed-width longs, unsigned LEB128 varints and strings as varint
 * length + UTF-8:
 * <pre>
 * u8      format = 1
 * i64     lastWindowEnd (Long.MIN_VALUE before the first window)
 * varint  number of series, then per series in (rule, instance, severity) order:
 *           string rule, string instance ("" without *), u8 severity (0 info, 1 warning, 2 critical), u8 phase,
 *           phase 0 (pending): varint held, i64 activeAt
 *           phase 1 (firing):  varint clear, i64 activeAt, i64 startsAt, string metric,
 *                              varint number of labels, then (string name, string value) in name order
 * varint  number of histories, then per history in (rule, instance) order:
 *           string rule, string instance, varint n, n × i64 (IEEE-754 bits of the values, oldest first)
 * </pre>
 * Everything is in a canonical order, so equal states have equal bytes, and {@code fromBytes(b).toBytes()} gives
 * back {@code b} for every {@code b} this class wrote ({@link #fromBytes} rejects out-of-order entries and trailing
 * bytes). A firing series keeps its labels so that it can still be resolved after its rule was removed or changed.
 * Size: about 40 bytes per pending series, 100–300 per firing one, 8 bytes per trend value kept.
 */
public final class AlertState {
  /** The format byte {@link #toBytes()} writes. */
  public static final byte FORMAT_V1 = 1;

  private static final AlertState EMPTY = new AlertState(Long.MIN_VALUE, new TreeMap<>(), new TreeMap<>());

  enum Phase { PENDING, FIRING }

  record SeriesKey(String rule, String instance, Severity severity) implements Comparable<SeriesKey> {
    private static final Comparator<SeriesKey> ORDER = Comparator.comparing(SeriesKey::rule)
        .thenComparing(SeriesKey::instance).thenComparing(SeriesKey::severity);

    @Override
    public int compareTo(SeriesKey o) {
      return ORDER.compare(this, o);
    }
  }

  record InstanceKey(String rule, String instance) implements Comparable<InstanceKey> {
    private static final Comparator<InstanceKey> ORDER =
        Comparator.comparing(InstanceKey::rule).thenComparing(InstanceKey::instance);

    @Override
    public int compareTo(InstanceKey o) {
      return ORDER.compare(this, o);
    }
  }

  /**
   * One alert's lifecycle. Pending: {@code held} breached windows so far, since {@code activeAt}. Firing: since
   * {@code startsAt}, {@code clear} clear windows in a row so far, with the labels it fired with.
   */
  record Series(Phase phase, int held, int clear, long activeAt, long startsAt, String metric,
      SortedMap<String, String> labels) {
    Series {
      labels = labels == null ? null : Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    static Series pending(int held, long activeAt) {
      return new Series(Phase.PENDING, held, 0, activeAt, 0, null, null);
    }

    static Series firing(int clear, long activeAt, long startsAt, String metric, SortedMap<String, String> labels) {
      return new Series(Phase.FIRING, 0, clear, activeAt, startsAt, Objects.requireNonNull(metric),
          Objects.requireNonNull(labels));
    }
  }

  /** A firing alert, as {@link #firing()} lists it. */
  public record ActiveAlert(String fingerprint, String rule, String instance, Severity severity, long activeAt,
      long startsAt, SortedMap<String, String> labels) {}

  private final long lastWindowEnd;
  private final SortedMap<SeriesKey, Series> series;
  private final SortedMap<InstanceKey, double[]> histories;

  AlertState(long lastWindowEnd, SortedMap<SeriesKey, Series> series, SortedMap<InstanceKey, double[]> histories) {
    this.lastWindowEnd = lastWindowEnd;
    this.series = Collections.unmodifiableSortedMap(new TreeMap<>(series));
    this.histories = Collections.unmodifiableSortedMap(new TreeMap<>(histories));
  }

  /** No alerts, no history, no window seen. */
  public static AlertState empty() {
    return EMPTY;
  }

  /** The end of the last window evaluated, or {@link Long#MIN_VALUE} before the first. */
  public long lastWindowEnd() {
    return lastWindowEnd;
  }

  /** True when nothing is pending, firing or remembered for a trend (the last window end does not count). */
  public boolean isEmpty() {
    return series.isEmpty() && histories.isEmpty();
  }

  /** The firing alerts, in (rule, instance, severity) order. */
  public List<ActiveAlert> firing() {
    List<ActiveAlert> out = new ArrayList<>();
    series.forEach((k, s) -> {
      if (s.phase() == Phase.FIRING) {
        out.add(new ActiveAlert(AlertTransition.fingerprint(s.labels()), k.rule(), k.instance().isEmpty() ? null
            : k.instance(), k.severity(), s.activeAt(), s.startsAt(), s.labels()));
      }
    });
    return List.copyOf(out);
  }

  /** How many alerts are pending: breached, but not yet for {@code for} windows. */
  public int pendingCount() {
    return (int) series.values().stream().filter(s -> s.phase() == Phase.PENDING).count();
  }

  /** The values a trend rule remembers for an instance ({@code ""} without {@code *}), oldest first; a copy. */
  public double[] history(String rule, String instance) {
    double[] h = histories.get(new InstanceKey(rule, instance == null ? "" : instance));
    return h == null ? new double[0] : h.clone();
  }

  SortedMap<SeriesKey, Series> series() {
    return series;
  }

  SortedMap<InstanceKey, double[]> histories() {
    return histories;
  }

  // ---- binary form --------------------------------------------------------------------------------------------

  /** The canonical binary form, format byte first (see the class comment). */
  public byte[] toBytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    out.write(FORMAT_V1);
    writeLong(out, lastWindowEnd);
    writeVarint(out, series.size());
    for (Map.Entry<SeriesKey, Series> e : series.entrySet()) {
      SeriesKey k = e.getKey();
      Series s = e.getValue();
      writeString(out, k.rule());
      writeString(out, k.instance());
      out.write(k.severity().ordinal());
      out.write(s.phase().ordinal());
      if (s.phase() == Phase.PENDING) {
        writeVarint(out, s.held());
        writeLong(out, s.activeAt());
      } else {
        writeVarint(out, s.clear());
        writeLong(out, s.activeAt());
        writeLong(out, s.startsAt());
        writeString(out, s.metric());
        writeVarint(out, s.labels().size());
        for (Map.Entry<String, String> l : s.labels().entrySet()) {
          writeString(out, l.getKey());
          writeString(out, l.getValue());
        }
      }
    }
    writeVarint(out, histories.size());
    for (Map.Entry<InstanceKey, double[]> e : histories.entrySet()) {
      writeString(out, e.getKey().rule());
      writeString(out, e.getKey().instance());
      writeVarint(out, e.getValue().length);
      for (double v : e.getValue()) {
        writeLong(out, Double.doubleToLongBits(v));
      }
    }
    return out.toByteArray();
  }

  /**
   * Reads {@link #toBytes()}'s output.
   *
   * @throws IllegalArgumentException for an unknown format byte or bytes this class did not write
   */
  public static AlertState fromBytes(byte[] bytes) {
    Reader in = new Reader(bytes);
    int format = in.u8();
    if (format != FORMAT_V1) {
      throw new IllegalArgumentException("alert state has format " + format + "; this build reads format "
          + FORMAT_V1);
    }
    long lastWindowEnd = in.i64();
    SortedMap<SeriesKey, Series> series = new TreeMap<>();
    int n = in.count();
    SeriesKey previous = null;
    for (int i = 0; i < n; i++) {
      String rule = in.string();
      String instance = in.string();
      Severity severity = in.enumValue(Severity.values(), "severity");
      Phase phase = in.enumValue(Phase.values(), "phase");
      SeriesKey key = new SeriesKey(rule, instance, severity);
      if (previous != null && previous.compareTo(key) >= 0) {
        throw new IllegalArgumentException("alert state: series out of order at " + key);
      }
      previous = key;
      if (phase == Phase.PENDING) {
        int held = in.count();
        series.put(key, Series.pending(held, in.i64()));
      } else {
        int clear = in.count();
        long activeAt = in.i64();
        long startsAt = in.i64();
        String metric = in.string();
        int labelCount = in.count();
        SortedMap<String, String> labels = new TreeMap<>();
        String previousLabel = null;
        for (int j = 0; j < labelCount; j++) {
          String name = in.string();
          if (previousLabel != null && previousLabel.compareTo(name) >= 0) {
            throw new IllegalArgumentException("alert state: labels out of order at " + name);
          }
          previousLabel = name;
          labels.put(name, in.string());
        }
        series.put(key, Series.firing(clear, activeAt, startsAt, metric, labels));
      }
    }
    SortedMap<InstanceKey, double[]> histories = new TreeMap<>();
    int h = in.count();
    InstanceKey previousHistory = null;
    for (int i = 0; i < h; i++) {
      InstanceKey key = new InstanceKey(in.string(), in.string());
      if (previousHistory != null && previousHistory.compareTo(key) >= 0) {
        throw new IllegalArgumentException("alert state: histories out of order at " + key);
      }
      previousHistory = key;
      double[] values = new double[in.count()];
      for (int j = 0; j < values.length; j++) {
        values[j] = Double.longBitsToDouble(in.i64());
      }
      histories.put(key, values);
    }
    in.end();
    return new AlertState(lastWindowEnd, series, histories);
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift) & 0xff);
    }
  }

  private static void writeVarint(ByteArrayOutputStream out, int v) {
    if (v < 0) {
      throw new IllegalStateException("negative count " + v);
    }
    while ((v & ~0x7f) != 0) {
      out.write((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out.write(v);
  }

  private static void writeString(ByteArrayOutputStream out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    writeVarint(out, utf8.length);
    out.write(utf8, 0, utf8.length);
  }

  private static final class Reader {
    private final byte[] bytes;
    private int at;

    Reader(byte[] bytes) {
      this.bytes = Objects.requireNonNull(bytes, "bytes");
    }

    private void need(int n) {
      if (n < 0 || bytes.length - at < n) {
        throw new IllegalArgumentException("alert state truncated at byte " + at + " of " + bytes.length);
      }
    }

    int u8() {
      need(1);
      return bytes[at++] & 0xff;
    }

    long i64() {
      need(8);
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (bytes[at++] & 0xff);
      }
      return v;
    }

    int count() {
      int v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        int b = u8();
        v |= (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          if (v < 0 || (b == 0 && shift > 0)) {
            throw new IllegalArgumentException("alert state: bad varint before byte " + at);
          }
          return v;
        }
      }
      throw new IllegalArgumentException("alert state: varint too long before byte " + at);
    }

    String string() {
      int n = count();
      need(n);
      String s = new String(bytes, at, n, StandardCharsets.UTF_8);
      at += n;
      return s;
    }

    <E> E enumValue(E[] values, String what) {
      int i = u8();
      if (i >= values.length) {
        throw new IllegalArgumentException("alert state: unknown " + what + " " + i);
      }
      return values[i];
    }

    void end() {
      if (at != bytes.length) {
        throw new IllegalArgumentException("alert state has " + (bytes.length - at) + " trailing bytes");
      }
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AlertState other && Arrays.equals(other.toBytes(), toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  @Override
  public String toString() {
    return "AlertState{lastWindowEnd=" + lastWindowEnd + ", series=" + series.keySet() + ", histories="
        + histories.keySet() + "}";
  }
}
