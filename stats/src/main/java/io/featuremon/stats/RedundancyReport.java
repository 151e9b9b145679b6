package io.featuremon.stats;

import java.util.List;

/**
 * Correlation redundancy of one window over its d' non-constant dimensions.
 *
 * @param count events in the window
 * @param constant indices of dimensions with zero variance (min == max), excluded from everything else
 * @param nonConstant indices of the d' remaining dimensions, ascending
 * @param correlation d' × d' Pearson correlation matrix over {@code nonConstant}, row-major, unit diagonal
 * @param fretL1 Σ_{i≠j} |ρ_ij|, the FRET score ‖C − I‖₁
 * @param meanAbsCorr fretL1 / (d'(d' − 1)); 0 when d' &lt; 2
 * @param meanSqCorr Σ_{i≠j} ρ_ij² / (d'(d' − 1)); 0 when d' &lt; 2
 * @param effectiveRank exp(−Σ p_k ln p_k), p_k = λ_k / Σλ over the eigenvalues of C (negatives clamped to 0);
 *     in [1, d'], 0 when d' = 0
 * @param topPairs the strongest pairs by |ρ| (original indices), ties by (a, b)
 */
public record RedundancyReport(
    long count,
    int[] constant,
    int[] nonConstant,
    double[] correlation,
    double fretL1,
    double meanAbsCorr,
    double meanSqCorr,
    double effectiveRank,
    List<CorrelationPair> topPairs) implements MaskInput {

  public int nonConstantCount() {
    return nonConstant.length;
  }

  /** ρ between the a-th and b-th non-constant dimensions (positions in {@link #nonConstant}). */
  @Override
  public double corrAt(int a, int b) {
    return correlation[a * nonConstant.length + b];
  }
}
