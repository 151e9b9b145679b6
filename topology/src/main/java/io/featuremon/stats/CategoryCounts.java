package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Value counts of one categorical feature within one pane, with a cardinality cap K.
 *
 * <p><b>Buckets.</b> The first K distinct values seen get a bucket of their own, in first-seen order; any later new
 * value is counted in the single bucket {@link #OTHER}. A null is a missing value: counted in {@link #missing()},
 * never a category. The string {@code "__other__"} itself is reserved: a raw value equal to it is counted in OTHER.
 * So one feature never holds more than K + 1 categories, whatever its cardinality (ids, free text, timestamps), and
 * every statistic keyed by these buckets ({@link Contingency}, {@link GroupedMoments}) is bounded too.
 *
 * <p><b>Merge.</b> {@link #merge} adds the counts of equal buckets and the OTHER and missing counts. If more than K
 * own buckets result, the K most frequent stay (ties: the smaller value in {@link String#compareTo} order) and the
 * counts of the rest move into OTHER. Buckets keep first-seen order: this state's first, then the other's new ones.
 *
 * <p><b>When merging differs from counting the union.</b> Let U be the union of the two parts' own buckets.
 * <ul>
 *   <li>If |U| ≤ K, merging is exact: the result is equal (same buckets, counts and order, hence the same bytes) to
 *       counting the events of this part followed by the other part's into one state. This holds even when a part
 *       had itself overflowed: then |U| = K and U is exactly the first K values of the concatenation. Without
 *       overflow, merging is therefore associative and commutative up to bucket order, and panes merge into the
 *       window's counts in any grouping.</li>
 *   <li>If |U| &gt; K, two approximations appear. (1) Merge keeps the K most frequent values, whereas counting the
 *       concatenation would keep the first K seen. (2) Counts a part already put into OTHER are not given back: a
 *       value that overflowed into one pane's OTHER but has a bucket in another pane keeps only the latter's count
 *       in its own bucket. The totals ({@link #total()}, {@link #missing()}) are always exact, and so is the result
 *       of any grouping as long as no merge along the way overflows; once one does, the choice of survivors can
 *       depend on the grouping (the usual limit of a capped heavy-hitter summary).</li>
 * </ul>
 *
 * <p>Instances are mutable through {@link #add} (one pane's streaming update); {@link #merge} returns a new state and
 * leaves both arguments unchanged. Binary layout, format 1: {@code format(1) cap(int) missing(long) other(long)
 * n(int) then n × [value(int length + UTF-8), count(long)]}, buckets in first-seen order, big-endian.
 */
public final class CategoryCounts {
  /** The bucket of every value that found no own bucket (and of the reserved literal {@code "__other__"}). */
  public static final String OTHER = "__other__";

  static final byte FORMAT = 1;

  /** Most frequent first, ties by value order: the survivors of an overflowing merge. */
  static final Comparator<Map.Entry<String, Long>> MOST_FREQUENT_FIRST =
      Comparator.comparing((Map.Entry<String, Long> e) -> e.getValue(), Comparator.reverseOrder())
          .thenComparing(Map.Entry::getKey);

  private final int cap;
  private final LinkedHashMap<String, Long> counts; // own buckets, first-seen order, never OTHER
  private long other;
  private long missing;

  private CategoryCounts(int cap, LinkedHashMap<String, Long> counts, long other, long missing) {
    this.cap = cap;
    this.counts = counts;
    this.other = other;
    this.missing = missing;
  }

  /** An empty state that gives at most {@code cap} values their own bucket. */
  public static CategoryCounts empty(int cap) {
    return new CategoryCounts(requireCap(cap), new LinkedHashMap<>(), 0, 0);
  }

  static int requireCap(int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("cardinality cap must be at least 1, got " + cap);
    }
    return cap;
  }

  /**
   * Counts one value.
   *
   * @return the bucket it was counted in (the value itself, or {@link #OTHER}); null for a missing value. Pass this,
   *     not the raw value, to the {@link Contingency} and {@link GroupedMoments} of the same pane.
   */
  public String add(String value) {
    if (value == null) {
      missing++;
      return null;
    }
    String v = CategoricalBytes.wellFormed(value);
    Long c = counts.get(v);
    if (c != null) {
      counts.put(v, c + 1);
      return v;
    }
    if (counts.size() < cap && !v.equals(OTHER)) {
      counts.put(v, 1L);
      return v;
    }
    other++;
    return OTHER;
  }

  /**
   * The bucket a value belongs to in this state, without counting it: the value when it has a bucket of its own,
   * otherwise {@link #OTHER} (also for a value never seen); null for null. After a window's panes are merged this
   * maps pane buckets to window buckets (see {@link Contingency#restrictTo}).
   */
  public String bucketOf(String value) {
    if (value == null) {
      return null;
    }
    String v = CategoricalBytes.wellFormed(value);
    return counts.containsKey(v) ? v : OTHER;
  }

  /** Counts of the union of both parts; see the class comment for when this is exact. Neither part changes. */
  public CategoryCounts merge(CategoryCounts that) {
    if (that.cap != cap) {
      throw new IllegalArgumentException("cannot merge category counts with caps " + cap + " and " + that.cap);
    }
    LinkedHashMap<String, Long> union = new LinkedHashMap<>(counts);
    that.counts.forEach((v, c) -> union.merge(v, c, Math::addExact));
    long mergedOther = Math.addExact(other, that.other);
    if (union.size() > cap) {
      Set<String> keep = mostFrequent(union, cap);
      var it = union.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<String, Long> e = it.next();
        if (!keep.contains(e.getKey())) {
          mergedOther = Math.addExact(mergedOther, e.getValue());
          it.remove();
        }
      }
    }
    return new CategoryCounts(cap, union, mergedOther, Math.addExact(missing, that.missing));
  }

  /** The {@code cap} keys with the largest counts, ties by value order. */
  static Set<String> mostFrequent(Map<String, Long> counts, int cap) {
    List<Map.Entry<String, Long>> ranked = new ArrayList<>(counts.entrySet());
    ranked.sort(MOST_FREQUENT_FIRST);
    Set<String> keep = new HashSet<>();
    for (int i = 0; i < Math.min(cap, ranked.size()); i++) {
      keep.add(ranked.get(i).getKey());
    }
    return keep;
  }

  /** How many values can have a bucket of their own. */
  public int cap() {
    return cap;
  }

  /** The values with a bucket of their own, in first-seen order ({@link #OTHER} is never among them). */
  public List<String> buckets() {
    return List.copyOf(counts.keySet());
  }

  /** The count of a bucket: of {@link #OTHER} for OTHER, 0 for a value without a bucket. */
  public long count(String bucket) {
    if (OTHER.equals(bucket)) {
      return other;
    }
    return counts.getOrDefault(bucket, 0L);
  }

  public long otherCount() {
    return other;
  }

  /** Null values seen: not a category, not in {@link #total()}. */
  public long missing() {
    return missing;
  }

  /** Non-missing values counted, OTHER included. */
  public long total() {
    long sum = other;
    for (long c : counts.values()) {
      sum += c;
    }
    return sum;
  }

  /** Non-empty categories: the own buckets, plus one when OTHER is non-empty. */
  public int categories() {
    return counts.size() + (other > 0 ? 1 : 0);
  }

  /** True when no more value can get a bucket of its own. */
  public boolean isFull() {
    return counts.size() == cap;
  }

  public byte[] toBytes() {
    CategoricalBytes.Writer out = new CategoricalBytes.Writer(29 + 16 * counts.size())
        .writeByte(FORMAT).writeInt(cap).writeLong(missing).writeLong(other).writeInt(counts.size());
    counts.forEach((v, c) -> out.writeString(v).writeLong(c));
    return out.toByteArray();
  }

  /** Reads format 1; throws {@link IllegalArgumentException} on any other or malformed input. */
  public static CategoryCounts fromBytes(byte[] bytes) {
    CategoricalBytes.Reader in = new CategoricalBytes.Reader(bytes, "CategoryCounts", FORMAT);
    int cap = in.readInt();
    if (cap < 1) {
      throw in.invalid("cap " + cap + " is below 1");
    }
    long missing = in.readCount("missing count");
    long other = in.readCount("OTHER count");
    int n = in.readSize("bucket count", cap);
    LinkedHashMap<String, Long> counts = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String v = in.readString();
      long c = in.readCount("count");
      if (c == 0 || v.equals(OTHER) || counts.put(v, c) != null) {
        throw in.invalid("bucket " + i + " is empty, OTHER or a duplicate");
      }
    }
    in.finish();
    return new CategoryCounts(cap, counts, other, missing);
  }

  /** Equal state, bucket order included (the order is part of the bytes). */
  @Override
  public boolean equals(Object o) {
    return o instanceof CategoryCounts that && cap == that.cap && other == that.other && missing == that.missing
        && counts.equals(that.counts) && List.copyOf(counts.keySet()).equals(List.copyOf(that.counts.keySet()));
  }

  @Override
  public int hashCode() {
    return Objects.hash(cap, other, missing, counts);
  }

  @Override
  public String toString() {
    return "CategoryCounts{cap=" + cap + ", " + counts + ", other=" + other + ", missing=" + missing + "}";
  }
}
