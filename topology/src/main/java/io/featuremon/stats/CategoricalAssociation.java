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
 *   E0  = (K_A − 1)(K_B − 1) / (2N)                        MI expected by chance under independence
 *   AMI = (MI − E0) / ((H_A + H_B)/2 − E0),  clamped to [0, 1]
 * </pre>
 * AMI is 0 when either side has fewer than two categories (or N = 0), and 0 when (H_A + H_B)/2 ≤ E0 (the
 * features carry no more information than chance would put into a table of that shape).
 *
 * <p><b>Why the correction.</b> Plug-in MI is biased upwards: under independence 2N·MI is the G statistic, which
 * is asymptotically χ² with (K_A − 1)(K_B − 1) degrees of freedom, so E[MI] ≈ E0 (the Miller–Madow bias). A
 * feature with many values, such as an id, therefore "shares information" with anything: an id that is unique per
 * row determines every other column exactly, MI = H_B, and MI normalised by min(H_A, H_B) is 1. Subtracting the
 * chance level from both the observed MI and the attainable maximum, as in Vinh, Epps and Bailey's adjusted mutual
 * information, ranks such a feature near 0, in the spirit of OutRank's cardinality-aware feature ranking. E0 is the
 * closed-form asymptotic expectation, cheap for a window of any size; it assumes N large against K_A·K_B, and when
 * most categories hold one or two rows it can err either way by a fraction of a nat, which moves an id-like
 * feature's AMI slightly off 0 but not towards the values of genuinely related features.
 *
 * <p><b>Range.</b> MI ≤ min(H_A, H_B) ≤ (H_A + H_B)/2, so whenever the denominator is positive the ratio is at most 1
 * (up to rounding, hence the clamp). It is below 0 when MI falls under the chance level, which independent features often
 * do; that clamps to 0. Two features that determine each other (a renamed copy: a bijection of
 * values) have MI = H_A = H_B and AMI = 1 up to rounding, provided H exceeds E0 (N not tiny against K²).
 * Symmetric in A and B. Cells and marginals are summed in value order, so the result depends on the counts only,
 * never on the order in which rows arrived or panes were merged.
 */
public final class CategoricalAssociation {
  private CategoricalAssociation() {}

  /**
   * Every quantity of the class comment, for reports and tests.
   *
   * @param mutualInformation plug-in MI in nats
   * @param expectedMutualInformation E0 = (K_A − 1)(K_B − 1) / (2N)
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

  /** MI, entropies, E0 and AMI of one table. */
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
      ha += (c / total) * Math.log(total / c);
    }
    double hb = 0;
    for (String v : b) {
      long c = table.totalB(v);
      hb += (c / total) * Math.log(total / c);
    }
    double mi = 0;
    for (Contingency.Cell cell : table.cells()) {
      double nab = cell.count();
      double expected = (double) table.totalA(cell.a()) * table.totalB(cell.b());
      mi += (nab / total) * Math.log(nab * total / expected);
    }
    double e0 = (double) (ka - 1) * (kb - 1) / (2 * total);
    double ami = 0;
    double denominator = (ha + hb) / 2 - e0;
    if (ka >= 2 && kb >= 2 && denominator > 0) {
      ami = Math.max(0, Math.min(1, (mi - e0) / denominator));
    }
    return new Details(n, ka, kb, mi, ha, hb, e0, ami);
  }

  private static List<String> sorted(List<String> values) {
    List<String> list = new ArrayList<>(values);
    list.sort(null);
    return list;
  }
}
