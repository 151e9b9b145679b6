package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * One redundancy graph over the n features of a tabular model, whatever their types: the nodes are features, and
 * the weight of every pair is an association in [0, 1] — |ρ| for two numeric features ({@link Redundancy}),
 * {@link CategoricalAssociation#adjustedMutualInformation} for two categorical ones and
 * {@link CorrelationRatio#adjusted} for a categorical and a numeric one. All three are 0 for independent features
 * and 1 when one feature determines the other, which is what lets one threshold serve every pair.
 *
 * <p>Everything is deterministic: clusters are listed by smallest member and sorted inside, pairs are ordered by
 * association and then by (a, b). Immutable; build it from a matrix or with {@link #builder}.
 */
public final class AssociationGraph {
  /** Strongest first; ties by a, then b, ascending. */
  private static final Comparator<AssociationPair> STRONGEST_FIRST = Comparator
      .comparingDouble(AssociationPair::association).reversed()
      .thenComparingInt(AssociationPair::a)
      .thenComparingInt(AssociationPair::b);

  private final int n;
  private final double[] association; // n × n, row-major, symmetric; the diagonal is not used

  /**
   * @param n number of features
   * @param association n × n row-major matrix, exactly symmetric, off-diagonal values in [0, 1] (not NaN); the
   *     diagonal is ignored. Copied.
   */
  public AssociationGraph(int n, double[] association) {
    if (n < 0 || association.length != (long) n * n) {
      throw new IllegalArgumentException("association matrix must hold " + n + " × " + n + " values, got "
          + association.length);
    }
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        double v = association[a * n + b];
        if (!(v >= 0 && v <= 1)) {
          throw new IllegalArgumentException("association of " + a + " and " + b + " is " + v + ", not in [0, 1]");
        }
        if (Double.compare(v, association[b * n + a]) != 0) {
          throw new IllegalArgumentException("association matrix is not symmetric at (" + a + ", " + b + "): " + v
              + " vs " + association[b * n + a]);
        }
      }
    }
    this.n = n;
    this.association = association.clone();
  }

  public static Builder builder(int n) {
    return new Builder(n);
  }

  /** Collects pairwise associations; unset pairs are 0. */
  public static final class Builder {
    private final int n;
    private final double[] association;

    private Builder(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("number of features must not be negative: " + n);
      }
      this.n = n;
      this.association = new double[n * n];
      for (int i = 0; i < n; i++) {
        association[i * n + i] = 1;
      }
    }

    /** Sets the association of a and b (both orders); a ≠ b. */
    public Builder set(int a, int b, double value) {
      if (a == b || a < 0 || b < 0 || a >= n || b >= n) {
        throw new IllegalArgumentException("no pair (" + a + ", " + b + ") among " + n + " features");
      }
      association[a * n + b] = value;
      association[b * n + a] = value;
      return this;
    }

    public AssociationGraph build() {
      return new AssociationGraph(n, association);
    }
  }

  public int size() {
    return n;
  }

  /** The association of a and b; 1 for a == b. */
  public double association(int a, int b) {
    return a == b ? 1 : association[a * n + b];
  }

  /**
   * Connected components of the graph whose edges are the pairs with association ≥ {@code threshold}, leaving out
   * features that are alone. Each component is sorted by index and components are listed by their smallest index.
   * Connectivity is transitive: a–b and b–c put a, b and c together even when a–c is weak.
   */
  public List<List<Integer>> clusters(double threshold) {
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }
    int[] parent = new int[n];
    for (int i = 0; i < n; i++) {
      parent[i] = i;
    }
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        if (association[a * n + b] >= threshold) {
          int ra = root(parent, a);
          int rb = root(parent, b);
          // The smaller index becomes the root, so a component's root is its smallest member.
          parent[Math.max(ra, rb)] = Math.min(ra, rb);
        }
      }
    }
    List<List<Integer>> byRoot = new ArrayList<>();
    int[] slot = new int[n];
    Arrays.fill(slot, -1);
    int[] size = new int[n];
    for (int i = 0; i < n; i++) {
      size[root(parent, i)]++;
    }
    for (int i = 0; i < n; i++) {
      int r = root(parent, i);
      if (size[r] < 2) {
        continue;
      }
      if (slot[r] < 0) {
        slot[r] = byRoot.size();
        byRoot.add(new ArrayList<>());
      }
      byRoot.get(slot[r]).add(i);
    }
    List<List<Integer>> clusters = new ArrayList<>(byRoot.size());
    byRoot.forEach(c -> clusters.add(List.copyOf(c)));
    return List.copyOf(clusters);
  }

  private static int root(int[] parent, int i) {
    while (parent[i] != i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  }

  /** The k strongest pairs (a &lt; b), strongest first, ties by (a, b); fewer when there are fewer pairs. */
  public List<AssociationPair> topPairs(int k) {
    if (k <= 0) {
      return List.of();
    }
    // Bounded heap with the weakest kept pair on top: O(n² log k) and O(k) memory.
    PriorityQueue<AssociationPair> top = new PriorityQueue<>(k + 1, STRONGEST_FIRST.reversed());
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        AssociationPair p = new AssociationPair(a, b, association[a * n + b]);
        if (top.size() < k) {
          top.add(p);
        } else if (STRONGEST_FIRST.compare(p, top.peek()) < 0) {
          top.poll();
          top.add(p);
        }
      }
    }
    List<AssociationPair> pairs = new ArrayList<>(top);
    pairs.sort(STRONGEST_FIRST);
    return List.copyOf(pairs);
  }
}
