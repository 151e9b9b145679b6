package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Numeric drift against scipy and numpy on generated windows (scripts/drift_oracle.py generated): normal, lognormal,
 * Cauchy and Poisson(1.5) integers, 1,000 / 50,000 / 200,000 values per window, no shift, plus a +0.5 σ location
 * shift at 50,000. The oracle computes {@code ks_2samp}, {@code wasserstein_distance / np.std(ref)},
 * {@code jensenshannon(base=2)} and the numpy PSI recipe of {@link NumericDrift} on the raw values.
 *
 * <p>Exact regime: a sketch holds every item while n ≤ k, so at the default k (n = 1,000) and at k = 65,535
 * (n = 50,000) every number must equal the recipe to 1e-12. Sketch regime: at the default k and at the embedding
 * default k = 200, each number must be within its stated bound, the bound itself must be printed, and no unshifted
 * pair may be called drifted while every shifted one is.
 */
class NumericDriftAccuracyTest {
  static NumericSketch sketch(JsonNode c, String side, int k) throws Exception {
    return RealData.sketch(DriftOracle.generatedValues(c.get(side).asText()), k);
  }

  static String name(JsonNode c) {
    return c.get("name").asText() + " n=" + c.get("n").asInt() + " shift " + c.get("shift").asText();
  }

  @Test
  void shouldEqualScipyAndTheNumpyPsiRecipeWhileTheSketchesHoldEveryItem() throws Exception {
    int checked = 0;
    for (JsonNode c : DriftOracle.run("generated").get("cases")) {
      int n = c.get("n").asInt();
      int k = n <= NumericSketch.DEFAULT_K ? NumericSketch.DEFAULT_K : n <= KllSketch.MAX_K ? KllSketch.MAX_K : 0;
      if (k == 0) {
        continue;
      }
      NumericSketch reference = sketch(c, "reference", k);
      NumericSketch current = sketch(c, "current", k);
      assertThat(reference.isExact() && current.isExact()).isTrue();
      NumericDrift.Result r = NumericDrift.compare(reference, current);
      NumericDrift.Bins bins = NumericDrift.bins(reference, current);
      String what = name(c) + " k=" + k;
      assertThat(bins.edges()).as(what).containsExactly(DriftOracle.doubles(c.get("edges")));
      assertThat(bins.referenceShares()).as(what).containsExactly(DriftOracle.doubles(c.get("reference_shares")));
      assertThat(bins.currentShares()).as(what).containsExactly(DriftOracle.doubles(c.get("current_shares")));
      assertThat(r.ks()).as(what).isCloseTo(c.get("ks").asDouble(), within(1e-15));
      for (String field : new String[] {"psi", "js", "wasserstein"}) {
        double expected = c.get(field).asDouble();
        double actual = field.equals("psi") ? r.psi() : field.equals("js") ? r.js() : r.wasserstein();
        assertThat(actual).as("%s %s", what, field).isCloseTo(expected, within(1e-12 * Math.max(1e-3, expected)));
      }
      assertThat(r.rankError()).isZero();
      assertThat(r.wassersteinError()).isZero();
      checked++;
    }
    assertThat(checked).isEqualTo(4 * 3); // 1,000 and 50,000 (no shift and shifted) for each distribution
  }

