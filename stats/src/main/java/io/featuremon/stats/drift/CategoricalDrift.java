package io.featuremon.stats.drift;

import io.featuremon.stats.CategoryCounts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Drift of one categorical feature between a reference and a current window, from each window's capped counts
 * ({@link CategoryCounts}): the values of smallest hash key it saw, each with its exact count (a coordinated sample:
 * the same hash in both windows), the rest in OTHER.
 *
 * <h2>The compared table</h2>
 * The two windows are compared on a common partition, like with like:
 * <ol>
 *   <li><b>Cells.</b> τ = the smaller of the two thresholds (+∞ for a window that never evicted). Every tracked value
 *       with key ≤ τ is a cell, with its exact count in both windows (0 where it was not seen); everything else is
 *       OTHER in both, OTHER = total − cells. Exact, whatever the cardinality.</li>
 *   <li><b>Pooling.</b> The chi-square test needs expected counts of at least 5. Walking the cells in key order, a
 *       bucket closes as soon as its smaller expected count, (r + c)·min(n, m)/(n + m), reaches 5: a frequent value
 *       is a bucket of its own, rare ones are pooled with their key neighbours (a random grouping, since keys are
 *       hashes, that depends only on the column totals, as the usual "combine small categories" rule does). A
 *       sparse rest joins the last bucket, or OTHER when there is none; a sparse OTHER takes the last bucket in.
 *       Every bucket but OTHER is still an exact count in both windows. Deterministic. The table is what
 *       {@link Result#buckets()}, {@link Result#referenceTable()} and {@link Result#currentTable()} give.</li>
 * </ol>
 * With at most K (the counts' cap, stats.categorical.maxCategories) distinct values in both windows every number
 * below is exact: the partition is all values, pooled only by the validity rule. Above K, a shift that only moves
 * events between untracked values is invisible (both sides are OTHER); a shift into or out of them still moves
 * OTHER's share. The windows may have different caps (a reference built under another setting): the partition is
 * cut at the smaller threshold all the same.
 *
 * <h2>Measures</h2>
 * <ul>
 *   <li><b>psi</b> over the buckets of the table, shares floored at 1e-4 (as for numeric features);
 *   <li><b>js</b>: Jensen–Shannon distance, base 2, over the unfloored bucket shares;
 *   <li><b>chiSquare</b>, <b>pValue</b>: Pearson's chi-square test of homogeneity on the 2 × buckets table of counts
 *       (no continuity correction; {@code scipy.stats.chi2_contingency(table, correction=False)});
 *   <li><b>unseenShare</b>, estimated on the cells before pooling: the current events of cells the reference never
 *       saw over the current events of all cells (exact when neither window evicted, OTHER then being the reserved
 *       literal, counted as a value). A ratio estimate over a uniform sample of values: unbiased for the share of
 *       distinct values, noisy for the share of events when few heavy values dominate. 0 when no cell holds a
 *       current event;
 *   <li><b>referenceMissingMass</b>: Good–Turing's estimate of the share of events from values a window of the
 *       reference's size would not have seen, the reference's singletons over its events, estimated on the same
 *       cells. A stationary feature with more values than events (100,000 values, 5,000 events a window) sees
 *       mostly new values in every window: unseenShare ≈ 0.95, but so is the missing mass.
 * </ul>
 * psi, js and chiSquare on the partition are never more than on all values (coarsening can only lose divergence;
 * PSI up to its 1e-4 share floor): the cap makes drift harder to see, never easier.
 *
 * <h2>The verdict</h2>
 * {@code drifted} = pValue &lt; alpha (the difference is real, given both sample sizes) and (psi ≥ minPsi or
 * unseenExcess ≥ minUnseenShare) (it is large enough to matter): the same two-part rule as {@link NumericDrift}, for
 * the same reason — at 100,000 events a chi-square test rejects for differences nobody should be paged for. The unseen
 * arm is there because PSI barely notices new values that are each rare: 10% of the current events spread over 10,000
 * new values, one event each, pooled with their key neighbours and displacing all others evenly, moves PSI by only
 * about 0.01 on the real wine magnesium values (one new value taking those 10% is a bucket of its own that the
 * reference lacks: PSI about 0.7). unseenExcess is unseenShare − referenceMissingMass less two binomial standard errors
 * of the two estimates (both rest on the sampled values' events only: about K·n/distinct events at very high
 * cardinality); exact windows use the plain difference. So an id-like feature, new values all the time in both windows,
 * stays quiet: its new values are as expected, and its buckets keep their shares, so the test does not reject.
 */
public final class CategoricalDrift {
  private CategoricalDrift() {}

  /**
   * @param alpha significance level of the chi-square test, in (0, 1)
   * @param minPsi smallest PSI that counts as relevant
   * @param minUnseenShare smallest excess of the share of current events with values the reference never had over
   *     the reference's missing mass that counts as relevant
   */
  public record Settings(double alpha, double minPsi, double minUnseenShare) {
    public static final Settings DEFAULTS = new Settings(0.05, 0.1, 0.05);

    public Settings {
      if (!(alpha > 0 && alpha < 1)) {
        throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
      }
      if (!(minPsi >= 0) || !(minUnseenShare >= 0)) {
        throw new IllegalArgumentException("minPsi and minUnseenShare must be >= 0, got " + minPsi + " and "
            + minUnseenShare);
      }
    }
  }

  /**
   * The comparison of two windows (see the class comment).
   *
   * @param buckets the values of each bucket of the table but OTHER, in key order (one value, or several pooled)
   * @param hasOther whether the table has an OTHER bucket (last)
   * @param referenceTable the reference counts per bucket, OTHER last if present
   * @param currentTable the current counts, same order
   * @param unseenExcess unseenShare − referenceMissingMass at two standard errors below (equal when exact): what
   *     the relevance arm compares with minUnseenShare
   * @param exact true when neither window evicted a value: every count, and unseenShare, is exact
   */
  public record Result(long referenceCount, long currentCount, List<List<String>> buckets, boolean hasOther,
      long[] referenceTable, long[] currentTable, double psi, double js, double unseenShare,
      double referenceMissingMass, double unseenExcess, double chiSquare, int degreesOfFreedom, double pValue,
      boolean exact, boolean drifted) {}

  /** The smallest expected count a cell of the chi-square table keeps its own column with. */
  static final double MIN_EXPECTED = 5;

  /**
   * Drift between two windows' capped counts, on their common partition (see the class comment).
   *
   * @throws IllegalArgumentException for a window without non-missing values
   */
  public static Result compare(CategoryCounts reference, CategoryCounts current, Settings settings) {
    long n = reference.total();
    long m = current.total();
    if (n == 0 || m == 0) {
      throw new IllegalArgumentException("the " + (n == 0 ? "reference" : "current") + " window has no events");
    }
    // 1. Cells: tracked somewhere and covered (exactly counted) by both.
    LinkedHashSet<String> candidates = new LinkedHashSet<>(reference.buckets());
    candidates.addAll(current.buckets());
    List<String> cells = new ArrayList<>();
    for (String v : candidates) {
      if (reference.covers(v) && current.covers(v)) {
        cells.add(v);
      }
    }
    boolean exact = !reference.isSampled() && !current.isSampled();
    // 2. unseenShare and the reference's missing mass, on the cells (OTHER is a value of its own when exact).
    long unseen = 0;
    long currentInCells = 0;
    long singletons = 0;
    long referenceInCells = 0;
    for (String v : cells) {
      long r = reference.count(v);
      long c = current.count(v);
      unseen += r == 0 ? c : 0;
      currentInCells += c;
      singletons += r == 1 ? 1 : 0;
      referenceInCells += r;
    }
    if (exact) {
      long r = reference.otherCount();
      long c = current.otherCount();
      unseen += r == 0 ? c : 0;
      currentInCells += c;
      singletons += r == 1 ? 1 : 0;
      referenceInCells += r;
    }
    double unseenShare = currentInCells == 0 ? 0 : (double) unseen / currentInCells;
    double missingMass = referenceInCells == 0 ? 0 : (double) singletons / referenceInCells;
    // 3. Pooling by the expected-count rule, in key order: a bucket closes once its expected count passes.
    double smaller = (double) Math.min(n, m) / ((double) n + m);
    cells.sort(CategoryCounts.BY_KEY);
    List<List<String>> groups = new ArrayList<>();
    List<long[]> sums = new ArrayList<>();
    List<String> open = new ArrayList<>();
    long openRef = 0;
    long openCur = 0;
    long otherRef = n;
    long otherCur = m;
    for (String v : cells) {
      long r = reference.count(v);
      long c = current.count(v);
      otherRef -= r;
      otherCur -= c;
      open.add(v);
      openRef += r;
      openCur += c;
      if ((openRef + openCur) * smaller >= MIN_EXPECTED) {
        groups.add(List.copyOf(open));
        sums.add(new long[] {openRef, openCur});
        open.clear();
        openRef = 0;
        openCur = 0;
      }
    }
    if (!open.isEmpty()) { // the sparse rest joins the last bucket, or OTHER when there is none
      if (groups.isEmpty()) {
        otherRef += openRef;
        otherCur += openCur;
      } else {
        List<String> last = new ArrayList<>(groups.remove(groups.size() - 1));
        last.addAll(open);
        groups.add(List.copyOf(last));
        sums.get(sums.size() - 1)[0] += openRef;
        sums.get(sums.size() - 1)[1] += openCur;
      }
    }
    if (otherRef + otherCur > 0 && (otherRef + otherCur) * smaller < MIN_EXPECTED && !groups.isEmpty()) {
      // A sparse OTHER takes the last bucket in.
      groups.remove(groups.size() - 1);
      long[] last = sums.remove(sums.size() - 1);
      otherRef += last[0];
      otherCur += last[1];
    }
    boolean hasOther = otherRef + otherCur > 0;
    int buckets = groups.size() + (hasOther ? 1 : 0);
    long[] refTable = new long[buckets];
    long[] curTable = new long[buckets];
    for (int i = 0; i < groups.size(); i++) {
      refTable[i] = sums.get(i)[0];
      curTable[i] = sums.get(i)[1];
    }
    if (hasOther) {
      refTable[buckets - 1] = otherRef;
      curTable[buckets - 1] = otherCur;
    }
    // 4. The measures on the pooled table.
    double[] r = new double[buckets];
    double[] c = new double[buckets];
    double chiSquare = 0;
    for (int i = 0; i < buckets; i++) {
      r[i] = (double) refTable[i] / n;
      c[i] = (double) curTable[i] / m;
      double column = refTable[i] + curTable[i];
      double expectedRef = column * n / ((double) n + m);
      double expectedCur = column * m / ((double) n + m);
      chiSquare += square(refTable[i] - expectedRef) / expectedRef + square(curTable[i] - expectedCur) / expectedCur;
    }
    double psi = Divergences.psi(r, c);
    double js = Divergences.jensenShannonDistance(r, c);
    int df = buckets - 1;
    double pValue = df == 0 ? 1 : SpecialFunctions.chiSquareUpperTail(chiSquare, df);
    // Both shares are estimated on the sampled values' events only: the relevance arm takes the excess at two
    // standard errors below its estimate (binomial on those events), so a handful of sampled events cannot make it.
    double excessLowerBound = unseenShare - missingMass - 2 * Math.sqrt(
        (currentInCells == 0 ? 0.25 : unseenShare * (1 - unseenShare) / currentInCells)
        + (referenceInCells == 0 ? 0.25 : missingMass * (1 - missingMass) / referenceInCells));
    if (exact) {
      excessLowerBound = unseenShare - missingMass; // nothing sampled: the shares are exact
    }
    boolean relevant = psi >= settings.minPsi() || excessLowerBound >= settings.minUnseenShare();
    boolean drifted = pValue < settings.alpha() && relevant;
    return new Result(n, m, List.copyOf(groups), hasOther, refTable, curTable, psi, js, unseenShare,
        missingMass, excessLowerBound, chiSquare, df, pValue, exact, drifted);
  }

  private static double square(double x) {
    return x * x;
  }
}
