package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Joint counts of (a, b) for one pair of categorical features within one pane: the contingency table from which
 * {@link CategoricalAssociation} computes their association.
 *
 * <p>Values are the <em>buckets</em> of each feature's {@link CategoryCounts} ({@link CategoryCounts#OTHER}
 * included), so each side holds at most K own values plus OTHER and the table at most (K + 1)² non-empty cells: when
 * the counts evict a value, the pane {@linkplain #fold folds} it here too. As a safety net a (K + 1)-th distinct
 * non-OTHER value on a side is counted as OTHER. A row with a null on either side is not a cell: it is counted in {@link #incomplete()} (pairwise
 * complete counting, so one feature's missing values do not hide the other's).
 *
 * <p><b>Merging panes into a window.</b> Merge the panes' {@link CategoryCounts} first, then the tables with
 * {@link #merge(Contingency, CategoryCounts, CategoryCounts)}: every value without an own bucket in the window's
 * counts is folded into OTHER, so the table agrees with the window's buckets and never overflows. Given the same
 * target buckets this is exact (integer counts) and associative in any grouping, bytes included. The one-argument
 * {@link #merge(Contingency)} is the plain union; it is exactly what counting both parts' events into one table
 * gives while each side keeps at most K own values, and otherwise keeps per side the K values of smallest
 * {@linkplain CategoryCounts#compareKeys key} and folds the rest into OTHER, as the counts would; the three-argument
 * form is the one windows use, since it takes the buckets from the merged counts themselves.
 *
 * <p>Mutable through {@link #add}; merges return new tables and leave both arguments unchanged. Binary layout,
 * format 1, big-endian: {@code format(1) cap(int) incomplete(long) nA(int) nA × value nB(int) nB × value
 * cells(int) cells × [indexA(int) indexB(int) count(long)]}, values as int length + UTF-8 in first-seen order, cells
 * sorted by (indexA, indexB).
 */
public final class Contingency {
  static final byte FORMAT = 1;

  /** One non-empty cell. */
  public record Cell(String a, String b, long count) {}

  private record Key(String a, String b) {}

  private static final Comparator<Cell> BY_VALUES = Comparator.comparing(Cell::a).thenComparing(Cell::b);

  private final int cap;
  private final LinkedHashMap<String, Long> rows; // marginal counts of a, first-seen order
  private final LinkedHashMap<String, Long> columns; // marginal counts of b, first-seen order
  private final HashMap<Key, Long> cells;
  private long total;
  private long incomplete;

  private Contingency(int cap, LinkedHashMap<String, Long> rows, LinkedHashMap<String, Long> columns,
      HashMap<Key, Long> cells, long total, long incomplete) {
    this.cap = cap;
    this.rows = rows;
    this.columns = columns;
    this.cells = cells;
    this.total = total;
    this.incomplete = incomplete;
  }

  /** An empty table whose sides hold at most {@code cap} own values each, plus OTHER. */
  public static Contingency empty(int cap) {
    return new Contingency(CategoryCounts.requireCap(cap), new LinkedHashMap<>(), new LinkedHashMap<>(),
        new HashMap<>(), 0, 0);
  }

  /**
   * Counts one row.
   *
   * @param a the bucket of the first feature ({@link CategoryCounts#add}'s result), null when missing
   * @param b the bucket of the second feature, null when missing
   */
  public void add(String a, String b) {
    if (a == null || b == null) {
      incomplete++;
      return;
    }
    String ka = admit(rows, CategoricalBytes.wellFormed(a));
    String kb = admit(columns, CategoricalBytes.wellFormed(b));
    rows.merge(ka, 1L, Long::sum);
    columns.merge(kb, 1L, Long::sum);
    cells.merge(new Key(ka, kb), 1L, Long::sum);
    total++;
  }

  private String admit(Map<String, Long> side, String v) {
    if (side.containsKey(v) || v.equals(CategoryCounts.OTHER)) {
      return v;
    }
    return ownValues(side) < cap ? v : CategoryCounts.OTHER;
  }

  private static int ownValues(Map<String, Long> side) {
    return side.size() - (side.containsKey(CategoryCounts.OTHER) ? 1 : 0);
  }

  /** The union of both tables, capped per side by key; see the class comment. */
  public Contingency merge(Contingency that) {
    if (that.cap != cap) {
      throw new IllegalArgumentException("cannot merge contingency tables with caps " + cap + " and " + that.cap);
    }
    Contingency union = union(that);
    UnaryOperator<String> mapA = foldBeyondCap(union.rows);
    UnaryOperator<String> mapB = foldBeyondCap(union.columns);
    return mapA == null && mapB == null ? union
        : union.remap(mapA == null ? UnaryOperator.identity() : mapA, mapB == null ? UnaryOperator.identity() : mapB);
  }

  /**
   * The window form of merge: both tables {@linkplain #restrictTo restricted} to the given buckets, then added.
   *
   * @param bucketsA the merged {@link CategoryCounts} of the first feature over the same panes
   * @param bucketsB the merged {@link CategoryCounts} of the second feature over the same panes
   */
  public Contingency merge(Contingency that, CategoryCounts bucketsA, CategoryCounts bucketsB) {
    if (that.cap != cap) {
      throw new IllegalArgumentException("cannot merge contingency tables with caps " + cap + " and " + that.cap);
    }
    return restrictTo(bucketsA, bucketsB).union(that.restrictTo(bucketsA, bucketsB));
  }

  /**
   * This table with every value that has no own bucket in {@code bucketsA} (first side) or {@code bucketsB} (second
   * side) counted as {@link CategoryCounts#OTHER}. Idempotent; values keep their first-seen order, OTHER taking the
   * earliest place among itself and the values folded into it.
   */
  public Contingency restrictTo(CategoryCounts bucketsA, CategoryCounts bucketsB) {
    if (bucketsA.cap() > cap || bucketsB.cap() > cap) {
      throw new IllegalArgumentException("buckets with caps " + bucketsA.cap() + " and " + bucketsB.cap()
          + " do not fit a contingency table with cap " + cap);
    }
    return remap(bucketsA::bucketOf, bucketsB::bucketOf);
  }

  /**
   * This table with one value of the first feature ({@code a}) or of the second ({@code b}) counted as
   * {@link CategoryCounts#OTHER}: what a pane does when its {@link CategoryCounts} evicts that value
   * ({@link CategoryCounts#lastEvicted()}), so the table keeps the counts' buckets. Null means no value on that side.
   */
  public Contingency fold(String a, String b) {
    if (a == null && b == null) {
      return this;
    }
    return remap(v -> v.equals(a) ? CategoryCounts.OTHER : v, v -> v.equals(b) ? CategoryCounts.OTHER : v);
  }

  /** The same table with the two features swapped. */
  public Contingency transpose() {
    HashMap<Key, Long> swapped = new HashMap<>();
    cells.forEach((k, c) -> swapped.put(new Key(k.b(), k.a()), c));
    return new Contingency(cap, new LinkedHashMap<>(columns), new LinkedHashMap<>(rows), swapped, total, incomplete);
  }

  private Contingency union(Contingency that) {
    LinkedHashMap<String, Long> r = new LinkedHashMap<>(rows);
    LinkedHashMap<String, Long> c = new LinkedHashMap<>(columns);
    HashMap<Key, Long> m = new HashMap<>(cells);
    that.rows.forEach((v, n) -> r.merge(v, n, Math::addExact));
    that.columns.forEach((v, n) -> c.merge(v, n, Math::addExact));
    that.cells.forEach((k, n) -> m.merge(k, n, Math::addExact));
    return new Contingency(cap, r, c, m, Math.addExact(total, that.total), Math.addExact(incomplete, that.incomplete));
  }

  /** Null when the side keeps at most {@code cap} own values; else the map that folds the least frequent ones. */
  private UnaryOperator<String> foldBeyondCap(Map<String, Long> side) {
    if (ownValues(side) <= cap) {
      return null;
    }
    Map<String, Long> own = new HashMap<>(side);
    own.remove(CategoryCounts.OTHER);
    Set<String> keep = CategoryCounts.smallestKeys(own.keySet(), cap);
    return v -> keep.contains(v) ? v : CategoryCounts.OTHER;
  }

  private Contingency remap(UnaryOperator<String> mapA, UnaryOperator<String> mapB) {
    LinkedHashMap<String, Long> r = new LinkedHashMap<>();
    LinkedHashMap<String, Long> c = new LinkedHashMap<>();
    rows.forEach((v, n) -> r.merge(mapA.apply(v), n, Math::addExact));
    columns.forEach((v, n) -> c.merge(mapB.apply(v), n, Math::addExact));
    HashMap<Key, Long> m = new HashMap<>();
    cells.forEach((k, n) -> m.merge(new Key(mapA.apply(k.a()), mapB.apply(k.b())), n, Math::addExact));
    return new Contingency(cap, r, c, m, total, incomplete);
  }

  public int cap() {
    return cap;
  }

  /** Rows counted in cells (both sides present). */
  public long total() {
    return total;
  }

  /** Rows with a null on at least one side: counted, but in no cell. */
  public long incomplete() {
    return incomplete;
  }

  public long count(String a, String b) {
    return cells.getOrDefault(new Key(a, b), 0L);
  }

  /** Values of the first feature with a non-empty row, first-seen order. */
  public List<String> valuesA() {
    return List.copyOf(rows.keySet());
  }

  /** Values of the second feature with a non-empty column, first-seen order. */
  public List<String> valuesB() {
    return List.copyOf(columns.keySet());
  }

  /** Marginal count of a first-feature value (0 if absent). */
  public long totalA(String a) {
    return rows.getOrDefault(a, 0L);
  }

  /** Marginal count of a second-feature value (0 if absent). */
  public long totalB(String b) {
    return columns.getOrDefault(b, 0L);
  }

  /** Number of non-empty cells, at most (K + 1)². */
  public int cellCount() {
    return cells.size();
  }

  /** The non-empty cells sorted by (a, b) in value order: a canonical order, independent of arrival order. */
  public List<Cell> cells() {
    List<Cell> list = new ArrayList<>(cells.size());
    cells.forEach((k, n) -> list.add(new Cell(k.a(), k.b(), n)));
    list.sort(BY_VALUES);
    return list;
  }

  public byte[] toBytes() {
    CategoricalBytes.Writer out = new CategoricalBytes.Writer(32 + 16 * (rows.size() + columns.size() + cells.size()))
        .writeByte(FORMAT).writeInt(cap).writeLong(incomplete);
    Map<String, Integer> indexA = writeValues(out, rows);
    Map<String, Integer> indexB = writeValues(out, columns);
    List<long[]> indexed = new ArrayList<>(cells.size());
    cells.forEach((k, n) -> indexed.add(new long[] {indexA.get(k.a()), indexB.get(k.b()), n}));
    indexed.sort(Comparator.<long[]>comparingLong(x -> x[0]).thenComparingLong(x -> x[1]));
    out.writeInt(indexed.size());
    for (long[] x : indexed) {
      out.writeInt((int) x[0]).writeInt((int) x[1]).writeLong(x[2]);
    }
    return out.toByteArray();
  }

  private static Map<String, Integer> writeValues(CategoricalBytes.Writer out, Map<String, Long> side) {
    out.writeInt(side.size());
    Map<String, Integer> index = new HashMap<>();
    for (String v : side.keySet()) {
      index.put(v, index.size());
      out.writeString(v);
    }
    return index;
  }

  /** Reads format 1; throws {@link IllegalArgumentException} on any other or malformed input. */
  public static Contingency fromBytes(byte[] bytes) {
    CategoricalBytes.Reader in = new CategoricalBytes.Reader(bytes, "Contingency", FORMAT);
    int cap = in.readInt();
    if (cap < 1) {
      throw in.invalid("cap " + cap + " is below 1");
    }
    long incomplete = in.readCount("incomplete count");
    List<String> a = readValues(in, cap);
    List<String> b = readValues(in, cap);
    int n = in.readSize("cell count", (int) Math.min(Integer.MAX_VALUE, (long) a.size() * b.size()));
    long[] rowTotals = new long[a.size()];
    long[] columnTotals = new long[b.size()];
    HashMap<Key, Long> cells = new HashMap<>();
    long total = 0;
    long previous = -1;
    for (int i = 0; i < n; i++) {
      int ia = in.readSize("value index", a.size() - 1);
      int ib = in.readSize("value index", b.size() - 1);
      long count = in.readCount("cell count");
      long position = (long) ia * b.size() + ib;
      if (count == 0 || position <= previous) {
        throw in.invalid("cell " + i + " is empty or out of order");
      }
      previous = position;
      cells.put(new Key(a.get(ia), b.get(ib)), count);
      rowTotals[ia] = Math.addExact(rowTotals[ia], count);
      columnTotals[ib] = Math.addExact(columnTotals[ib], count);
      total = Math.addExact(total, count);
    }
    in.finish();
    return new Contingency(cap, totals(in, a, rowTotals), totals(in, b, columnTotals), cells, total, incomplete);
  }

  private static List<String> readValues(CategoricalBytes.Reader in, int cap) {
    int n = in.readSize("value count", cap == Integer.MAX_VALUE ? cap : cap + 1);
    List<String> values = new ArrayList<>(n);
    Set<String> seen = new HashSet<>();
    boolean other = false;
    for (int i = 0; i < n; i++) {
      String v = in.readString();
      if (!seen.add(v)) {
        throw in.invalid("duplicate value");
      }
      other |= v.equals(CategoryCounts.OTHER);
      values.add(v);
    }
    if (n - (other ? 1 : 0) > cap) {
      throw in.invalid(n + " values exceed the cap " + cap + " plus OTHER");
    }
    return values;
  }

  private static LinkedHashMap<String, Long> totals(CategoricalBytes.Reader in, List<String> values, long[] totals) {
    LinkedHashMap<String, Long> side = new LinkedHashMap<>();
    for (int i = 0; i < values.size(); i++) {
      if (totals[i] == 0) {
        throw in.invalid("value " + i + " has no cell");
      }
      side.put(values.get(i), totals[i]);
    }
    return side;
  }

  /** Equal counts and equal value order on both sides (the order is part of the bytes). */
  @Override
  public boolean equals(Object o) {
    return o instanceof Contingency that && cap == that.cap && total == that.total && incomplete == that.incomplete
        && cells.equals(that.cells) && List.copyOf(rows.keySet()).equals(List.copyOf(that.rows.keySet()))
        && List.copyOf(columns.keySet()).equals(List.copyOf(that.columns.keySet()));
  }

  @Override
  public int hashCode() {
    return Objects.hash(cap, total, incomplete, cells);
  }

  @Override
  public String toString() {
    return "Contingency{cap=" + cap + ", total=" + total + ", incomplete=" + incomplete + ", cells=" + cells() + "}";
  }
}
