package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The deterministic, unit-free mask rule.
 *
 * <p>Visit the non-constant dimensions by their mean |ρ| with all others, ascending (ties: lower index, which is
 * name order for tabular features because their dimensions are sorted by name). Keep each unless |ρ| ≥ threshold
 * with an already kept dimension; then drop it as redundant with the kept dimension of largest |ρ| (ties: lower
 * index). The least entangled dimensions are visited first, so each redundant group keeps its most "independent"
 * member. Constant dimensions are always dropped.
 */
public final class MaskRule {
  private MaskRule() {}

  public static Mask apply(RedundancyReport report, double threshold) {
    int[] nonConstant = report.nonConstant();
    int n = nonConstant.length;
    double[] meanAbs = new double[n];
    for (int a = 0; a < n; a++) {
      double sum = 0;
      for (int b = 0; b < n; b++) {
        if (b != a) {
          sum += Math.abs(report.corrAt(a, b));
        }
      }
      meanAbs[a] = n < 2 ? 0 : sum / (n - 1);
    }
    Integer[] order = new Integer[n];
    for (int a = 0; a < n; a++) {
      order[a] = a;
    }
    // nonConstant is ascending, so comparing positions breaks ties by dimension index.
    Arrays.sort(order, (x, y) -> {
      int byMean = Double.compare(meanAbs[x], meanAbs[y]);
      return byMean != 0 ? byMean : Integer.compare(x, y);
    });

    List<Mask.Drop> dropped = new ArrayList<>();
    for (int c : report.constant()) {
      dropped.add(new Mask.Drop(c, Mask.Reason.CONSTANT, -1, Double.NaN));
    }
    boolean[] kept = new boolean[n];
    List<Integer> keptPositions = new ArrayList<>();
    for (int a : order) {
      int partner = -1;
      double partnerCorr = 0;
      for (int k : keptPositions) {
        double r = report.corrAt(a, k);
        double abs = Math.abs(r);
        if (abs >= threshold && (partner < 0 || abs > Math.abs(partnerCorr) || (abs == Math.abs(partnerCorr) && k < partner))) {
          partner = k;
          partnerCorr = r;
        }
      }
      if (partner < 0) {
        kept[a] = true;
        keptPositions.add(a);
      } else {
        dropped.add(new Mask.Drop(nonConstant[a], Mask.Reason.REDUNDANT, nonConstant[partner], partnerCorr));
      }
    }
    List<Integer> keptDimensions = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      if (kept[a]) {
        keptDimensions.add(nonConstant[a]);
      }
    }
    return new Mask(List.copyOf(keptDimensions), List.copyOf(dropped));
  }
}
