package io.featuremon.stats;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The deterministic per-window mask rule.
 *
 * <p>Constant dimensions are dropped, then dead ones (active in fewer than {@code deadMaxActiveShare} of events).
 * The others are visited in priority order: protected dimensions first, then by importance when one is given
 * (highest first), then the dimensions serving keeps ahead of those the mask drops or the rule flagged in the
 * window before, then by their mean |ρ| with all other non-constant dimensions, ascending — the least entangled
 * first, so each redundant group keeps its most independent member (ties: lower index, which is name order for
 * tabular features). Each visited dimension is kept unless its |ρ| with an already kept one reaches the threshold;
 * then it is dropped as redundant with the kept dimension of largest |ρ| (ties: lower index). A numeric dimension
 * is also dropped when its R² on the kept numeric dimensions, adjusted for their number, reaches the threshold's
 * square (with {@code linearCombinations}). Protected dimensions are always kept. The result is unit-free, so
 * features of different scales compare fairly.
 *
 * <p><b>Why the window before takes part.</b> Members of a redundant group are near-copies, so their mean |ρ| with
 * the rest differ by noise, and ordering by it alone re-draws the kept member every window (the demo's income_eur and
 * income_keur swapped in 6 of 8 windows). The incumbent is therefore visited first: among near-equals the member
 * serving keeps stays kept, and the group still keeps exactly one member. And a dimension that is dropped or was
 * flagged in the window before stays flagged until its association falls below {@code threshold - hysteresis}, so a
 * pair whose |ρ| wanders around the threshold changes its verdict once, not every window. Both depend only on the
 * mask state ({@link MaskStability.State#previouslyFlagged()}), so a replay decides exactly what the live run
 * decided.
 */
public final class MaskRule {
  /**
   * Events a window needs per kept dimension in the linear-combination test (the common rule of thumb for a
   * regression): a window of n events looks for combinations of at most (n - 1)/10 kept numeric dimensions.
   */
  static final int EVENTS_PER_REGRESSOR = 10;

  private MaskRule() {}

  /** The walking-skeleton rule: threshold only. */
  public static Mask apply(RedundancyReport report, double threshold) {
    return apply(report, null, MaskOptions.threshold(threshold));
  }

  /**
   * @param activeShare per dimension (all d), or null when dead-dimension detection is not wanted
   */
  public static Mask apply(MaskInput report, double[] activeShare, MaskOptions options) {
    return apply(report, activeShare, options, null);
  }

  /**
   * @param activeShare per dimension (all d), or null when dead-dimension detection is not wanted
   * @param flaggedBefore per dimension (all d): whether the mask drops it or the rule flagged it in the window
   *     before; null when there was none (every dimension is then an incumbent, judged at the plain threshold)
   */
  public static Mask apply(MaskInput report, double[] activeShare, MaskOptions options, boolean[] flaggedBefore) {
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
    boolean[] challenger = new boolean[n];
    double[] dropAt = new double[n];
    for (int a = 0; a < n; a++) {
      challenger[a] = flaggedBefore != null && flaggedBefore[nonConstant[a]];
      dropAt[a] = challenger[a] ? options.readmitThreshold() : options.threshold();
    }

    List<Mask.Drop> dropped = new ArrayList<>();
    for (int c : report.constant()) {
      if (!options.isProtected(c)) {
        dropped.add(new Mask.Drop(c, Mask.Reason.CONSTANT, -1, Double.NaN, share(activeShare, c)));
      }
    }
    List<Integer> candidates = new ArrayList<>();
    for (int a = 0; a < n; a++) {
      int dim = nonConstant[a];
      if (!options.isProtected(dim) && activeShare != null && activeShare[dim] < options.deadMaxActiveShare()) {
        dropped.add(new Mask.Drop(dim, Mask.Reason.DEAD, -1, Double.NaN, activeShare[dim]));
      } else {
        candidates.add(a);
      }
    }
    double[] importance = options.importance();
    // nonConstant is ascending, so comparing positions breaks the last ties by dimension index.
    candidates.sort(Comparator
        .comparing((Integer a) -> !options.isProtected(nonConstant[a]))
        .thenComparingDouble(a -> importance == null ? 0 : -importance[nonConstant[a]])
        .thenComparing(a -> challenger[a])
        .thenComparingDouble(a -> meanAbs[a])
        .thenComparingInt(a -> a));

    List<Integer> keptPositions = new ArrayList<>();
    KeptBasis basis = options.linearCombinations() ? new KeptBasis(n) : null;
    for (int a : candidates) {
      int partner = -1;
      double partnerCorr = 0;
      boolean multiple = false;
      double[] projection = null;
      if (!options.isProtected(nonConstant[a])) {
        for (int k : keptPositions) {
          double r = report.corrAt(a, k);
          double abs = Math.abs(r);
          if (abs >= dropAt[a]
              && (partner < 0 || abs > Math.abs(partnerCorr) || (abs == Math.abs(partnerCorr) && k < partner))) {
            partner = k;
            partnerCorr = r;
          }
        }
      }
      boolean testable = basis != null && report.isNumeric(a) && basis.size() > 0;
      if (partner < 0 && testable) {
        projection = basis.project(report, a);
        double r2 = adjustedR2(basis.squaredNorm(projection), report.count(), basis.size());
        if (!options.isProtected(nonConstant[a]) && r2 >= dropAt[a] * dropAt[a]) {
          partner = basis.strongest(report, a);
          partnerCorr = Math.sqrt(Math.min(1, r2));
          multiple = true;
        }
      }
      if (partner < 0) {
        keptPositions.add(a);
        // The basis grows only while the window has EVENTS_PER_REGRESSOR events for each of its dimensions: near
        // n regressors any further dimension is a combination of them by chance (R² → 1 at n - 1), and the
        // adjustment corrects R²'s mean there but not its spread, so verdicts would be drawn at random each window.
        if (basis != null && report.isNumeric(a)
            && report.count() - 1 >= (long) EVENTS_PER_REGRESSOR * (basis.size() + 1)) {
          basis.add(a, projection == null ? basis.project(report, a) : projection);
        }
      } else {
        dropped.add(new Mask.Drop(nonConstant[a], Mask.Reason.REDUNDANT, nonConstant[partner], partnerCorr,
            share(activeShare, nonConstant[a]), multiple));
      }
    }
    return Mask.of(report.constant().length + n, dropped);
  }

  /**
   * The published mask with every redundant drop attributed to a feature that this mask keeps. A drop's evidence
   * comes from the window that flagged it, and with {@code stableWindows > 1} its partner may since have been dropped
   * too (a serving team reading "pop redundant with cpi" next to "cpi dropped" would rightly ask what carries pop's
   * information): such a drop names instead the kept feature of largest association in {@code input}, this window's
   * (a numeric one for a linear combination, whose R stays the one that flagged it), with its association for a
   * pairwise drop. A drop whose partner is kept, or that has no kept candidate, is left as it is.
   */
  public static Mask attributeToKept(Mask mask, MaskInput input) {
    int[] nonConstant = input.nonConstant();
    int dimensions = mask.kept().size() + mask.dropped().size();
    int[] position = new int[dimensions];
    Arrays.fill(position, -1);
    for (int a = 0; a < nonConstant.length; a++) {
      position[nonConstant[a]] = a;
    }
    boolean[] kept = new boolean[dimensions];
    mask.kept().forEach(k -> kept[k] = true);
    List<Mask.Drop> drops = new ArrayList<>(mask.dropped().size());
    boolean changed = false;
    for (Mask.Drop drop : mask.dropped()) {
      int a = position[drop.dimension()];
      if (drop.reason() != Mask.Reason.REDUNDANT || drop.redundantWith() < 0 || kept[drop.redundantWith()] || a < 0) {
        drops.add(drop);
        continue;
      }
      int best = -1;
      double bestAbs = -1;
      for (int k : mask.kept()) {
        int b = position[k];
        if (b < 0 || (drop.multiple() && !input.isNumeric(b))) {
          continue;
        }
        double abs = Math.abs(input.corrAt(a, b));
        if (abs > bestAbs) { // kept is ascending, so ties keep the lower index
          best = k;
          bestAbs = abs;
        }
      }
      if (best < 0) {
        drops.add(drop);
        continue;
      }
      double corr = drop.multiple() ? drop.corr() : input.corrAt(a, position[best]);
      drops.add(new Mask.Drop(drop.dimension(), drop.reason(), best, corr, drop.activeShare(), drop.multiple()));
      changed = true;
    }
    return changed ? Mask.of(dimensions, drops) : mask;
  }

  /**
   * R² adjusted for {@code k} regressors over {@code n} events (Ezekiel's): 1 − (1 − R²)(n − 1)/(n − k − 1). The
   * sample R² of k unrelated regressors is about k/(n − 1) on average, so the plain R² would call a dimension of an
   * 768-wide embedding a combination of 700 kept ones in a window of 1,000 events; the adjusted one is about 0 there.
   */
  static double adjustedR2(double r2, long n, int k) {
    return 1 - (1 - Math.min(1, r2)) * (n - 1) / (double) (n - k - 1);
  }

  /**
   * The kept numeric dimensions as an incrementally grown Cholesky factor L of their correlation matrix, so that the
   * squared multiple correlation of a candidate x with them is R² = rᵀ C⁻¹ r = ‖L⁻¹ r‖² (r: its correlations with the
   * kept ones): O(k²) per candidate instead of a new factorisation. Every kept dimension has R² below the threshold
   * with the earlier ones, so each pivot is at least 1 − threshold² and the factor stays well conditioned.
   */
  private static final class KeptBasis {
    private final int[] members;
    private final double[][] rows; // rows[i] = row i of L, length i + 1
    private int size;

    KeptBasis(int capacity) {
      members = new int[capacity];
      rows = new double[capacity][];
    }

    /** y = L⁻¹ r by forward substitution. */
    double[] project(MaskInput input, int a) {
      double[] y = new double[size];
      for (int i = 0; i < size; i++) {
        double v = input.corrAt(a, members[i]);
        double[] row = rows[i];
        for (int j = 0; j < i; j++) {
          v -= row[j] * y[j];
        }
        y[i] = v / row[i];
      }
      return y;
    }

    double squaredNorm(double[] y) {
      double sum = 0;
      for (double v : y) {
        sum += v * v;
      }
      return sum;
    }

    int size() {
      return size;
    }

    /** The kept numeric dimension with the largest |ρ| with a (ties: lower position). */
    int strongest(MaskInput input, int a) {
      int best = members[0];
      for (int i = 1; i < size; i++) {
        int m = members[i];
        double abs = Math.abs(input.corrAt(a, m));
        double bestAbs = Math.abs(input.corrAt(a, best));
        if (abs > bestAbs || (abs == bestAbs && m < best)) {
          best = m;
        }
      }
      return best;
    }

    void add(int a, double[] projection) {
      double[] row = Arrays.copyOf(projection, size + 1);
      row[size] = Math.sqrt(Math.max(1e-12, 1 - squaredNorm(projection)));
      members[size] = a;
      rows[size++] = row;
    }
  }

  private static double share(double[] activeShare, int dim) {
    return activeShare == null ? Double.NaN : activeShare[dim];
  }

  /**
   * Enforces the budget: when more than {@code options.maxDrops(dimensions)} are dropped, the least safe drops are
   * re-admitted. Safest first: constant, then dead, then redundant by |association| descending (ties: index).
   */
  public static Mask withinBudget(Mask mask, int dimensions, MaskOptions options) {
    int max = options.maxDrops(dimensions);
    if (mask.dropped().size() <= max) {
      return mask;
    }
    List<Mask.Drop> bySafety = new ArrayList<>(mask.dropped());
    bySafety.sort(Comparator.comparingInt((Mask.Drop d) -> d.reason().ordinal())
        .thenComparingDouble(d -> Double.isNaN(d.corr()) ? 0 : -Math.abs(d.corr()))
        .thenComparingInt(Mask.Drop::dimension));
    return Mask.of(dimensions, bySafety.subList(0, max));
  }

}
