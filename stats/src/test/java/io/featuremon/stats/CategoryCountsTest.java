package io.featuremon.stats;

import static io.featuremon.stats.CategoryCounts.OTHER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CategoryCountsTest {

  static CategoryCounts countsOf(int cap, String... values) {
    CategoryCounts c = CategoryCounts.empty(cap);
    for (String v : values) {
      c.add(v);
    }
    return c;
  }

  /** The independent statement of the rule: the distinct values sorted by (unsigned hash, value), first K. */
  static List<String> smallestKeys(String[] events, int k) {
    List<String> distinct = new ArrayList<>(new java.util.TreeSet<>(
        Arrays.stream(events).filter(e -> e != null && !e.equals(OTHER)).toList()));
    distinct.sort((a, b) -> {
      int c = Long.compareUnsigned(CategoryCounts.hash(a), CategoryCounts.hash(b));
      return c != 0 ? c : a.compareTo(b);
    });
    return distinct.subList(0, Math.min(k, distinct.size()));
  }

  static long truth(String[] events, String v) {
    return Arrays.stream(events).filter(v::equals).count();
  }

  @Property(tries = 60)
  void shouldTrackTheKValuesOfSmallestKeyWithExactCountsAndTheRestInOther(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 20) int cap) {
    Random random = new Random(seed);
    String[] events = CategoricalFixtures.values(random, 1 + random.nextInt(400), 1 + random.nextInt(4 * cap), 0.1,
        "v");
    CategoryCounts c = countsOf(cap, events);
    List<String> expected = smallestKeys(events, cap);
    assertThat(c.buckets()).containsExactlyElementsOf(expected);
    long inBuckets = 0;
    for (String v : expected) {
      assertThat(c.count(v)).isEqualTo(truth(events, v));
      inBuckets += truth(events, v);
    }
    long present = Arrays.stream(events).filter(java.util.Objects::nonNull).count();
    assertThat(c.otherCount()).isEqualTo(present - inBuckets);
    long distinct = Arrays.stream(events).filter(java.util.Objects::nonNull).distinct().count();
    assertThat(c.isSampled()).isEqualTo(distinct > cap);
    // covers: exactly the values with key up to the largest tracked one (all values when nothing was evicted).
    for (int j = 0; j < 4 * cap + 3; j++) {
      String v = "v" + j;
      boolean atMostThreshold = !c.isSampled() || CategoryCounts.compareKeys(v, expected.get(expected.size() - 1)) <= 0;
      assertThat(c.covers(v)).as(v).isEqualTo(atMostThreshold);
      if (c.covers(v)) {
        assertThat(c.count(v)).as("a covered value's count is exact").isEqualTo(truth(events, v));
      }
    }
  }

  @Test
  void addShouldReturnTheBucketAndNameTheValueItEvicted() {
    List<String> ranked = new ArrayList<>(List.of("a", "b", "c", "d"));
    ranked.sort(CategoryCounts.BY_KEY);
    String small = ranked.get(0);
    String middle = ranked.get(1);
    String large = ranked.get(2);
    CategoryCounts c = CategoryCounts.empty(1);
    assertThat(c.add(middle)).isEqualTo(middle);
    assertThat(c.lastEvicted()).isNull();
    assertThat(c.add(large)).as("above the tracked key: never gets a bucket").isEqualTo(OTHER);
    assertThat(c.lastEvicted()).as("the newcomer itself is not an eviction").isNull();
    assertThat(c.add(middle)).isEqualTo(middle);
    assertThat(c.add(small)).isEqualTo(small);
    assertThat(c.lastEvicted()).isEqualTo(middle);
    assertThat(c.count(OTHER)).as("large, and middle twice").isEqualTo(3);
    assertThat(c.add(middle)).as("now above the threshold").isEqualTo(OTHER);
    assertThat(c.lastEvicted()).isNull();
    assertThat(c.add(null)).isNull();
    assertThat(c.buckets()).containsExactly(small);
  }

  @Test
  void shouldCountNullsAsMissingNotAsACategory() {
    CategoryCounts c = countsOf(2, null, "a", null, null);
    assertThat(c.missing()).isEqualTo(3);
    assertThat(c.total()).isEqualTo(1);
    assertThat(c.buckets()).containsExactly("a");
    assertThat(c.categories()).isEqualTo(1);
    assertThat(c.isFull()).as("a null must not take a bucket").isFalse();
  }

  @Test
  void theReservedLiteralOtherShouldBeCountedInOtherWithoutTakingABucket() {
    CategoryCounts c = countsOf(2, OTHER, "a", OTHER);
    assertThat(c.buckets()).containsExactly("a");
    assertThat(c.otherCount()).isEqualTo(2);
    assertThat(c.add("b")).isEqualTo("b");
  }

  @Test
  void bucketOfShouldMapValuesWithoutAnOwnBucketToOtherWithoutCounting() {
    String[] events = {"a", "b", "c"};
    CategoryCounts c = countsOf(2, events);
    List<String> kept = smallestKeys(events, 2);
    String dropped = new ArrayList<>(List.of(events)).stream().filter(v -> !kept.contains(v)).findFirst().orElseThrow();
    assertThat(c.bucketOf(kept.get(0))).isEqualTo(kept.get(0));
    assertThat(c.bucketOf(dropped)).isEqualTo(OTHER);
    assertThat(c.bucketOf("never seen")).isEqualTo(OTHER);
    assertThat(c.bucketOf(OTHER)).isEqualTo(OTHER);
    assertThat(c.bucketOf(null)).isNull();
    assertThat(c.total()).isEqualTo(3);
  }

  @Test
  void shouldRejectACapBelowOne() {
    assertThatThrownBy(() -> CategoryCounts.empty(0)).isInstanceOf(IllegalArgumentException.class);
  }

  // ---- merge

  @Property(tries = 100)
  void mergeOfPanesInAnyGroupingShouldEqualCountingAllEventsBytesIncluded(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 8) int panes,
      @ForAll @IntRange(min = 1, max = 40) int cap) {
    Random random = new Random(seed);
    // From well below the cap to far above it: the overflowing case is the one the old first-seen merge got wrong.
    String[] events = CategoricalFixtures.values(random, 1 + random.nextInt(400), 1 + random.nextInt(3 * cap), 0.1,
        "v");
    CategoryCounts sequential = countsOf(cap, events);
    int[] cuts = CategoricalFixtures.cuts(random, events.length, panes);
    List<CategoryCounts> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      parts.add(countsOf(cap, Arrays.copyOfRange(events, cuts[p], cuts[p + 1])));
    }
    List<CategoryCounts> reversed = new ArrayList<>(parts);
    java.util.Collections.reverse(reversed);
    List<CategoryCounts> all = new ArrayList<>(CategoricalFixtures.groupings(parts, CategoryCounts::merge, random));
    all.addAll(CategoricalFixtures.groupings(reversed, CategoryCounts::merge, random));
    for (CategoryCounts merged : all) {
      assertThat(merged).isEqualTo(sequential);
      assertThat(merged.toBytes()).isEqualTo(sequential.toBytes());
    }
  }

  @Test
  void mergeShouldGiveBackCountsAPaneHadToPutInOther() {
    // The value a pane evicted is still exact in the merge when it is among the K smallest keys of the union: it
    // cannot be, since the pane kept K smaller ones; but a value that was above one pane's threshold and tracked in
    // another is folded from that other pane too, so nothing is counted half in a bucket, half in OTHER.
    List<String> ranked = new ArrayList<>(List.of("a", "b", "c"));
    ranked.sort(CategoryCounts.BY_KEY);
    CategoryCounts first = countsOf(1, ranked.get(0), ranked.get(1), ranked.get(1)); // ranked[1] evicted/above
    CategoryCounts second = countsOf(1, ranked.get(1)); // ranked[1] tracked here
    CategoryCounts m = first.merge(second);
    assertThat(m.buckets()).containsExactly(ranked.get(0));
    assertThat(m.count(ranked.get(0))).isEqualTo(1);
    assertThat(m.otherCount()).as("all three events of ranked[1]").isEqualTo(3);
    assertThat(m).isEqualTo(countsOf(1, ranked.get(1), ranked.get(0), ranked.get(1), ranked.get(1)));
  }

  @Test
  void mergeShouldLeaveBothArgumentsUnchanged() {
    CategoryCounts first = countsOf(2, "a", "a", "b");
    CategoryCounts second = countsOf(2, "c", "c", "c");
    byte[] firstBefore = first.toBytes();
    byte[] secondBefore = second.toBytes();
    CategoryCounts merged = first.merge(second);
    merged.add("a");
    assertThat(first.toBytes()).isEqualTo(firstBefore);
    assertThat(second.toBytes()).isEqualTo(secondBefore);
  }

  @Test
  void mergeShouldRejectADifferentCap() {
    assertThatThrownBy(() -> CategoryCounts.empty(2).merge(CategoryCounts.empty(3)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("caps 2 and 3");
  }

  @Property(tries = 40)
  void permutingEventsShouldNotChangeAnyByte(@ForAll @IntRange(min = 0, max = 100_000) int seed,
      @ForAll @IntRange(min = 1, max = 30) int cap) {
    Random random = new Random(seed);
    String[] events = CategoricalFixtures.values(random, 1 + random.nextInt(300), 1 + random.nextInt(4 * cap), 0.1,
        "v");
    int[] perm = CategoricalFixtures.permutation(random, events.length);
    String[] shuffled = new String[events.length];
    for (int i = 0; i < events.length; i++) {
      shuffled[i] = events[perm[i]];
    }
    CategoryCounts a = countsOf(cap, events);
    CategoryCounts b = countsOf(cap, shuffled);
    assertThat(new LinkedHashSet<>(b.buckets())).isEqualTo(new LinkedHashSet<>(a.buckets()));
    for (String v : a.buckets()) {
      assertThat(b.count(v)).isEqualTo(a.count(v));
    }
    assertThat(b.otherCount()).isEqualTo(a.otherCount());
    assertThat(b.missing()).isEqualTo(a.missing());
    assertThat(b.toBytes()).isEqualTo(a.toBytes());
  }

  // ---- bytes

  static void assertRoundTripsByteForByte(CategoryCounts c) {
    byte[] bytes = c.toBytes();
    assertThat(bytes[0]).as("format byte").isEqualTo((byte) 2);
    CategoryCounts back = CategoryCounts.fromBytes(bytes);
    assertThat(back).isEqualTo(c);
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back.buckets()).containsExactlyElementsOf(c.buckets());
  }

  @Test
  void emptyStateShouldRoundTripByteForByte() {
    assertRoundTripsByteForByte(CategoryCounts.empty(32));
  }

  @Test
  void oneItemStateShouldRoundTripByteForByteInTheDocumentedLayout() {
    CategoryCounts c = countsOf(32, "é");
    assertRoundTripsByteForByte(c);
    byte[] expected = {
        2, // format
        0, 0, 0, 32, // cap
        0, 0, 0, 0, 0, 0, 0, 0, // missing
        0, 0, 0, 0, 0, 0, 0, 0, // OTHER
        0, // never evicted
        0, 0, 0, 1, // buckets
        0, 0, 0, 2, (byte) 0xC3, (byte) 0xA9, // "é" in UTF-8
        0, 0, 0, 0, 0, 0, 0, 1}; // its count
    assertThat(c.toBytes()).isEqualTo(expected);
  }

  @Test
  void manyItemStateWithOtherMissingAndUnicodeShouldRoundTripByteForByte() {
    CategoryCounts c = CategoryCounts.empty(40);
    Random random = new Random(3);
    for (int i = 0; i < 5000; i++) {
      c.add(random.nextInt(20) == 0 ? null : "值-" + random.nextInt(60) + "-\uD83D\uDE00");
    }
    c.add("");
    c.add(OTHER);
    assertThat(c.otherCount()).isPositive();
    assertThat(c.missing()).isPositive();
    assertThat(c.buckets()).hasSize(40);
    assertRoundTripsByteForByte(c);
    assertRoundTripsByteForByte(c.merge(countsOf(40, "z", "z")));
  }

  @Property(tries = 50)
  void anyStateShouldRoundTripByteForByte(@ForAll @IntRange(min = 0, max = 100_000) int seed,
      @ForAll @IntRange(min = 1, max = 20) int cap) {
    Random random = new Random(seed);
    assertRoundTripsByteForByte(countsOf(cap, CategoricalFixtures.values(random, random.nextInt(200), 2 * cap, 0.1, "")));
  }

  @Test
  void unpairedSurrogatesShouldBeBucketedInTheirUtf8FormSoThatARestoredPaneAgrees() {
    CategoryCounts c = CategoryCounts.empty(4);
    String lone = "a\uD800b";
    String bucket = c.add(lone);
    assertThat(bucket).isEqualTo("a?b");
    CategoryCounts back = CategoryCounts.fromBytes(c.toBytes());
    assertThat(back).isEqualTo(c);
    assertThat(back.add(lone)).isEqualTo(bucket);
    assertThat(back.count("a?b")).isEqualTo(2);
  }

  @Test
  void fromBytesShouldRejectUnknownFormatTruncatedTrailingAndInconsistentInput() {
    byte[] good = countsOf(4, "a", "b").toBytes();
    byte[] wrongFormat = good.clone();
    wrongFormat[0] = 3;
    assertThatThrownBy(() -> CategoryCounts.fromBytes(wrongFormat)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown format 3");
    assertThatThrownBy(() -> CategoryCounts.fromBytes(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> CategoryCounts.fromBytes(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    assertThatThrownBy(() -> CategoryCounts.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    byte[] duplicate = countsOf(4, "a", "b").toBytes();
    duplicate[duplicate.length - 9] = duplicate[duplicate.length - 22]; // the second bucket's value := the first's
    assertThatThrownBy(() -> CategoryCounts.fromBytes(duplicate)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate");
    byte[] swapped = countsOf(4, "a", "b").toBytes();
    byte first = swapped[swapped.length - 22];
    swapped[swapped.length - 22] = swapped[swapped.length - 9];
    swapped[swapped.length - 9] = first;
    assertThatThrownBy(() -> CategoryCounts.fromBytes(swapped)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key order");
    byte[] tooMany = countsOf(4, "a", "b").toBytes();
    tooMany[4] = 1; // cap 1 but two buckets
    assertThatThrownBy(() -> CategoryCounts.fromBytes(tooMany)).isInstanceOf(IllegalArgumentException.class);
  }

  /** The layout version 1 wrote: first-seen buckets, no eviction flag. */
  static byte[] formatOne(int cap, long missing, long other, Map<String, Long> buckets) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream out = new java.io.DataOutputStream(bytes);
    try {
      out.writeByte(1);
      out.writeInt(cap);
      out.writeLong(missing);
      out.writeLong(other);
      out.writeInt(buckets.size());
      for (Map.Entry<String, Long> e : buckets.entrySet()) {
        byte[] utf8 = e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
        out.writeLong(e.getValue());
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  @Test
  void formatOneShouldBeReadExactlyWhenItNeverOverflowedAndAsAllOtherWhenItDid() {
    Map<String, Long> three = new java.util.LinkedHashMap<>();
    three.put("c", 2L);
    three.put("a", 5L);
    three.put("b", 1L);
    CategoryCounts exact = CategoryCounts.fromBytes(formatOne(3, 4, 0, three));
    assertThat(exact).isEqualTo(countsOf(3, "c", "c", "a", "a", "a", "a", "a", "b", null, null, null, null));
    assertThat(exact.isSampled()).isFalse();
    // Below the cap, OTHER can only hold the reserved literal: still exact.
    CategoryCounts literal = CategoryCounts.fromBytes(formatOne(4, 0, 2, three));
    assertThat(literal.isSampled()).isFalse();
    assertThat(literal.buckets()).containsExactlyInAnyOrder("a", "b", "c");
    // At the cap with OTHER non-empty: first-seen buckets, not the smallest keys; nothing is known exact.
    CategoryCounts overflowed = CategoryCounts.fromBytes(formatOne(3, 1, 7, three));
    assertThat(overflowed.buckets()).isEmpty();
    assertThat(overflowed.otherCount()).isEqualTo(15);
    assertThat(overflowed.total()).isEqualTo(15);
    assertThat(overflowed.missing()).isEqualTo(1);
    assertThat(overflowed.isSampled()).isTrue();
    assertThat(overflowed.covers("a")).isFalse();
    assertThat(overflowed.add("a")).as("threshold −∞: every value goes to OTHER").isEqualTo(OTHER);
    CategoryCounts merged = overflowed.merge(countsOf(3, "a", "b"));
    assertThat(merged.buckets()).isEmpty();
    assertThat(merged.total()).isEqualTo(18);
    assertRoundTripsByteForByte(merged);
  }

  @Test
  void hashShouldBeTheHashOfTheUtf8BytesForEveryEncodingLength() {
    // One string per UTF-8 length (1, 2, 3 and 4 bytes): the inline encoder must agree with the JDK's, so the
    // hash of a value is the same whether written from one, or compared against another.
    for (String v : List.of("a", "é", "值", "\uD83D\uDE00", "x值é\uD83D\uDE00y", "", "\u07FF\u0800\uFFFF")) {
      assertThat(CategoryCounts.hash(v)).as(v).isEqualTo(
          CategoryCounts.hashUtf8(v.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      seen.add(CategoryCounts.hash("id-" + i));
    }
    assertThat(seen).as("no collision among 100,000 ids").hasSize(100_000);
    long high = 0;
    for (int i = 0; i < 100_000; i++) {
      high += CategoryCounts.hash("id-" + i) < 0 ? 1 : 0;
    }
    assertThat(high).as("the top bit is set about half the time").isBetween(49_000L, 51_000L);
  }

  @Test
  void countsOfAnyValueShouldMatchAHashMapWhileBelowTheCap() {
    Random random = new Random(9);
    String[] events = CategoricalFixtures.values(random, 2000, 25, 0.05, "k");
    Map<String, Long> truth = new HashMap<>();
    for (String e : events) {
      if (e != null) {
        truth.merge(e, 1L, Long::sum);
      }
    }
    CategoryCounts c = countsOf(25, events);
    Set<String> buckets = new LinkedHashSet<>(c.buckets());
    assertThat(buckets).isEqualTo(truth.keySet());
    truth.forEach((v, n) -> assertThat(c.count(v)).isEqualTo(n));
    assertThat(c.otherCount()).isZero();
  }
}
