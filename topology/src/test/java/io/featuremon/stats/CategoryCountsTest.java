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

  @Test
  void shouldGiveTheFirstKDistinctValuesTheirOwnBucketsInFirstSeenOrder() {
    CategoryCounts c = countsOf(3, "c", "a", "c", "b", "d", "e", "a", "d");
    assertThat(c.buckets()).containsExactly("c", "a", "b");
    assertThat(c.count("c")).isEqualTo(2);
    assertThat(c.count("a")).isEqualTo(2);
    assertThat(c.count("b")).isEqualTo(1);
    assertThat(c.count("d")).as("d came after the cap was reached").isZero();
    assertThat(c.count(OTHER)).isEqualTo(3);
    assertThat(c.total()).isEqualTo(8);
    assertThat(c.categories()).isEqualTo(4);
    assertThat(c.isFull()).isTrue();
  }

  @Test
  void addShouldReturnTheBucketTheValueWasCountedIn() {
    CategoryCounts c = CategoryCounts.empty(1);
    assertThat(c.add("x")).isEqualTo("x");
    assertThat(c.add("y")).isEqualTo(OTHER);
    assertThat(c.add("x")).isEqualTo("x");
    assertThat(c.add(null)).isNull();
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
    CategoryCounts c = countsOf(2, "a", "b", "c");
    assertThat(c.bucketOf("a")).isEqualTo("a");
    assertThat(c.bucketOf("c")).isEqualTo(OTHER);
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

  @Property(tries = 60)
  void mergeOfPanesInAnyGroupingShouldEqualSequentialCountingWhenNothingOverflows(
      @ForAll @IntRange(min = 0, max = 100_000) int seed, @ForAll @IntRange(min = 1, max = 8) int panes,
      @ForAll @IntRange(min = 1, max = 40) int cap) {
    Random random = new Random(seed);
    String[] events = CategoricalFixtures.values(random, 1 + random.nextInt(400), cap, 0.1, "v");
    CategoryCounts sequential = countsOf(cap, events);
    int[] cuts = CategoricalFixtures.cuts(random, events.length, panes);
    List<CategoryCounts> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      parts.add(countsOf(cap, Arrays.copyOfRange(events, cuts[p], cuts[p + 1])));
    }
    for (CategoryCounts merged : CategoricalFixtures.groupings(parts, CategoryCounts::merge, random)) {
      assertThat(merged).isEqualTo(sequential);
      assertThat(merged.toBytes()).isEqualTo(sequential.toBytes());
    }
  }

  @Test
  void mergeShouldBeExactWhenAPaneOverflowedButTheUnionOfBucketsFitsTheCap() {
    CategoryCounts first = countsOf(3, "a", "b", "c", "x", "x", "a"); // x overflowed into OTHER
    CategoryCounts second = countsOf(3, "c", "b", "b"); // its buckets are among first's
    assertThat(first.merge(second)).isEqualTo(countsOf(3, "a", "b", "c", "x", "x", "a", "c", "b", "b"));
    assertThat(second.merge(first)).isEqualTo(countsOf(3, "c", "b", "b", "a", "b", "c", "x", "x", "a"));
    assertThat(second.merge(first).buckets()).containsExactly("c", "b", "a");
  }

  @Test
  void mergeOnOverflowShouldKeepTheKMostFrequentAndFoldTheRestIntoOther() {
    CategoryCounts first = countsOf(2, "a", "a", "a", "b");
    CategoryCounts second = countsOf(2, "c", "c", "d", null);
    CategoryCounts merged = first.merge(second);
    assertThat(merged.buckets()).containsExactly("a", "c");
    assertThat(merged.count("a")).isEqualTo(3);
    assertThat(merged.count("c")).isEqualTo(2);
    assertThat(merged.otherCount()).as("b and d").isEqualTo(2);
    assertThat(merged.missing()).isEqualTo(1);
    assertThat(merged.total()).isEqualTo(first.total() + second.total());
  }

  @Test
  void mergeOnOverflowShouldBreakCountTiesByValueOrder() {
    CategoryCounts merged = countsOf(2, "z", "y").merge(countsOf(2, "x", "w"));
    assertThat(merged.buckets()).as("w and x are the smallest values; first-seen order kept").containsExactly("x", "w");
    assertThat(merged.otherCount()).isEqualTo(2);
    assertThat(countsOf(2, "x", "w").merge(countsOf(2, "z", "y")).buckets()).containsExactly("x", "w");
  }

  @Test
  void mergeOnOverflowDiffersFromSequentialCountingExactlyAsDocumented() {
    String[] firstPane = {"a", "b"};
    String[] secondPane = {"c", "c", "c", "a"};
    CategoryCounts sequential = countsOf(2, "a", "b", "c", "c", "c", "a");
    CategoryCounts merged = countsOf(2, firstPane).merge(countsOf(2, secondPane));
    // Sequential keeps the first two seen; merge keeps the two most frequent.
    assertThat(sequential.buckets()).containsExactly("a", "b");
    assertThat(sequential.otherCount()).isEqualTo(3);
    assertThat(merged.buckets()).containsExactly("a", "c");
    assertThat(merged.otherCount()).isEqualTo(1);
    assertThat(merged.total()).isEqualTo(sequential.total());

    // Counts a pane already put into OTHER are not given back.
    CategoryCounts overflowed = countsOf(1, "a", "b", "b", "b");
    CategoryCounts other = countsOf(1, "b");
    CategoryCounts m = overflowed.merge(other);
    assertThat(m.buckets()).containsExactly("a");
    assertThat(m.count("a")).isEqualTo(1);
    assertThat(m.otherCount()).as("b×3 from the first pane and b×1 folded from the second").isEqualTo(4);
  }

  @Property(tries = 60)
  void mergeShouldAlwaysKeepTotalsExactAndAtMostKBuckets(@ForAll @IntRange(min = 0, max = 100_000) int seed,
      @ForAll @IntRange(min = 1, max = 6) int panes, @ForAll @IntRange(min = 1, max = 12) int cap) {
    Random random = new Random(seed);
    String[] events = CategoricalFixtures.values(random, 1 + random.nextInt(300), 3 * cap + 2, 0.2, "v");
    CategoryCounts sequential = countsOf(cap, events);
    int[] cuts = CategoricalFixtures.cuts(random, events.length, panes);
    List<CategoryCounts> parts = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      parts.add(countsOf(cap, Arrays.copyOfRange(events, cuts[p], cuts[p + 1])));
    }
    for (CategoryCounts merged : CategoricalFixtures.groupings(parts, CategoryCounts::merge, random)) {
      assertThat(merged.total()).isEqualTo(sequential.total());
      assertThat(merged.missing()).isEqualTo(sequential.missing());
      assertThat(merged.buckets().size()).isLessThanOrEqualTo(cap);
      for (String b : merged.buckets()) {
        // A kept value's count is never more than its true count.
        long truth = Arrays.stream(events).filter(b::equals).count();
        assertThat(merged.count(b)).isBetween(1L, truth);
      }
    }
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
  void permutingEventsInsideAWindowShouldNotChangeAnyCount(@ForAll @IntRange(min = 0, max = 100_000) int seed,
      @ForAll @IntRange(min = 1, max = 30) int cap) {
    Random random = new Random(seed);
    String[] events = CategoricalFixtures.values(random, 1 + random.nextInt(300), cap, 0.1, "v");
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
  }

  // ---- bytes

  static void assertRoundTripsByteForByte(CategoryCounts c) {
    byte[] bytes = c.toBytes();
    assertThat(bytes[0]).as("format byte").isEqualTo((byte) 1);
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
        1, // format
        0, 0, 0, 32, // cap
        0, 0, 0, 0, 0, 0, 0, 0, // missing
        0, 0, 0, 0, 0, 0, 0, 0, // OTHER
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
    wrongFormat[0] = 2;
    assertThatThrownBy(() -> CategoryCounts.fromBytes(wrongFormat)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown format 2");
    assertThatThrownBy(() -> CategoryCounts.fromBytes(Arrays.copyOf(good, good.length - 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    assertThatThrownBy(() -> CategoryCounts.fromBytes(Arrays.copyOf(good, good.length + 1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trailing");
    assertThatThrownBy(() -> CategoryCounts.fromBytes(new byte[0])).isInstanceOf(IllegalArgumentException.class);
    byte[] duplicate = countsOf(4, "a", "b").toBytes();
    duplicate[duplicate.length - 9] = 'a'; // the second bucket's one-byte value
    assertThatThrownBy(() -> CategoryCounts.fromBytes(duplicate)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate");
    byte[] tooMany = countsOf(4, "a", "b").toBytes();
    tooMany[4] = 1; // cap 1 but two buckets
    assertThatThrownBy(() -> CategoryCounts.fromBytes(tooMany)).isInstanceOf(IllegalArgumentException.class);
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
