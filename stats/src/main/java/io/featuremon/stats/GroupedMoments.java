package io.featuremon.stats;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Per category of one categorical feature, the count, mean and centred sum of squares M2 = Σ (x − mean)² of one
 * numeric feature within one pane: what {@link CorrelationRatio} needs for the association of a categorical with a
 * numeric feature.
 *
 * <p>Categories are the buckets of the categorical feature's {@link CategoryCounts} ({@link CategoryCounts#OTHER}
 * included); when the counts evict a value, the pane {@linkplain #fold folds} its group into OTHER here too. As a
 * safety net a (K + 1)-th distinct non-OTHER category is counted as OTHER, so a state never holds more than K + 1
 * groups. A row whose category is missing is counted in {@link #incomplete()}.
 *
 * <p><b>Exactness.</b> {@link #add} is Welford's update; {@link #merge} is Chan et al.'s pairwise combination
 * (mean = m_a + δ·n_b/n, M2 = M2_a + M2_b + δ²·n_a·n_b/n with δ = m_b − m_a), exact in real arithmetic, so merging
 * panes in any grouping equals the sequential result up to rounding. Each group's mean is kept as a double-double,
 * mean + meanLow, moved with an error-free sum (TwoSum, as in {@link BatchFold}), and every δ is taken from that
 * exact mean: a mean rounded to a double is off by up to half its ulp, 6e-11 at 1e6 and 1e-4 at 1e12, which is not
 * small beside a spread of 1e-3 and made η wrong by up to 1e-5 relative (issue 8). So M2 and the means are exact to
 * about 1e-14 relative on the scale of the spread, whatever the offset, and {@link CorrelationRatio} is exact to
 * 1e-9 against rational arithmetic with offsets up to 1e12 and spreads down to one ulp of them. A category whose
 * values are all equal has M2 exactly 0, its mean exactly that value and meanLow exactly 0, however the rows were
 * split into panes: every δ is exactly 0. Inputs must be finite; values beyond about 1e154 in magnitude can still
 * overflow M2 to +∞, which serializes like any other state and which {@link CorrelationRatio} treats as undefined.
 *
 * <p><b>Merging panes into a window.</b> Like {@link Contingency}: merge the panes' {@link CategoryCounts} first,
 * then use {@link #merge(GroupedMoments, CategoryCounts)}, which folds every category without an own bucket in the
 * window's counts into OTHER. The one-argument {@link #merge(GroupedMoments)} is the plain union: exact (up to
 * rounding) while at most K own categories result, otherwise it keeps the K of smallest
 * {@linkplain CategoryCounts#compareKeys key}, as the counts do, and folds the others into OTHER. Folding combines groups in first-seen order.
 *
 * <p>Mutable through {@link #add}; merges return new states and leave both arguments unchanged. Binary layout,
 * format 2, big-endian: {@code format(2) cap(int) incomplete(long) n(int) then n × [category(int length + UTF-8),
 * count(long), mean(double bits), meanLow(double bits), m2(double bits)]}, categories in first-seen order. Format 1,
 * the same without meanLow, is still read (meanLow 0).
 */
public final class GroupedMoments {
  static final byte FORMAT = 2;
  /** The layout without meanLow, still read. */
  static final byte FORMAT_1 = 1;

  /**
   * The moments of one category. The exact mean of its rows is {@code mean + meanLow}: a double-double whose low
   * part holds the rounding residue of the high one (see the class comment); {@code mean} alone is the mean rounded
   * to a double.
   */
  public record Group(String category, long count, double mean, double meanLow, double m2) {
    /** A group whose mean is exactly a double. */
    public Group(String category, long count, double mean, double m2) {
      this(category, count, mean, 0, m2);
    }
  }

  private final int cap;
  private final LinkedHashMap<String, ExactMoments> groups; // first-seen order
  private long incomplete;

  private GroupedMoments(int cap, LinkedHashMap<String, ExactMoments> groups, long incomplete) {
    this.cap = cap;
    this.groups = groups;
    this.incomplete = incomplete;
  }

  /** An empty state that gives at most {@code cap} categories a group of their own, plus OTHER. */
  public static GroupedMoments empty(int cap) {
    return new GroupedMoments(CategoryCounts.requireCap(cap), new LinkedHashMap<>(), 0);
  }

  /**
   * Counts one row.
   *
   * @param bucket the category's bucket ({@link CategoryCounts#add}'s result); null when the category is missing
   * @param value the numeric feature; must be finite (NaN and infinities are dead letters before this stage)
   * @return the group the value went to, null when the row was counted as incomplete
   */
  public String add(String bucket, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("numeric value must be finite, got " + value);
    }
    if (bucket == null) {
      incomplete++;
      return null;
    }
    // The common case, one lookup: a bucket already held is a key as it stands (keys are wellFormed's fixed points).
    // A live tabular run spent 9% of its time in the three lookups of the general path (50 numeric × 5 categorical
    // features: 250 calls a row).
    ExactMoments held = groups.get(bucket);
    if (held != null) {
      held.add(value);
      return bucket;
    }
    String key = admit(CategoricalBytes.wellFormed(bucket));
    groups.computeIfAbsent(key, k -> new ExactMoments()).add(value);
    return key;
  }

  /** Counts a row that cannot take part (its numeric value is missing) in {@link #incomplete()}. */
  public void addIncomplete() {
    incomplete++;
  }

  private String admit(String v) {
    if (groups.containsKey(v) || v.equals(CategoryCounts.OTHER)) {
      return v;
    }
    // Fewer than cap groups: room, with or without OTHER among them. More than cap: OTHER is one of them and the
    // rest are cap own groups, so no room. Only at exactly cap does OTHER's presence decide: this spares a lookup for
    // every value that overflows a full table (5.6% of a live tabular run with a 40-value feature).
    int size = groups.size();
    boolean room = size < cap || (size == cap && groups.containsKey(CategoryCounts.OTHER));
    return room ? v : CategoryCounts.OTHER;
  }

  private static int ownGroups(Map<String, ?> groups) {
    return groups.size() - (groups.containsKey(CategoryCounts.OTHER) ? 1 : 0);
  }

  /** The union of both states, capped by key; see the class comment. */
  public GroupedMoments merge(GroupedMoments that) {
    requireSameCap(that);
    GroupedMoments union = union(that);
    if (ownGroups(union.groups) <= cap) {
      return union;
    }
    Map<String, Long> sizes = new HashMap<>();
    union.groups.forEach((k, m) -> {
      if (!k.equals(CategoryCounts.OTHER)) {
        sizes.put(k, m.count());
      }
    });
    Set<String> keep = CategoryCounts.smallestKeys(sizes.keySet(), cap);
    return union.remap(v -> keep.contains(v) ? v : CategoryCounts.OTHER);
  }

  /**
   * The window form of merge: both states {@linkplain #restrictTo restricted} to the given buckets, then combined.
   *
   * @param buckets the merged {@link CategoryCounts} of the categorical feature over the same panes
   */
  public GroupedMoments merge(GroupedMoments that, CategoryCounts buckets) {
    requireSameCap(that);
    return restrictTo(buckets).union(that.restrictTo(buckets));
  }

  /**
   * This state with every category that has no own bucket in {@code buckets} combined into
   * {@link CategoryCounts#OTHER} (which takes the earliest place among itself and the categories folded into it).
   */
  public GroupedMoments restrictTo(CategoryCounts buckets) {
    if (buckets.cap() > cap) {
      throw new IllegalArgumentException("buckets with cap " + buckets.cap() + " do not fit grouped moments with cap "
          + cap);
    }
    return remap(buckets::bucketOf);
  }

  /**
   * This state with one category combined into {@link CategoryCounts#OTHER}: what a pane does when its
   * {@link CategoryCounts} evicts that value ({@link CategoryCounts#lastEvicted()}). Null changes nothing.
   */
  public GroupedMoments fold(String category) {
    if (category == null || !groups.containsKey(category)) {
      return this;
    }
    return remap(v -> v.equals(category) ? CategoryCounts.OTHER : v);
  }

  private void requireSameCap(GroupedMoments that) {
    if (that.cap != cap) {
      throw new IllegalArgumentException("cannot merge grouped moments with caps " + cap + " and " + that.cap);
    }
  }

  private GroupedMoments union(GroupedMoments that) {
    LinkedHashMap<String, ExactMoments> merged = copyOf(groups);
    that.groups.forEach((k, m) -> merged.computeIfAbsent(k, x -> new ExactMoments()).combine(m));
    return new GroupedMoments(cap, merged, Math.addExact(incomplete, that.incomplete));
  }

  private GroupedMoments remap(UnaryOperator<String> map) {
    LinkedHashMap<String, ExactMoments> mapped = new LinkedHashMap<>();
    groups.forEach((k, m) -> mapped.computeIfAbsent(map.apply(k), x -> new ExactMoments()).combine(m));
    return new GroupedMoments(cap, mapped, incomplete);
  }

  private static LinkedHashMap<String, ExactMoments> copyOf(Map<String, ExactMoments> groups) {
    LinkedHashMap<String, ExactMoments> copy = new LinkedHashMap<>();
    groups.forEach((k, m) -> copy.put(k, m.copy()));
    return copy;
  }

  public int cap() {
    return cap;
  }

  /** Rows counted in groups. */
  public long total() {
    long n = 0;
    for (ExactMoments m : groups.values()) {
      n += m.count();
    }
    return n;
  }

  /** Rows with a missing category or numeric value. */
  public long incomplete() {
    return incomplete;
  }

  /** Non-empty groups, OTHER included when non-empty. */
  public int groupCount() {
    return groups.size();
  }

  /** The categories with a group, first-seen order. */
  public List<String> categories() {
    return List.copyOf(groups.keySet());
  }

  /** The groups in first-seen order. */
  public List<Group> groups() {
    List<Group> list = new ArrayList<>(groups.size());
    groups.forEach((k, m) -> list.add(new Group(k, m.count(), m.mean(), m.meanLow(), m.m2())));
    return list;
  }

  /** The moments of one category; count 0 (mean and M2 0) when it has no group. */
  public Group group(String category) {
    ExactMoments m = groups.get(category);
    return m == null ? new Group(category, 0, 0, 0, 0) : new Group(category, m.count(), m.mean(), m.meanLow(), m.m2());
  }

  public byte[] toBytes() {
    CategoricalBytes.Writer out = new CategoricalBytes.Writer(17 + 48 * groups.size())
        .writeByte(FORMAT).writeInt(cap).writeLong(incomplete).writeInt(groups.size());
    groups.forEach((k, m) -> out.writeString(k).writeLong(m.count()).writeDouble(m.mean()).writeDouble(m.meanLow())
        .writeDouble(m.m2()));
    return out.toByteArray();
  }

  /**
   * Reads formats 2 and 1 (written before the mean had a low part: read with meanLow 0, so panes stored by the
   * previous version restore); throws {@link IllegalArgumentException} on any other or malformed input.
   */
  public static GroupedMoments fromBytes(byte[] bytes) {
    CategoricalBytes.Reader in = new CategoricalBytes.Reader(bytes, "GroupedMoments", FORMAT_1, FORMAT);
    int cap = in.readInt();
    if (cap < 1) {
      throw in.invalid("cap " + cap + " is below 1");
    }
    long incomplete = in.readCount("incomplete count");
    int n = in.readSize("group count", cap == Integer.MAX_VALUE ? cap : cap + 1);
    LinkedHashMap<String, ExactMoments> groups = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String k = in.readString();
      long count = in.readCount("count");
      double mean = in.readDouble();
      double meanLow = in.format() == FORMAT_1 ? 0 : in.readDouble();
      double m2 = in.readDouble();
      // Only the structure is checked: values a live state can reach (an M2 that overflowed to +∞ from huge but
      // finite inputs) must be readable, or a restored pane would fail where the live one did not.
      if (count == 0) {
        throw in.invalid("group " + i + " is empty");
      }
      if (groups.put(k, new ExactMoments(count, mean, meanLow, m2)) != null) {
        throw in.invalid("duplicate group " + i);
      }
    }
    in.finish();
    if (ownGroups(groups) > cap) {
      throw in.invalid(n + " groups exceed the cap " + cap + " plus OTHER");
    }
    return new GroupedMoments(cap, groups, incomplete);
  }

  /** Bitwise equal state, group order included (the order is part of the bytes). */
  @Override
  public boolean equals(Object o) {
    return o instanceof GroupedMoments that && cap == that.cap && incomplete == that.incomplete
        && groups().equals(that.groups());
  }

  @Override
  public int hashCode() {
    return Objects.hash(cap, incomplete, groups());
  }

  @Override
  public String toString() {
    return "GroupedMoments{cap=" + cap + ", incomplete=" + incomplete + ", groups=" + groups() + "}";
  }
}
