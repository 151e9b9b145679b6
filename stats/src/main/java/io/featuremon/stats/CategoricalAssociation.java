package io.featuremon.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * Association of two categorical features: chance-adjusted, normalised mutual information, from a
 * {@link Contingency} table.
 *
 * <p>With N rows, cell counts n_ab, marginals n_a and n_b, and K_A, K_B the numbers of non-empty categories of
 * each side (OTHER counts as one), all logarithms natural (nats):
 * <pre>
 *   MI  = Σ_ab (n_ab / N) ln(n_ab N / (n_a n_b))          plug-in mutual information
 *   H_A = Σ_a (n_a / N) ln(N / n_a),  H_B likewise         plug-in entropies
 *   EMI = Σ_ab Σ_k P(k; N, n_a, n_b) (k / N) ln(k N / (n_a n_b))
 *                                                          MI expected by chance: exact, under the hypergeometric
 *                                                          model of tables with these margins
 *   AMI = (MI − EMI) / ((H_A + H_B)/2 − EMI),  clamped to [0, 1]
 * </pre>
 * This is Vinh, Epps and Bailey's AMI (2010) with the arithmetic-mean normaliser, scikit-learn's
 * {@code adjusted_mutual_info_score} (tested against it to 1e-9). AMI is 0 when either side has fewer than two
 * categories (or N = 0), and 0 when (H_A + H_B)/2 ≤ EMI (the features carry no more information than chance would
 * put into a table of those margins).
 *
 * <p><b>Why the correction.</b> Plug-in MI is biased upwards: a feature with many values, such as an id, "shares
 * information" with anything: an id unique per row determines every other column, MI = H_B, and MI normalised by
 * min(H_A, H_B) is 1. Subtracting the chance level from both the observed MI and the attainable maximum ranks such
 * a feature near 0, in the spirit of OutRank's cardinality-aware feature ranking. The asymptotic chance level
 * (K_A − 1)(K_B − 1)/(2N) that an earlier version used is wrong exactly where it matters, when categories are many
 * for the window: a 70 % copy over 32 categories in 150 rows scored 0 instead of 0.574.
 *
 * <p><b>Cost, bounded.</b> For each cell the hypergeometric P(k) is walked outwards from its mode with the ratio
 * P(k+1)/P(k) = (n_a − k)(n_b − k) / ((k + 1)(N − n_a − n_b + k + 1)), normalised by the sum of the weights walked,
 * which is exact to rounding without log-gamma differences of huge numbers; the walk stops where a weight falls
 * below 1e-18 of the mode's (the distribution is unimodal, so the rest is smaller still). That is about 20 standard
 * deviations each side, sqrt(min(n_a, n_b)) at most: a 33 × 33 table (the category cap) of a million rows costs a
 * few million steps, once per pair and window.
 *
 * <p><b>Range.</b> MI ≤ min(H_A, H_B) ≤ (H_A + H_B)/2, so whenever the denominator is positive the ratio is at most
 * 1 (up to rounding, hence the clamp). It is below 0 when MI falls under the chance level, which independent features
 * often do; that clamps to 0. Symmetric in A and B. Cells and marginals are summed in value order, so the result
 * depends on the counts only, never on the order in which rows arrived or panes were merged.
 */
public final class CategoricalAssociation {
  private CategoricalAssociation() {}

  /**
   * Every quantity of the class comment, for reports and tests.
   *
   * @param mutualInformation plug-in MI in nats
   * @param expectedMutualInformation EMI, the exact expectation under the hypergeometric model
   * @param adjusted the AMI in [0, 1]
   */
  public record Details(long count, int categoriesA, int categoriesB, double mutualInformation, double entropyA,
      double entropyB, double expectedMutualInformation, double adjusted) {

    /** MI / ((H_A + H_B)/2): normalised but not chance-corrected, for comparison; 0 when undefined. */
    public double normalizedMutualInformation() {
      double mean = (entropyA + entropyB) / 2;
      return mean > 0 ? Math.min(1, mutualInformation / mean) : 0;
    }
  }

