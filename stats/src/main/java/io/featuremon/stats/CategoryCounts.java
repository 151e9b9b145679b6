package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Value counts of one categorical feature within one pane (or a merged window), with a cardinality cap K.
 *
 * <p><b>Buckets: a coordinated hash sample.</b> Every value has a fixed rank key: ({@link #hash} of its UTF-8
 * bytes as an unsigned 64-bit number, then the value itself). A state tracks, each with its exact count, the K
 * distinct values of smallest key among those it has seen; every other value is counted in the single bucket
 * {@link #OTHER}. When a new value of smaller key arrives at a full state, the tracked value of largest key is
 * <em>evicted</em>: its count moves to OTHER ({@link #lastEvicted()} names it, so the {@link Contingency} and
 * {@link GroupedMoments} of the same pane fold it too). A null is a missing value, never a category; the raw string
 * {@code "__other__"} is reserved and counted in OTHER. So one feature never holds more than K + 1 categories.
 *
 * <p><b>Why hashes, not arrival order.</b> Which values a state tracks depends only on the set of values seen, never
 * on which came first; and since the hash is the same everywhere, two windows of one distribution track the same
 * values (the values of smallest key), so they can be compared like with like (see
 * {@link io.featuremon.stats.drift.CategoricalDrift#compare(CategoryCounts, CategoryCounts,
 * io.featuremon.stats.drift.CategoricalDrift.Settings)}). A sample of values, not of events: a value is tracked or
 * not whatever its frequency, so a heavy hitter can land in OTHER when the feature has more than K values.
 *
 * <p><b>Threshold.</b> A state that never evicted tracks every value it saw (threshold +∞). One that did has
 * threshold θ = the key of its largest tracked value, and then tracks exactly the values it saw with key ≤ θ: the
 * count of any value with key ≤ θ is exact (0 when untracked), see {@link #covers}. θ only decreases as values come.
 *
 * <p><b>Merge is exact.</b> {@link #merge} adds the counts, keeps the K smallest keys and folds the rest into OTHER.
 * A value among the K smallest keys of the union is among the K smallest of each part that saw it, so it was tracked,
 * with its exact count, in every such part: merging in any grouping gives the same state, bytes included, as counting
 * all events into one state in any order.
 *
 * <p>Instances are mutable through {@link #add} (one pane's streaming update); {@link #merge} returns a new state and
 * leaves both arguments unchanged. Binary layout, format 2, big-endian: {@code format(2) cap(int) missing(long)
 * other(long) evicted(byte 0|1) n(int) then n × [value(int length + UTF-8), count(long)]}, values in ascending key
 * order. Format 1 (first-seen buckets, written before version 2) is still read: a state that never overflowed is
 * exact and converts as is; one whose K first-seen values took every bucket while others went to OTHER has no value
 * whose count is known to be exact under the hash rule, so it converts to "everything in OTHER" with threshold −∞
 * (its totals kept): such a reference compares only totals until it is rebuilt.
 */
public final class CategoryCounts {
  /** The bucket of every value that found no own bucket (and of the reserved literal {@code "__other__"}). */
  public static final String OTHER = "__other__";

  static final byte FORMAT = 2;
  private static final byte FORMAT_FIRST_SEEN = 1;

  /** Seed of {@link #hash}; part of the bytes' meaning (changing it changes which values are tracked). */
  private static final long SEED = 0x6665617475726D6FL; // "featurmo"

  /** Ascending rank key: unsigned hash, then value. */
  public static final Comparator<String> BY_KEY = CategoryCounts::compareKeys;

  private final int cap;
  private final HashMap<String, Long> counts; // tracked values, never OTHER
  private long other;
  private long missing;
  private boolean evicted; // some value was evicted (or a legacy overflowed state): threshold is finite
  private String largest; // the tracked value of largest key, null when none tracked
  private long largestHash;
  private String lastEvicted;

  private CategoryCounts(int cap, HashMap<String, Long> counts, long other, long missing, boolean evicted) {
    this.cap = cap;
    this.counts = counts;
    this.other = other;
    this.missing = missing;
    this.evicted = evicted;
    findLargest();
  }

  /** An empty state that gives at most {@code cap} values their own bucket. */
  public static CategoryCounts empty(int cap) {
    return new CategoryCounts(requireCap(cap), new HashMap<>(), 0, 0, false);
  }

  static int requireCap(int cap) {
    if (cap < 1) {
      throw new IllegalArgumentException("cardinality cap must be at least 1, got " + cap);
    }
    return cap;
  }

  /**
   * A fixed 64-bit hash of the value's UTF-8 bytes: FNV-1a from a seeded basis, then MurmurHash3's 64-bit
   * finalizer so that every input bit moves every output bit. The same on every machine and in every version that
   * writes format 2. Compare results with {@link Long#compareUnsigned}.
   */
  public static long hash(String value) {
    long h = 0xcbf29ce484222325L ^ SEED;
    for (int i = 0; i < value.length(); i++) {
      int cp = value.codePointAt(i);
      if (Character.isSupplementaryCodePoint(cp)) {
        i++;
      }
      // UTF-8 encoding of the code point, byte by byte (values are well formed: no unpaired surrogates).
      if (cp < 0x80) {
        h = fnv(h, cp);
      } else if (cp < 0x800) {
        h = fnv(fnv(h, 0xC0 | (cp >>> 6)), 0x80 | (cp & 0x3F));
      } else if (cp < 0x10000) {
        h = fnv(fnv(fnv(h, 0xE0 | (cp >>> 12)), 0x80 | ((cp >>> 6) & 0x3F)), 0x80 | (cp & 0x3F));
      } else {
        h = fnv(fnv(fnv(fnv(h, 0xF0 | (cp >>> 18)), 0x80 | ((cp >>> 12) & 0x3F)), 0x80 | ((cp >>> 6) & 0x3F)),
            0x80 | (cp & 0x3F));
      }
    }
    return finish(h);
  }

  /** {@link #hash} of a value given as its UTF-8 bytes: the definition the inline encoder above must agree with. */
  static long hashUtf8(byte[] utf8) {
    long h = 0xcbf29ce484222325L ^ SEED;
    for (byte b : utf8) {
      h = fnv(h, b);
    }
    return finish(h);
  }

  private static long finish(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long fnv(long h, int b) {
    return (h ^ (b & 0xFF)) * 0x100000001b3L;
  }

  /** Rank order of two values: unsigned hash, then {@link String#compareTo}. */
  public static int compareKeys(String a, String b) {
    return compareKeys(hash(a), a, hash(b), b);
  }

  private static int compareKeys(long ha, String a, long hb, String b) {
    int c = Long.compareUnsigned(ha, hb);
    return c != 0 ? c : a.compareTo(b);
  }

  private void findLargest() {
    largest = null;
    for (String v : counts.keySet()) {
      long h = hash(v);
      if (largest == null || compareKeys(h, v, largestHash, largest) > 0) {
        largest = v;
        largestHash = h;
      }
    }
  }

  /**
   * Counts one value.
   *
   * @return the bucket it was counted in (the value itself, or {@link #OTHER}); null for a missing value. Pass this,
   *     not the raw value, to the {@link Contingency} and {@link GroupedMoments} of the same pane, after folding
   *     {@link #lastEvicted()} into OTHER in them.
   */
  public String add(String value) {
    lastEvicted = null;
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
    if (v.equals(OTHER)) {
      other++;
      return OTHER;
    }
    long h = hash(v);
    if (evicted && (largest == null || compareKeys(h, v, largestHash, largest) > 0)) {
      other++; // above the threshold
      return OTHER;
    }
    counts.put(v, 1L);
    if (largest == null || compareKeys(h, v, largestHash, largest) > 0) {
      largest = v;
      largestHash = h;
    }
    if (counts.size() <= cap) {
      return v;
    }
    String out = largest;
    other += counts.remove(out);
    evicted = true;
    findLargest();
    if (out.equals(v)) {
      return OTHER; // the newcomer itself was the largest: it never had a bucket
    }
    lastEvicted = out;
    return v;
  }

  /**
   * The value whose bucket the last {@link #add} evicted (its counts moved to OTHER), or null when it evicted none.
   * Statistics keyed by this state's buckets must fold it into OTHER before counting the row.
   */
  public String lastEvicted() {
    return lastEvicted;
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

  /**
   * True when this state's count of the value is exact: it is tracked, or its key is at most the threshold (then it
   * was never seen, count 0). False for a value above the threshold, whose events, if any, are somewhere in OTHER.
   */
  public boolean covers(String value) {
    String v = CategoricalBytes.wellFormed(value);
    if (counts.containsKey(v) || !evicted) {
      return !v.equals(OTHER);
    }
    return largest != null && compareKeys(hash(v), v, largestHash, largest) <= 0;
  }

  /** True when some value was evicted: the threshold is finite and OTHER may hold values that were seen. */
  public boolean isSampled() {
    return evicted;
  }

  /** Counts of the union of both parts, exact in any grouping (see the class comment). Neither part changes. */
  public CategoryCounts merge(CategoryCounts that) {
    if (that.cap != cap) {
      throw new IllegalArgumentException("cannot merge category counts with caps " + cap + " and " + that.cap);
    }
    HashMap<String, Long> union = new HashMap<>(counts);
    that.counts.forEach((v, c) -> union.merge(v, c, Math::addExact));
    long mergedOther = Math.addExact(other, that.other);
    boolean mergedEvicted = evicted || that.evicted || union.size() > cap;
    List<String> ranked = new ArrayList<>(union.keySet());
    ranked.sort(BY_KEY);
    for (int i = 0; i < ranked.size(); i++) {
      String v = ranked.get(i);
      // Beyond K, or above a part's threshold (only a legacy part, threshold −∞, has values below K there).
      if (i >= cap || !covers(v) || !that.covers(v)) {
        mergedOther = Math.addExact(mergedOther, union.remove(v));
      }
    }
    return new CategoryCounts(cap, union, mergedOther, Math.addExact(missing, that.missing), mergedEvicted);
  }

  /** The {@code cap} values of smallest key: the survivors of an overflowing plain merge of the bucketed tables. */
  static java.util.Set<String> smallestKeys(java.util.Collection<String> values, int cap) {
    List<String> ranked = new ArrayList<>(values);
    ranked.sort(BY_KEY);
    return new java.util.HashSet<>(ranked.subList(0, Math.min(cap, ranked.size())));
  }

  /** How many values can have a bucket of their own. */
  public int cap() {
    return cap;
  }

  /** The values with a bucket of their own, in ascending key order ({@link #OTHER} is never among them). */
  public List<String> buckets() {
    List<String> list = new ArrayList<>(counts.keySet());
    list.sort(BY_KEY);
    return list;
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

  /** True when K values are tracked: a new value gets a bucket only by evicting one of larger key. */
  public boolean isFull() {
    return counts.size() == cap;
  }

  public byte[] toBytes() {
    CategoricalBytes.Writer out = new CategoricalBytes.Writer(30 + 16 * counts.size())
        .writeByte(FORMAT).writeInt(cap).writeLong(missing).writeLong(other).writeByte(evicted ? 1 : 0)
        .writeInt(counts.size());
    for (String v : buckets()) {
      out.writeString(v).writeLong(counts.get(v));
    }
    return out.toByteArray();
  }

  /** Reads format 2, or format 1 as the class comment says; throws {@link IllegalArgumentException} otherwise. */
  public static CategoryCounts fromBytes(byte[] bytes) {
    CategoricalBytes.Reader in = new CategoricalBytes.Reader(bytes, "CategoryCounts", FORMAT_FIRST_SEEN, FORMAT);
    int cap = in.readInt();
    if (cap < 1) {
      throw in.invalid("cap " + cap + " is below 1");
    }
    long missing = in.readCount("missing count");
    long other = in.readCount("OTHER count");
    boolean evicted = false;
    if (in.format() == FORMAT) {
      byte flag = in.readByte();
      if (flag != 0 && flag != 1) {
        throw in.invalid("eviction flag " + flag);
      }
      evicted = flag == 1;
    }
    int n = in.readSize("bucket count", cap);
    HashMap<String, Long> counts = new HashMap<>();
    String previous = null;
    for (int i = 0; i < n; i++) {
      String v = in.readString();
      long c = in.readCount("count");
      if (c == 0 || v.equals(OTHER) || counts.put(v, c) != null) {
        throw in.invalid("bucket " + i + " is empty, OTHER or a duplicate");
      }
      if (in.format() == FORMAT && previous != null && compareKeys(previous, v) >= 0) {
        throw in.invalid("bucket " + i + " is out of key order");
      }
      previous = v;
    }
    in.finish();
    if (in.format() == FORMAT_FIRST_SEEN && n == cap && other > 0) {
      // First-seen buckets that overflowed: no count is known exact under the hash rule (see the class comment).
      for (long c : counts.values()) {
        other = Math.addExact(other, c);
      }
      return new CategoryCounts(cap, new HashMap<>(), other, missing, true);
    }
    if (evicted && n != cap && n != 0) {
      throw in.invalid("a state that evicted tracks " + n + " values, not the cap " + cap);
    }
    return new CategoryCounts(cap, counts, other, missing, evicted);
  }

  /** Equal state: equal counts, OTHER, missing and threshold. */
  @Override
  public boolean equals(Object o) {
    return o instanceof CategoryCounts that && cap == that.cap && other == that.other && missing == that.missing
        && evicted == that.evicted && counts.equals(that.counts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(cap, other, missing, evicted, counts);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("CategoryCounts{cap=" + cap + ", {");
    List<String> b = buckets();
    for (int i = 0; i < b.size(); i++) {
      s.append(i == 0 ? "" : ", ").append(b.get(i)).append('=').append(counts.get(b.get(i)));
    }
    return s.append("}, other=").append(other).append(", missing=").append(missing).append(", sampled=")
        .append(evicted).append('}').toString();
  }

  /** The tracked counts, for tests and drift: value → count, no OTHER. */
  Map<String, Long> trackedCounts() {
    return Map.copyOf(counts);
  }
}