  @Test
  void shouldStayWithinTheStatedBoundsOnceTheSketchesCompactAndNotCallSketchErrorDrift() throws Exception {
    for (int k : new int[] {NumericSketch.DEFAULT_K, NumericSketch.EMBEDDING_DEFAULT_K}) {
      double pmfError = NumericSketch.normalizedBinError(k);
      for (JsonNode c : DriftOracle.run("generated").get("cases")) {
        double[] ref = DriftOracle.generatedValues(c.get("reference").asText());
        double[] cur = DriftOracle.generatedValues(c.get("current").asText());
        if (ref.length <= k) {
          continue;
        }
        NumericSketch reference = RealData.sketch(ref, k);
        NumericSketch current = RealData.sketch(cur, k);
        assertThat(reference.isExact()).isFalse();
        NumericDrift.Result r = NumericDrift.compare(reference, current);
        String what = name(c) + " k=" + k;
        double ksError = Math.abs(r.ks() - c.get("ks").asDouble());
        double w1Error = Math.abs(r.wasserstein() - c.get("wasserstein").asDouble());
        assertThat(ksError).as("|D - D_exact|, %s", what).isLessThanOrEqualTo(r.rankError());
        assertThat(w1Error).as("|W1/σ - exact|, %s", what).isLessThanOrEqualTo(r.wassersteinError());
        // The bound is never looser than the plain ε·(max − min)/σ, whatever the tails.
        double range = Math.max(reference.max(), current.max()) - Math.min(reference.min(), current.min());
        assertThat(r.wassersteinError()).isLessThanOrEqualTo(r.rankError() * range / reference.standardDeviation()
            * (1 + 1e-12));

        // Bins: each edge's true rank within ε_r of the decile it stands for (the deciles that tie drop out), and
        // each share within the two-sided error of the true share between the same edges.
        NumericDrift.Bins bins = NumericDrift.bins(reference, current);
        double[] refSorted = ref.clone();
        double[] curSorted = cur.clone();
        Arrays.sort(refSorted);
        Arrays.sort(curSorted);
        double[] trueRef = NumericDriftTest.trueShares(refSorted, bins.edges());
        double[] trueCur = NumericDriftTest.trueShares(curSorted, bins.edges());
        double worstShare = 0;
        for (int i = 0; i < trueRef.length; i++) {
          worstShare = Math.max(worstShare, Math.max(Math.abs(bins.referenceShares()[i] - trueRef[i]),
              Math.abs(bins.currentShares()[i] - trueCur[i])));
        }
        assertThat(worstShare).as("bin shares, %s", what).isLessThanOrEqualTo(pmfError);
        for (double edge : bins.edges()) {
          double below = (double) lowerBound(refSorted, edge) / refSorted.length;
          double atMost = (double) NumericSketchTest.upperBound(refSorted, edge) / refSorted.length;
          boolean nearADecile = false;
          for (int i = 1; i < NumericDrift.BINS; i++) {
            nearADecile |= i / 10.0 >= below - reference.rankError() && i / 10.0 <= atMost + reference.rankError();
          }
          assertThat(nearADecile).as("edge %s of %s has true rank [%s, %s]", edge, what, below, atMost).isTrue();
        }

        boolean shifted = !c.get("shift").asText().equals("none");
        assertThat(r.drifted()).as("drifted, %s", what).isEqualTo(shifted);
        if (!shifted) {
          assertThat(r.wasserstein() - r.wassersteinError()).as("W1 arm, %s", what).isLessThan(0.1);
        }
        System.out.printf("%-34s KS %.5f exact %.5f (bound %.5f) | W1/σ %.5f exact %.5f (bound %.5f) | PSI %.6f"
            + " exact %.6f | JS %.5f exact %.5f | shares within %.5f (bound %.5f) | drifted %s%n", what, r.ks(),
            c.get("ks").asDouble(), r.rankError(), r.wasserstein(), c.get("wasserstein").asDouble(),
            r.wassersteinError(), r.psi(), c.get("psi").asDouble(), r.js(), c.get("js").asDouble(), worstShare,
            pmfError, r.drifted());
      }
    }
  }

  @Test
  void shouldNotLetSketchErrorAloneMakeAThousandHeavyTailedValuesLookRelevantAtTheEmbeddingK() throws Exception {
    // The finding's case: at k = 200 and n = 1,000 identical heavy-tailed distributions read W1/σ past 0.1 from sketch
    // error alone. The bound must cover the error and keep the W1 arm below its threshold.
    for (JsonNode c : DriftOracle.run("generated").get("cases")) {
      if (c.get("n").asInt() != 1000) {
        continue;
      }
      NumericSketch reference = sketch(c, "reference", NumericSketch.EMBEDDING_DEFAULT_K);
      NumericSketch current = sketch(c, "current", NumericSketch.EMBEDDING_DEFAULT_K);
      NumericDrift.Result r = NumericDrift.compare(reference, current);
      double exact = c.get("wasserstein").asDouble();
      assertThat(Math.abs(r.wasserstein() - exact)).as(name(c)).isLessThanOrEqualTo(r.wassersteinError());
      if (exact < 0.1) {
        assertThat(r.wasserstein() - r.wassersteinError()).as(name(c)).isLessThan(0.1);
      }
      System.out.printf("k=200 %-28s W1/σ %.5f exact %.5f bound %.5f%n", name(c), r.wasserstein(), exact,
          r.wassersteinError());
    }
  }

  static int lowerBound(double[] sorted, double x) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < x) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