  /** AMI ∈ [0, 1]; see the class comment. */
  public static double adjustedMutualInformation(Contingency table) {
    return analyze(table).adjusted();
  }

  /** MI, entropies, EMI and AMI of one table. */
  public static Details analyze(Contingency table) {
    long n = table.total();
    List<String> a = sorted(table.valuesA());
    List<String> b = sorted(table.valuesB());
    int ka = a.size();
    int kb = b.size();
    if (n == 0) {
      return new Details(0, ka, kb, 0, 0, 0, 0, 0);
    }
    double total = n;
    double ha = 0;
    for (String v : a) {
      long c = table.totalA(v);
      ha += (c / total) * StrictMath.log(total / c);
    }
    double hb = 0;
    for (String v : b) {
      long c = table.totalB(v);
      hb += (c / total) * StrictMath.log(total / c);
    }
    double mi = 0;
    for (Contingency.Cell cell : table.cells()) {
      double nab = cell.count();
      double expected = (double) table.totalA(cell.a()) * table.totalB(cell.b());
      mi += (nab / total) * StrictMath.log(nab * total / expected);
    }
    double e0 = 0;
    if (ka >= 2 && kb >= 2) {
      long[] ma = new long[ka];
      long[] mb = new long[kb];
      for (int i = 0; i < ka; i++) {
        ma[i] = table.totalA(a.get(i));
      }
      for (int j = 0; j < kb; j++) {
        mb[j] = table.totalB(b.get(j));
      }
      e0 = expectedMutualInformation(ma, mb, n);
    }
    double ami = 0;
    double denominator = (ha + hb) / 2 - e0;
    if (ka >= 2 && kb >= 2 && denominator > 0) {
      ami = Math.max(0, Math.min(1, (mi - e0) / denominator));
    }
    return new Details(n, ka, kb, mi, ha, hb, e0, ami);
  }

  /**
   * The exact expected mutual information, in nats, of tables with margins {@code a} and {@code b} (each summing to
   * {@code n}) under the hypergeometric model; see the class comment for the method and its cost.
   */
  public static double expectedMutualInformation(long[] a, long[] b, long n) {
    double emi = 0;
    for (long ai : a) {
      for (long bj : b) {
        emi += cellExpectation(ai, bj, n);
      }
    }
    return emi;
  }

  /** Weights below this share of the mode's are left out: their sum is far below a double's resolution. */
  private static final double NEGLIGIBLE = 1e-18;

  /** E[(k/N) ln(kN/(a b))] for k hypergeometric with population n, a successes, b draws. */
  static double cellExpectation(long a, long b, long n) {
    long lo = Math.max(0, a + b - n);
    long hi = Math.min(a, b);
    if (hi <= 0 || lo == hi) {
      return lo == hi && lo > 0 ? (lo / (double) n) * StrictMath.log((double) lo * n / ((double) a * b)) : 0;
    }
    long mode = Math.max(lo, Math.min(hi, (long) Math.floor((a + 1.0) * (b + 1.0) / (n + 2.0))));
    double rest = (double) n - a - b; // N − a − b, negative when a + b > N
    double weights = 1;
    double sum = term(mode, a, b, n);
    double w = 1;
    for (long k = mode; k < hi; k++) {
      w *= ((double) (a - k) * (b - k)) / ((k + 1.0) * (rest + k + 1.0));
      if (w < NEGLIGIBLE) {
        break;
      }
      weights += w;
      sum += w * term(k + 1, a, b, n);
    }
    w = 1;
    for (long k = mode; k > lo; k--) {
      w *= ((double) k * (rest + k)) / ((double) (a - k + 1) * (b - k + 1));
      if (w < NEGLIGIBLE) {
        break;
      }
      weights += w;
      sum += w * term(k - 1, a, b, n);
    }
    return sum / weights;
  }

  private static double term(long k, long a, long b, long n) {
    return k == 0 ? 0 : (k / (double) n) * StrictMath.log((double) k * n / ((double) a * b));
  }

  private static List<String> sorted(List<String> values) {
    List<String> list = new ArrayList<>(values);
    list.sort(null);
    return list;
  }
}
