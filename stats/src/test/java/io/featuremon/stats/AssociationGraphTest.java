package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AssociationGraphTest {

  static AssociationGraph randomGraph(Random random, int n, int levels) {
    AssociationGraph.Builder b = AssociationGraph.builder(n);
    for (int a = 0; a < n; a++) {
      for (int c = a + 1; c < n; c++) {
        // Few distinct levels, so ties are common.
        b.set(a, c, random.nextInt(levels + 1) / (double) levels);
      }
    }
    return b.build();
  }

  /** Reference: breadth-first search from every unvisited feature, in index order. */
  static List<List<Integer>> bfsClusters(AssociationGraph g, double threshold) {
    int n = g.size();
    boolean[] seen = new boolean[n];
    List<List<Integer>> clusters = new ArrayList<>();
    for (int s = 0; s < n; s++) {
      if (seen[s]) {
        continue;
      }
      List<Integer> component = new ArrayList<>();
      Deque<Integer> queue = new ArrayDeque<>(List.of(s));
      seen[s] = true;
      while (!queue.isEmpty()) {
        int v = queue.poll();
        component.add(v);
        for (int w = 0; w < n; w++) {
          if (!seen[w] && w != v && g.association(v, w) >= threshold) {
            seen[w] = true;
            queue.add(w);
          }
        }
      }
      if (component.size() > 1) {
        component.sort(null);
        clusters.add(component);
      }
    }
    return clusters;
  }

  @Test
  void clustersShouldBeTheConnectedComponentsAtOrAboveTheThreshold() {
    AssociationGraph g = AssociationGraph.builder(7)
        .set(0, 2, 0.9).set(2, 5, 0.8) // a chain: 0 and 5 are together although 0–5 is weak
        .set(0, 5, 0.1)
        .set(1, 3, 0.95)
        .set(4, 6, 0.79999)
        .build();
    assertThat(g.clusters(0.8)).containsExactly(List.of(0, 2, 5), List.of(1, 3));
    assertThat(g.clusters(0.9)).as("inclusive threshold").containsExactly(List.of(0, 2), List.of(1, 3));
    assertThat(g.clusters(0.96)).isEmpty();
    assertThat(g.clusters(0.0)).as("every pair is ≥ 0").containsExactly(List.of(0, 1, 2, 3, 4, 5, 6));
  }

  @Test
  void clustersShouldLeaveOutSingletonsAndBeListedBySmallestIndex() {
    AssociationGraph g = AssociationGraph.builder(6).set(5, 3, 1).set(4, 1, 1).build();
    assertThat(g.clusters(0.5)).containsExactly(List.of(1, 4), List.of(3, 5));
  }

  @Property(tries = 200)
  void clustersShouldMatchABreadthFirstSearch(@ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @IntRange(min = 0, max = 25) int n) {
    Random random = new Random(seed);
    AssociationGraph g = randomGraph(random, n, 10 + random.nextInt(20));
    double threshold = 0.7 + 0.3 * random.nextDouble();
    assertThat(g.clusters(threshold)).isEqualTo(bfsClusters(g, threshold));
  }

  @Property(tries = 100)
  void clustersShouldNotDependOnTheOrderOfTheFeatures(@ForAll @IntRange(min = 0, max = 1_000_000) int seed) {
    Random random = new Random(seed);
    int n = 2 + random.nextInt(20);
    AssociationGraph g = randomGraph(random, n, 12);
    int[] perm = CategoricalFixtures.permutation(random, n);
    AssociationGraph.Builder relabelled = AssociationGraph.builder(n);
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        relabelled.set(perm[a], perm[b], g.association(a, b));
      }
    }
    Set<Set<Integer>> expected = new HashSet<>();
    for (List<Integer> c : g.clusters(0.85)) {
      Set<Integer> mapped = new HashSet<>();
      c.forEach(i -> mapped.add(perm[i]));
      expected.add(mapped);
    }
    Set<Set<Integer>> actual = new HashSet<>();
    relabelled.build().clusters(0.85).forEach(c -> actual.add(new HashSet<>(c)));
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void topPairsShouldBeStrongestFirstWithTiesByPair() {
    AssociationGraph g = AssociationGraph.builder(5)
        .set(3, 4, 0.9).set(0, 4, 0.9).set(1, 2, 0.9).set(0, 1, 0.95).set(2, 3, 0.2)
        .build();
    assertThat(g.topPairs(4)).containsExactly(
        new AssociationPair(0, 1, 0.95), new AssociationPair(0, 4, 0.9), new AssociationPair(1, 2, 0.9),
        new AssociationPair(3, 4, 0.9));
    assertThat(g.topPairs(2)).containsExactly(new AssociationPair(0, 1, 0.95), new AssociationPair(0, 4, 0.9));
  }

  @Test
  void topPairsShouldReturnEveryPairWhenKExceedsThemAndNoneForKZero() {
    AssociationGraph g = AssociationGraph.builder(3).set(0, 1, 0.5).build();
    assertThat(g.topPairs(10)).containsExactly(new AssociationPair(0, 1, 0.5), new AssociationPair(0, 2, 0.0),
        new AssociationPair(1, 2, 0.0));
    assertThat(g.topPairs(0)).isEmpty();
    assertThat(AssociationGraph.builder(1).build().topPairs(3)).isEmpty();
    assertThat(AssociationGraph.builder(0).build().clusters(0.5)).isEmpty();
  }

  @Property(tries = 200)
  void topPairsShouldMatchSortingAllPairs(@ForAll @IntRange(min = 0, max = 1_000_000) int seed,
      @ForAll @IntRange(min = 0, max = 20) int n, @ForAll @IntRange(min = 0, max = 60) int k) {
    Random random = new Random(seed);
    AssociationGraph g = randomGraph(random, n, 5);
    List<AssociationPair> all = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        all.add(new AssociationPair(a, b, g.association(a, b)));
      }
    }
    all.sort(Comparator.comparingDouble(AssociationPair::association).reversed()
        .thenComparingInt(AssociationPair::a).thenComparingInt(AssociationPair::b));
    assertThat(g.topPairs(k)).isEqualTo(all.subList(0, Math.min(k, all.size())));
  }

  @Test
  void shouldRejectAnAsymmetricOutOfRangeOrMisshapenMatrix() {
    assertThatThrownBy(() -> new AssociationGraph(2, new double[] {1, 0.5, 0.4, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("symmetric");
    assertThatThrownBy(() -> new AssociationGraph(2, new double[] {1, 1.5, 1.5, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> new AssociationGraph(2, new double[] {1, Double.NaN, Double.NaN, 1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AssociationGraph(2, new double[] {1, -0.1, -0.1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AssociationGraph(3, new double[4])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AssociationGraph.builder(3).set(1, 1, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AssociationGraph.builder(3).set(0, 3, 0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AssociationGraph.builder(2).build().clusters(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theGraphShouldBeACopyOfItsMatrix() {
    double[] m = {1, 0.3, 0.3, 1};
    AssociationGraph g = new AssociationGraph(2, m);
    m[1] = 0.9;
    assertThat(g.association(0, 1)).isEqualTo(0.3);
    assertThat(g.association(1, 1)).isEqualTo(1.0);
  }

  /**
   * A tabular model with numeric and categorical features gets one graph: |ρ| for numeric pairs, AMI for categorical
   * pairs, adjusted η for mixed pairs, all from per-pane states merged into the window.
   */
  @Test
  void mixedNumericAndCategoricalFeaturesShouldFormOneRedundancyGraph() {
    String[] names = {"age", "age_months", "country", "country_code", "country_gdp", "noise", "device"};
    boolean[] categorical = {false, false, true, true, false, false, true};
    int n = 8000;
    int cap = 32;
    Random random = new Random(11);
    double[][] numeric = new double[n][names.length];
    String[][] categories = new String[n][names.length];
    for (int i = 0; i < n; i++) {
      double age = 18 + 60 * random.nextDouble();
      int country = random.nextInt(15);
      numeric[i][0] = age;
      numeric[i][1] = 12 * age + random.nextDouble(); // redundant with age, |ρ| ≈ 1
      categories[i][2] = "country-" + country;
      categories[i][3] = country < 10 ? "C" + (char) ('A' + country) : null; // a renamed copy, partly missing
      numeric[i][4] = 1000 * Math.sin(country) + 0.01 * random.nextGaussian(); // a function of the country
      numeric[i][5] = random.nextGaussian();
      categories[i][6] = "device-" + random.nextInt(4);
    }

    // Per pane, exactly the states the topology would keep; then the window merge.
    int panes = 4;
    int[] cuts = CategoricalFixtures.cuts(random, n, panes);
    CategoryCounts[] counts = new CategoryCounts[names.length];
    Contingency[][] joint = new Contingency[names.length][names.length];
    GroupedMoments[][] grouped = new GroupedMoments[names.length][names.length];
    List<CategoryCounts[]> paneCounts = new ArrayList<>();
    List<Contingency[][]> paneJoint = new ArrayList<>();
    List<GroupedMoments[][]> paneGrouped = new ArrayList<>();
    for (int p = 0; p < panes; p++) {
      CategoryCounts[] c = new CategoryCounts[names.length];
      Contingency[][] t = new Contingency[names.length][names.length];
      GroupedMoments[][] g = new GroupedMoments[names.length][names.length];
      for (int f = 0; f < names.length; f++) {
        c[f] = CategoryCounts.empty(cap);
        for (int h = 0; h < names.length; h++) {
          t[f][h] = Contingency.empty(cap);
          g[f][h] = GroupedMoments.empty(cap);
        }
      }
      for (int i = cuts[p]; i < cuts[p + 1]; i++) {
        String[] bucket = new String[names.length];
        for (int f = 0; f < names.length; f++) {
          if (categorical[f]) {
            bucket[f] = c[f].add(categories[i][f]);
          }
        }
        for (int f = 0; f < names.length; f++) {
          for (int h = 0; h < names.length; h++) {
            if (categorical[f] && categorical[h] && f < h) {
              t[f][h].add(bucket[f], bucket[h]);
            } else if (categorical[f] && !categorical[h]) {
              g[f][h].add(bucket[f], numeric[i][h]);
            }
          }
        }
      }
      paneCounts.add(c);
      paneJoint.add(t);
      paneGrouped.add(g);
    }
    for (int f = 0; f < names.length; f++) {
      int feature = f;
      counts[f] = paneCounts.stream().map(c -> c[feature]).reduce(CategoryCounts::merge).orElseThrow();
    }
    for (int f = 0; f < names.length; f++) {
      for (int h = 0; h < names.length; h++) {
        int a = f;
        int b = h;
        joint[f][h] = paneJoint.stream().map(t -> t[a][b])
            .reduce((x, y) -> x.merge(y, counts[a], counts[b])).orElseThrow();
        grouped[f][h] = paneGrouped.stream().map(g -> g[a][b])
            .reduce((x, y) -> x.merge(y, counts[a])).orElseThrow();
      }
    }

    double[][] corr = TwoPassOracle.correlation(numeric);
    AssociationGraph.Builder builder = AssociationGraph.builder(names.length);
    for (int f = 0; f < names.length; f++) {
      for (int h = f + 1; h < names.length; h++) {
        double association;
        if (!categorical[f] && !categorical[h]) {
          association = Math.min(1, Math.abs(corr[f][h]));
        } else if (categorical[f] && categorical[h]) {
          association = CategoricalAssociation.adjustedMutualInformation(joint[f][h]);
        } else if (categorical[f]) {
          association = CorrelationRatio.adjusted(grouped[f][h]);
        } else {
          association = CorrelationRatio.adjusted(grouped[h][f]);
        }
        builder.set(f, h, association);
      }
    }
    AssociationGraph graph = builder.build();

    assertThat(graph.clusters(0.95)).as("age ~ age_months; country ~ country_code ~ country_gdp")
        .containsExactly(List.of(0, 1), List.of(2, 3, 4));
    assertThat(graph.association(2, 3)).as("renamed copy, on its complete rows").isGreaterThan(0.999);
    assertThat(graph.association(2, 4)).as("numeric function of the category").isGreaterThan(0.999);
    assertThat(graph.association(5, 6)).as("independent numeric and categorical").isLessThan(0.05);
    assertThat(graph.association(2, 6)).as("independent categoricals").isLessThan(0.01);
    assertThat(graph.association(0, 5)).as("independent numerics").isLessThan(0.05);
    assertThat(graph.topPairs(4)).extracting(p -> List.of(p.a(), p.b()))
        .containsExactlyInAnyOrder(List.of(0, 1), List.of(2, 3), List.of(2, 4), List.of(3, 4));
  }
}
