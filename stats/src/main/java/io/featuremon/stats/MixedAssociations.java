package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One association graph over every feature of a tabular model, numeric and categorical: |ρ| (signed ρ kept for the
 * evidence) for two numeric features, {@link CategoricalAssociation#adjustedMutualInformation} for two categorical
 * ones, {@link CorrelationRatio#adjusted} for a numeric and a categorical one. All lie in [0, 1] with 0 for
 * independence and 1 for a function of the other, so one mask threshold serves every pair.
 *
 * <p>Feature indices are positions in the model's name-sorted feature list, so "ties by name" in the mask rule is
 * "ties by index" here. A numeric feature is constant when its variance is zero; a categorical one when fewer than
 * two categories occurred.
 *
 * @param measures per pair of non-constant positions (row-major): "pearson", "ami" or "eta"
 * @param count events behind the numeric correlations (rows complete in every numeric feature)
 */
public record MixedAssociations(int[] constant, int[] nonConstant, double[] signed, String[] measures,
    boolean[] numeric, long count) implements MaskInput {

  public static final String PEARSON = "pearson";
  public static final String AMI = "ami";
  public static final String ETA = "eta";

  @Override
  public double corrAt(int a, int b) {
    return signed[a * nonConstant.length + b];
  }

  @Override
  public boolean isNumeric(int a) {
    return numeric[a];
  }

  public String measureAt(int a, int b) {
    return measures[a * nonConstant.length + b];
  }

  /** The graph of |association| over the non-constant features (positions in {@link #nonConstant()}). */
  public AssociationGraph graph() {
    int n = nonConstant.length;
    AssociationGraph.Builder builder = AssociationGraph.builder(n);
    for (int a = 0; a < n; a++) {
      for (int b = a + 1; b < n; b++) {
        builder.set(a, b, Math.min(1.0, Math.abs(corrAt(a, b))));
      }
    }
    return builder.build();
  }

  /**
   * @param features number of features (numeric + categorical)
   * @param numericIndex feature index of each numeric dimension (the co-moment dimension order)
   * @param numeric the numeric dimensions' correlation report
   * @param categoricalIndex feature index of each categorical feature
   * @param counts per categorical feature, merged over the window
   * @param pairs contingency of categorical features i &lt; j at {@code pairs[i][j]}
   * @param grouped numeric dimension k grouped by categorical feature j at {@code grouped[k][j]}
   */
  public static MixedAssociations of(int features, int[] numericIndex, RedundancyReport numeric, int[] categoricalIndex,
      CategoryCounts[] counts, Contingency[][] pairs, GroupedMoments[][] grouped) {
    boolean[] isConstant = new boolean[features];
    for (int c : numeric.constant()) {
      isConstant[numericIndex[c]] = true;
    }
    for (int j = 0; j < categoricalIndex.length; j++) {
      if (counts[j].categories() < 2) {
        isConstant[categoricalIndex[j]] = true;
      }
    }
    List<Integer> constant = new ArrayList<>();
    List<Integer> others = new ArrayList<>();
    for (int f = 0; f < features; f++) {
      (isConstant[f] ? constant : others).add(f);
    }
    int n = others.size();
    int[] position = new int[features];
    Arrays.fill(position, -1);
    for (int a = 0; a < n; a++) {
      position[others.get(a)] = a;
    }
    double[] signed = new double[n * n];
    String[] measures = new String[n * n];
    for (int a = 0; a < n; a++) {
      signed[a * n + a] = 1;
    }
    int[] numericPosition = new int[numericIndex.length];
    Arrays.fill(numericPosition, -1);
    int[] nonConstantNumeric = numeric.nonConstant();
    for (int p = 0; p < nonConstantNumeric.length; p++) {
      numericPosition[nonConstantNumeric[p]] = p;
    }
    // numeric × numeric: Pearson, from the exact co-moments
    for (int p = 0; p < nonConstantNumeric.length; p++) {
      for (int q = p + 1; q < nonConstantNumeric.length; q++) {
        set(signed, measures, n, position[numericIndex[nonConstantNumeric[p]]],
            position[numericIndex[nonConstantNumeric[q]]], numeric.corrAt(p, q), PEARSON);
      }
    }
    for (int j = 0; j < categoricalIndex.length; j++) {
      int cj = position[categoricalIndex[j]];
      if (cj < 0) {
        continue;
      }
      for (int i = j + 1; i < categoricalIndex.length; i++) {
        int ci = position[categoricalIndex[i]];
        if (ci >= 0) {
          set(signed, measures, n, cj, ci, CategoricalAssociation.adjustedMutualInformation(pairs[j][i]), AMI);
        }
      }
      for (int k = 0; k < numericIndex.length; k++) {
        int nk = position[numericIndex[k]];
        if (nk >= 0 && numericPosition[k] >= 0) {
          set(signed, measures, n, cj, nk, CorrelationRatio.adjusted(grouped[k][j]), ETA);
        }
      }
    }
    boolean[] isNumeric = new boolean[n];
    for (int k : numericIndex) {
      if (position[k] >= 0) {
        isNumeric[position[k]] = true;
      }
    }
    return new MixedAssociations(constant.stream().mapToInt(Integer::intValue).toArray(),
        others.stream().mapToInt(Integer::intValue).toArray(), signed, measures, isNumeric, numeric.count());
  }

  private static void set(double[] signed, String[] measures, int n, int a, int b, double value, String measure) {
    signed[a * n + b] = value;
    signed[b * n + a] = value;
    measures[a * n + b] = measure;
    measures[b * n + a] = measure;
  }
}
