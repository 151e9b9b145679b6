package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Computes a {@link RedundancyReport} from exact co-moments. */
public final class Redundancy {
  private Redundancy() {}

  /**
   * @param topK how many of the strongest pairs to report
   */
  public static RedundancyReport analyze(CoMoments moments, int topK) {
    int d = moments.dimensions();
    MomentsHeader header = moments.header();
    int[] constantTmp = new int[d];
    int[] nonConstantTmp = new int[d];
    int nc = 0;
    int c = 0;
    for (int i = 0; i < d; i++) {
      if (header.count() < 2 || header.isConstant(i)) {
        constantTmp[c++] = i;
      } else {
        nonConstantTmp[nc++] = i;
      }
    }
    int[] constant = java.util.Arrays.copyOf(constantTmp, c);
    int[] nonConstant = java.util.Arrays.copyOf(nonConstantTmp, nc);

    double[] scale = new double[nc];
    for (int a = 0; a < nc; a++) {
      scale[a] = 1.0 / Math.sqrt(moments.comoment(nonConstant[a], nonConstant[a]));
    }
    double[] corr = new double[nc * nc];
    double sumAbs = 0;
    double sumSq = 0;
    Comparator<CorrelationPair> weakestFirst = Comparator
        .comparingDouble((CorrelationPair p) -> Math.abs(p.corr()))
        .thenComparing(CorrelationPair::a, Comparator.reverseOrder())
        .thenComparing(CorrelationPair::b, Comparator.reverseOrder());
    PriorityQueue<CorrelationPair> top = new PriorityQueue<>(Math.max(1, topK + 1), weakestFirst);
    for (int a = 0; a < nc; a++) {
      corr[a * nc + a] = 1.0;
      int i = nonConstant[a];
      for (int b = a + 1; b < nc; b++) {
        int j = nonConstant[b];
        double r = moments.comoment(i, j) * scale[a] * scale[b];
        // Rounding can push |ρ| a hair past 1 for exact copies; the definition is bounded.
        r = Math.max(-1.0, Math.min(1.0, r));
        corr[a * nc + b] = r;
        corr[b * nc + a] = r;
        sumAbs += Math.abs(r);
        sumSq += r * r;
        if (topK > 0) {
          CorrelationPair pair = new CorrelationPair(i, j, r);
          if (top.size() < topK) {
            top.add(pair);
          } else if (weakestFirst.compare(pair, top.peek()) > 0) {
            top.poll();
            top.add(pair);
          }
        }
      }
    }
    List<CorrelationPair> pairs = new ArrayList<>(top);
    pairs.sort(weakestFirst.reversed());

    double fretL1 = 2 * sumAbs;
    double pairsCount = (double) nc * (nc - 1);
    double meanAbs = nc < 2 ? 0 : fretL1 / pairsCount;
    double meanSq = nc < 2 ? 0 : 2 * sumSq / pairsCount;
    return new RedundancyReport(header.count(), constant, nonConstant, corr, fretL1, meanAbs, meanSq,
        effectiveRank(corr, nc), List.copyOf(pairs));
  }

  /** exp of the Shannon entropy of the normalised, non-negative eigenvalues of a symmetric matrix. */
  static double effectiveRank(double[] symmetric, int n) {
    if (n == 0) {
      return 0;
    }
    if (n == 1) {
      return 1;
    }
    double[] eigenvalues = SymmetricEigenvalues.of(symmetric, n);
    double total = 0;
    for (double l : eigenvalues) {
      total += Math.max(0, l);
    }
    double entropy = 0;
    for (double l : eigenvalues) {
      if (l > 0) {
        double p = l / total;
        entropy -= p * StrictMath.log(p);
      }
    }
    return StrictMath.exp(entropy);
  }
}
