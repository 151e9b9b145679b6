package io.featuremon.stats;

/**
 * What the mask rule needs to know about a window's features: which are constant, and the signed association of
 * every pair of the others (Pearson ρ for numeric pairs; the categorical measures, which are non-negative, for the
 * rest). Implemented by {@link RedundancyReport} for numeric-only groups and by {@link MixedAssociations} for tabular
 * models with categorical features.
 */
public interface MaskInput {
  /** Indices of constant features, ascending. */
  int[] constant();

  /** Indices of the other features, ascending. */
  int[] nonConstant();

  /** Association between the a-th and b-th non-constant features (positions in {@link #nonConstant()}). */
  double corrAt(int a, int b);

  /**
   * Events behind the numeric correlations (complete rows): the sample size of the linear-combination test, whose R²
   * is adjusted for the number of kept dimensions.
   */
  long count();

  /** Whether the a-th non-constant feature is numeric (its associations with numeric features are Pearson ρ). */
  default boolean isNumeric(int a) {
    return true;
  }
}
