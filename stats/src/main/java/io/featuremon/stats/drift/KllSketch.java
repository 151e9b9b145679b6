package io.featuremon.stats.drift;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * featuremon's KLL quantile sketch of doubles (Karnin, Lang and Liberty, "Optimal Quantile Approximation in
 * Streams", 2016): pure Java, no dependencies, and deterministic by construction.
 *
 * <p><b>Structure.</b> Level h holds items of weight 2^h; level 0 takes updates unsorted, the levels above are kept
 * sorted. With L levels, level h may hold capacity(h) = max(8, round(k·(2/3)^(L−1−h))) items (the top level k,
 * each one below two thirds of the one above, at least 8: the capacities for which DataSketches states KLL's error),
 * and the sketch as a whole at most their sum. When an update finds the sketch full, the lowest level at or over its
 * capacity is compacted: sorted (level 0), an odd item left in place, and of the others every second one, starting
 * at the first or the second as a coin says, moves up a level with twice the weight (merged into that level's sorted
 * items); compacting the top level first adds a level. A merge pools the two sketches' levels and compacts the same
 * way until the whole fits. While the sketch has one level it holds every item, so it is exact up to k items.
 * The items live in one array, the levels side by side from the top with level 0 lowest, and the free space below
 * it, into which level 0 grows: an update is a store, a run of updates one array copy, and the whole sketch one
 * block of memory (384 of them side by side are the drift stage's working set).
 *
 * <p>Level 0 is a multiset: nothing reads its order (a compaction sorts it first, the sorted view and the bytes too),
 * so a run of updates goes in as one copy in its own order and still gives the sketch that one update at a time
 * would.
 *
 * <p><b>Why our own, and why deterministic.</b> DataSketches' KLL draws its coins from one unseeded generator shared
 * by every sketch in the JVM, so the same input gave different sketches on every run; featuremon made them
 * reproducible by reseeding that shared generator by reflection under a JVM-wide lock, and no DataSketches version
 * runs on both Java 17 and Java 25 (6.x stops at 21; 8.x needs 24). Here the coin of each compaction is a hash of
 * the sketch's own state at that moment (its count, the level, whether an update or a merge compacts, and the
 * compaction's place within that merge): the same sequence of updates and merges gives the same sketch, bytes
 * included, on every run, every JDK and every CPU (only integer and comparison operations touch the items), and a
 * sketch serialized and read back continues exactly as one that never was. No lock, no reflection, no shared state:
 * sketches on different threads are independent. The coins never look at the values, so they are independent of
 * the data, which is all KLL's analysis asks of them; {@code KllSketchTest} checks the stated error on many data
 * sets, against exact ranks and against DataSketches at the same k. One thing a shared random generator did not do:
 * sketches with the same history of counts (the dimensions of one embedding, panes of equal size) draw the same
 * coins. Each sketch's error is still KLL's, and a merge of such panes errs at most by the parts' errors averaged
 * (weighted by count) plus what its own compactions add, whose coins are fresh (the merged count); the
 * six-panes-merged trials of {@code KllSketchTest} measure it (a lower worst error than one sketch of the same data).
 *
 * <p><b>Binary layout</b> ({@link #write}, big-endian): k (uint16), min k (uint16, the smallest k merged in), the
 * number of levels L (uint8), n (int64); when n &gt; 0 the minimum and maximum (float64); L level sizes (int32); then
 * each level's items (float64), ascending, level 0 first. {@link #read} checks that the levels' weights add up to n,
 * that the items are finite, within [min, max], and sorted above level 0, and that they fit the capacity.
 *
 * <p>Not thread-safe.
 */
final class KllSketch {
  static final int MIN_K = 8;
  static final int MAX_K = 65_535;
  /** The least capacity of a level (DataSketches' m). */
  static final int MIN_LEVEL_CAPACITY = 8;
  /** Levels: with n ≤ 2^62 a sketch never has more (level h holds weight 2^h). */
  static final int MAX_LEVELS = 62;
  private static final long UPDATE_SALT = 0x6b43a9b5f1e2d3c7L;
  private static final long MERGE_SALT = 0x2545f4914f6cdd1dL;
  /** The first length of the item array: it grows to the capacity as items arrive. */
  private static final int FIRST_LENGTH = 16;

  private final int k;
  private int minK;
  private long n;
  private double min = Double.NaN;
  private double max = Double.NaN;
  private int numLevels;
  /** Level h is items[starts[h] .. starts[h + 1]); starts[0] is the free space below level 0. */
  private int[] starts;
  private double[] items;
  private int[] capacities;
  private int totalCapacity;

  KllSketch(int k) {
    if (k < MIN_K || k > MAX_K) {
      throw new IllegalArgumentException("k must be from " + MIN_K + " to " + MAX_K + ", got " + k);
    }
    this.k = k;
    this.minK = k;
    this.numLevels = 1;
    int length = Math.min(FIRST_LENGTH, k);
    this.items = new double[length];
    this.starts = new int[] {length, length};
    setCapacities();
  }

  private KllSketch(KllSketch other) {
    k = other.k;
    minK = other.minK;
    n = other.n;
    min = other.min;
    max = other.max;
    numLevels = other.numLevels;
    starts = other.starts.clone();
    items = other.items.clone();
    capacities = other.capacities;
    totalCapacity = other.totalCapacity;
  }

  /** An independent copy that continues exactly as this one would. */
  KllSketch copy() {
    return new KllSketch(this);
  }

  // ---- capacities

  /** capacity(h) with L levels: max(8, round(k·(2/3)^depth)), depth = L − 1 − h, in exact integer arithmetic. */
  static int levelCapacity(int k, int numLevels, int h) {
    int depth = numLevels - 1 - h;
    // k·(2/3)^depth < 8 once depth ≥ 20 for every k ≤ 65,535; below that 2k·2^depth fits in a long.
    if (depth >= 20) {
      return MIN_LEVEL_CAPACITY;
    }
    long threeToDepth = 1;
    for (int i = 0; i < depth; i++) {
      threeToDepth *= 3;
    }
    long twice = ((2L * k) << depth) / threeToDepth; // ⌊2k·(2/3)^depth⌋, then round half up
    return Math.max(MIN_LEVEL_CAPACITY, (int) ((twice + 1) >>> 1));
  }

  /** Σ capacity(h) over L levels: the most items a sketch of L levels retains. */
  static int totalCapacity(int k, int numLevels) {
    int total = 0;
    for (int h = 0; h < numLevels; h++) {
      total += levelCapacity(k, numLevels, h);
    }
    return total;
  }

  private void setCapacities() {
    capacities = new int[numLevels];
    for (int h = 0; h < numLevels; h++) {
      capacities[h] = levelCapacity(k, numLevels, h);
    }
    totalCapacity = totalCapacity(k, numLevels);
  }

  /**
   * The normalized rank error for k at 99% confidence, as DataSketches states it for this structure (its fits to
   * measured errors): one rank ({@code pmf} false) 2.296 / k^0.9723, a difference of two ranks 2.446 / k^0.9433.
   * StrictMath, so that the value is the same on every JDK and CPU.
   */
  static double normalizedRankError(int k, boolean pmf) {
    return pmf ? 2.446 / StrictMath.pow(k, 0.9433) : 2.296 / StrictMath.pow(k, 0.9723);
  }

  /** Levels a sketch of n items can have: level h is only ever filled once 2^h items have arrived. */
  static int maxLevels(long n) {
    return n <= 1 ? 1 : Math.min(MAX_LEVELS, 64 - Long.numberOfLeadingZeros(n));
  }

  /** The most bytes {@link #write} takes for a sketch of parameter k that has seen n items. */
  static int maxSerializedBytes(int k, long n) {
    int levels = maxLevels(n);
    int retained = (int) Math.min(n, (long) totalCapacity(k, levels));
    return fixedBytes(levels) + 8 * retained;
  }

  private static int fixedBytes(int numLevels) {
    return 2 + 2 + 1 + 8 + 16 + 4 * numLevels;
  }

  // ---- updates

  /** Adds one value (the caller checks that it is finite). */
  void update(double value) {
    if (n == 0) {
      min = value;
      max = value;
    } else {
      min = Math.min(min, value);
      max = Math.max(max, value);
    }
    if (starts[0] == 0) {
      makeRoom();
    }
    items[--starts[0]] = value;
    n++;
  }

  /** Adds values[from..to) in order: the same sketch as one {@link #update(double)} per value. */
  void update(double[] values, int from, int to) {
    if (from >= to) {
      return;
    }
    double lo = n == 0 ? values[from] : min;
    double hi = n == 0 ? values[from] : max;
    for (int i = from; i < to; i++) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    min = lo;
    max = hi;
    int i = from;
    while (i < to) {
      if (starts[0] == 0) {
        makeRoom(); // as the single update with this n would
      }
      int run = Math.min(starts[0], to - i);
      starts[0] -= run;
      System.arraycopy(values, i, items, starts[0], run);
      n += run;
      i += run;
    }
  }

  /** No free slot: grow the array towards the capacity, or, when it has it, compact. */
  private void makeRoom() {
    if (items.length < totalCapacity) {
      grow(Math.min(totalCapacity, Math.max(2 * items.length, FIRST_LENGTH)));
    } else {
      compactLowestFullLevel(coin(UPDATE_SALT, n, 0));
    }
  }

  /** A longer item array, the levels moved to its top so the new room is free space below level 0. */
  private void grow(int length) {
    int shift = length - items.length;
    double[] grown = new double[length];
    System.arraycopy(items, starts[0], grown, starts[0] + shift, items.length - starts[0]);
    items = grown;
    for (int h = 0; h <= numLevels; h++) {
      starts[h] += shift;
    }
  }

  /**
   * Merges {@code other} into this sketch ({@code other} is not changed): the levels pooled, then compacted lowest
   * full level first until the whole fits. The result depends on both sketches and on which is this one.
   */
  void merge(KllSketch other) {
    if (other.n == 0) {
      return;
    }
    if (n == 0) {
      min = other.min;
      max = other.max;
    } else {
      min = Math.min(min, other.min);
      max = Math.max(max, other.max);
    }
    minK = Math.min(minK, other.minK);
    int levels = Math.max(numLevels, other.numLevels);
    int pooled = retained() + other.retained();
    // The pooled levels, packed at the top of an array that holds them and the capacity of this many levels.
    int length = Math.max(pooled, totalCapacity(k, levels));
    double[] merged = new double[length];
    int[] mergedStarts = new int[levels + 1];
    mergedStarts[levels] = length;
    for (int h = levels - 1; h >= 0; h--) {
      int mine = h < numLevels ? starts[h + 1] - starts[h] : 0;
      int theirs = h < other.numLevels ? other.starts[h + 1] - other.starts[h] : 0;
      int start = mergedStarts[h + 1] - mine - theirs;
      mergedStarts[h] = start;
      if (h == 0) {
        System.arraycopy(items, starts[0], merged, start, mine);
        System.arraycopy(other.items, other.starts[0], merged, start + mine, theirs);
      } else {
        mergeSorted(items, h < numLevels ? starts[h] : 0, mine, other.items, h < other.numLevels ? other.starts[h] : 0,
            theirs, merged, start);
      }
    }
    items = merged;
    starts = mergedStarts;
    numLevels = levels;
    setCapacities();
    n += other.n;
    for (int compaction = 0; retained() > totalCapacity; compaction++) {
      compactLowestFullLevel(coin(MERGE_SALT, n, compaction));
    }
    if (items.length != totalCapacity) {
      // Back to the invariant an update relies on: the array is the capacity, its free space below level 0.
      double[] fitted = new double[totalCapacity];
      int shift = totalCapacity - items.length;
      System.arraycopy(items, starts[0], fitted, starts[0] + shift, items.length - starts[0]);
      items = fitted;
      for (int h = 0; h <= numLevels; h++) {
        starts[h] += shift;
      }
    }
  }

  private static void mergeSorted(double[] a, int aFrom, int aCount, double[] b, int bFrom, int bCount,
      double[] out, int outFrom) {
    int i = aFrom;
    int aEnd = aFrom + aCount;
    int j = bFrom;
    int bEnd = bFrom + bCount;
    int o = outFrom;
    while (i < aEnd && j < bEnd) {
      out[o++] = b[j] < a[i] ? b[j++] : a[i++];
    }
    System.arraycopy(a, i, out, o, aEnd - i);
    System.arraycopy(b, j, out, o + aEnd - i, bEnd - j);
  }

  /**
   * The coin's seed for a compaction: the sketch's count, whether an update or a merge compacts, and which compaction
   * of that merge it is; the level is mixed in by {@link #compactLowestFullLevel}. A function of the sketch's state,
   * never of the values.
   */
  private static long coin(long salt, long count, int compaction) {
    return mix64(mix64(count ^ salt) + compaction);
  }

  /**
   * Compacts the lowest level at or over its capacity (one exists whenever the sketch is full): level h at [a, b)
   * keeps its smallest item when it has an odd number, every second one of the others (from the first or the second,
   * as the coin says) is gathered at the bottom of [a, b) and merged with level h + 1 at [b, c) into the top of
   * [a, c), and the levels below move up into the space freed.
   */
  private void compactLowestFullLevel(long seed) {
    int h = 0;
    while (starts[h + 1] - starts[h] < capacities[h]) {
      h++;
    }
    if (h == numLevels - 1) {
      addLevel();
    }
    int second = (int) (mix64(seed + 0x9e3779b97f4a7c15L * (h + 1)) & 1);
    int a = starts[h];
    int b = starts[h + 1];
    int c = starts[h + 2];
    if (h == 0) {
      Arrays.sort(items, a, b);
    }
    int keep = (b - a) & 1;
    int half = (b - a) >>> 1;
    int from = a + keep;
    for (int i = 0; i < half; i++) { // reads run ahead of writes
      items[from + i] = items[from + second + 2 * i];
    }
    // Merge [from, from + half) with [b, c) into [from + half, c): each write lands at or below the next read of the
    // upper run, and above every read of the lower one.
    int i = from;
    int iEnd = from + half;
    int j = b;
    int o = from + half;
    while (i < iEnd && j < c) {
      items[o++] = items[j] < items[i] ? items[j++] : items[i++];
    }
    while (i < iEnd) {
      items[o++] = items[i++];
    }
    starts[h + 1] = from + half;
    if (keep == 1) {
      items[from + half - 1] = items[a];
    }
    starts[h] = from + half - keep;
    // Levels below h (and the free space) move up by half.
    int bottom = starts[0];
    if (h > 0) {
      System.arraycopy(items, bottom, items, bottom + half, a - bottom);
      for (int l = 0; l < h; l++) {
        starts[l] += half;
      }
    } else {
      starts[0] = starts[h];
    }
  }

  private void addLevel() {
    if (numLevels == MAX_LEVELS) {
      throw new IllegalStateException("a KLL sketch of more than 2^" + (MAX_LEVELS - 1) + " items");
    }
    int before = totalCapacity;
    numLevels++;
    starts = Arrays.copyOf(starts, numLevels + 1);
    starts[numLevels] = starts[numLevels - 1];
    setCapacities();
    grow(items.length + totalCapacity - before);
  }

  /** Stafford's variant 13 of the MurmurHash3 finaliser (as in SplittableRandom): spreads nearby inputs apart. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  // ---- queries

  int k() {
    return k;
  }

  int minK() {
    return minK;
  }

  long n() {
    return n;
  }

  double min() {
    return min;
  }

  double max() {
    return max;
  }

  int retained() {
    return starts[numLevels] - starts[0];
  }

  int numLevels() {
    return numLevels;
  }

  /** True once an item has been compacted away: ranks are estimates from then on. */
  boolean isEstimationMode() {
    return numLevels > 1;
  }

  /**
   * The retained items ascending with their cumulative weights (inclusive: weights[i] = Σ weight of items 0..i): the
   * step CDF the sketch stands for. Equal items stay separate entries. The exact extremes are in it too: when the
   * smallest retained item is not the minimum, the minimum comes first with cumulative weight 1 (at least one item
   * is ≤ it); when the largest is not the maximum, the maximum comes last with n and the largest retained item's
   * cumulative weight becomes n − 1 (only the maximum itself reaches n). So the CDF starts and ends where the data
   * does, and ranks near the ends lean towards what is known. DataSketches' sorted view does the same, so the
   * sketches it wrote give the same view here.
   */
  record SortedView(double[] items, long[] cumulativeWeights, long n) {}

  SortedView sortedView() {
    int retained = retained();
    int size = starts[1] - starts[0];
    double[] sorted = new double[retained];
    long[] weights = new long[retained];
    System.arraycopy(items, starts[0], sorted, 0, size);
    Arrays.sort(sorted, 0, size);
    Arrays.fill(weights, 0, size, 1);
    double[] mergedItems = new double[retained];
    long[] mergedWeights = new long[retained];
    for (int h = 1; h < numLevels; h++) {
      int j = starts[h];
      int end = starts[h + 1];
      long weight = 1L << h;
      int i = 0;
      int o = 0;
      while (i < size && j < end) {
        if (items[j] < sorted[i]) {
          mergedItems[o] = items[j++];
          mergedWeights[o++] = weight;
        } else {
          mergedItems[o] = sorted[i];
          mergedWeights[o++] = weights[i++];
        }
      }
      while (i < size) {
        mergedItems[o] = sorted[i];
        mergedWeights[o++] = weights[i++];
      }
      while (j < end) {
        mergedItems[o] = items[j++];
        mergedWeights[o++] = weight;
      }
      double[] swapItems = sorted;
      sorted = mergedItems;
      mergedItems = swapItems;
      long[] swapWeights = weights;
      weights = mergedWeights;
      mergedWeights = swapWeights;
      size = o;
    }
    for (int i = 1; i < size; i++) {
      weights[i] += weights[i - 1];
    }
    if (size == 0) {
      return new SortedView(sorted, weights, n);
    }
    boolean addMin = sorted[0] != min;
    boolean addMax = sorted[size - 1] != max;
    if (!addMin && !addMax) {
      return new SortedView(sorted, weights, n);
    }
    int first = addMin ? 1 : 0;
    int length = size + first + (addMax ? 1 : 0);
    double[] withExtremes = new double[length];
    long[] withWeights = new long[length];
    System.arraycopy(sorted, 0, withExtremes, first, size);
    System.arraycopy(weights, 0, withWeights, first, size);
    if (addMin) {
      withExtremes[0] = min;
      withWeights[0] = 1;
    }
    if (addMax) {
      withExtremes[length - 1] = max;
      withWeights[length - 1] = n;
      withWeights[length - 2] = n - 1;
    }
    return new SortedView(withExtremes, withWeights, n);
  }

  // ---- bytes

  int serializedBytes() {
    return fixedBytes(numLevels) - (n == 0 ? 16 : 0) + 8 * retained();
  }

  /** Writes the sketch, level 0 sorted (its order is not part of the state); the sketch itself is not changed. */
  void write(ByteBuffer out) {
    out.putShort((short) k).putShort((short) minK).put((byte) numLevels).putLong(n);
    if (n > 0) {
      out.putDouble(min).putDouble(max);
    }
    for (int h = 0; h < numLevels; h++) {
      out.putInt(starts[h + 1] - starts[h]);
    }
    double[] zero = Arrays.copyOfRange(items, starts[0], starts[1]);
    Arrays.sort(zero);
    for (double x : zero) {
      out.putDouble(x);
    }
    for (int i = starts[1]; i < starts[numLevels]; i++) {
      out.putDouble(items[i]);
    }
  }

  /**
   * Reads what {@link #write} wrote, from the buffer's position.
   *
   * @throws IllegalArgumentException when the bytes are truncated or do not describe a sketch {@link #write} could
   *     have written
   */
  static KllSketch read(ByteBuffer in) {
    try {
      int k = Short.toUnsignedInt(in.getShort());
      int minK = Short.toUnsignedInt(in.getShort());
      int numLevels = Byte.toUnsignedInt(in.get());
      long n = in.getLong();
      if (k < MIN_K || minK < MIN_K || minK > k || numLevels < 1 || numLevels > MAX_LEVELS || n < 0) {
        throw corrupt("k " + k + ", min k " + minK + ", " + numLevels + " levels, n " + n);
      }
      double min = Double.NaN;
      double max = Double.NaN;
      if (n > 0) {
        min = in.getDouble();
        max = in.getDouble();
      }
      int[] sizes = new int[numLevels];
      for (int h = 0; h < numLevels; h++) {
        sizes[h] = in.getInt();
      }
      double[][] levels = new double[numLevels][];
      for (int h = 0; h < numLevels; h++) {
        if (sizes[h] < 0 || sizes[h] > in.remaining() / 8) {
          throw corrupt("level " + h + " of " + sizes[h] + " items with " + in.remaining() + " bytes left");
        }
        levels[h] = new double[sizes[h]];
        for (int i = 0; i < sizes[h]; i++) {
          levels[h][i] = in.getDouble();
        }
      }
      return of(k, minK, n, min, max, levels);
    } catch (java.nio.BufferUnderflowException e) {
      throw corrupt("truncated bytes");
    }
  }

  /**
   * A sketch with the given levels (level 0 in any order, the others ascending), after checking that they are a
   * state this class can reach: weights adding up to n, finite items within [min, max], sorted levels above 0, all
   * within the capacity, the top level not empty.
   */
  static KllSketch of(int k, int minK, long n, double min, double max, double[][] levels) {
    int numLevels = levels.length;
    long weight = 0;
    int retained = 0;
    for (int h = 0; h < numLevels; h++) {
      double[] level = levels[h];
      for (int i = 0; i < level.length; i++) {
        double x = level[i];
        if (!(x >= min && x <= max) || !Double.isFinite(x)) {
          throw corrupt("item " + x + " outside [" + min + ", " + max + "]");
        }
        if (h > 0 && i > 0 && x < level[i - 1]) {
          throw corrupt("level " + h + " is not sorted");
        }
      }
      if (level.length > (Long.MAX_VALUE >>> h) - weight) {
        throw corrupt("level weights overflow");
      }
      weight += (long) level.length << h;
      retained += level.length;
    }
    if (weight != n) {
      throw corrupt("the levels weigh " + weight + ", n is " + n);
    }
    if (n > 0 && !(Double.isFinite(min) && Double.isFinite(max) && min <= max)) {
      throw corrupt("minimum " + min + ", maximum " + max);
    }
    int capacity = totalCapacity(k, numLevels);
    if (retained > capacity || (numLevels > 1 && levels[numLevels - 1].length == 0)) {
      throw corrupt(retained + " items in " + numLevels + " levels (capacity " + capacity + ", top level of "
          + levels[numLevels - 1].length + ")");
    }
    KllSketch s = new KllSketch(k);
    s.minK = minK;
    s.n = n;
    s.min = n == 0 ? Double.NaN : min;
    s.max = n == 0 ? Double.NaN : max;
    s.numLevels = numLevels;
    s.setCapacities();
    // Room for what arrives next: the whole capacity once compacting, else what is held (it grows on demand).
    int length = numLevels > 1 ? capacity : Math.max(retained, Math.min(FIRST_LENGTH, k));
    s.items = new double[length];
    s.starts = new int[numLevels + 1];
    s.starts[numLevels] = length;
    for (int h = numLevels - 1; h >= 0; h--) {
      s.starts[h] = s.starts[h + 1] - levels[h].length;
      System.arraycopy(levels[h], 0, s.items, s.starts[h], levels[h].length);
    }
    return s;
  }

  private static IllegalArgumentException corrupt(String what) {
    return new IllegalArgumentException("corrupt KLL sketch: " + what);
  }
}
