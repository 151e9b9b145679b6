package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NumericDriftTest {

  static double relative(double expected) {
    return 1e-12 * Math.max(1, Math.abs(expected));
  }

  @Test
  void shouldMatchScipyAndNumpyToRoundingWhileTheSketchesHoldEveryItem() throws Exception {
    JsonNode oracle = DriftOracle.run("numeric");
    RealData.Features wine = RealData.features("wine.jsonl");
    RealData.Features macro = RealData.features("macrodata.jsonl");
    int checked = 0;
    for (JsonNode c : oracle.get("cases")) {
      RealData.Features data = c.get("dataset").asText().equals("wine") ? wine : macro;
      int j = data.names().indexOf(c.get("feature").asText());
      int n = c.get("n").asInt();
      double[] column = data.column(j);
      NumericSketch reference = RealData.sketch(Arrays.copyOfRange(column, 0, n));
      NumericSketch current = RealData.sketch(Arrays.copyOfRange(column, n, column.length));
      assertThat(reference.isExact() && current.isExact()).isTrue();

      NumericDrift.Result r = NumericDrift.compare(reference, current);
      NumericDrift.Bins bins = NumericDrift.bins(reference, current);
      String what = c.get("dataset").asText() + " " + c.get("feature").asText();
      assertThat(bins.edges()).as(what).containsExactly(DriftOracle.doubles(c.get("edges")));
      assertThat(bins.referenceShares()).as(what).containsExactly(DriftOracle.doubles(c.get("reference_shares")),
          within(1e-15));
      assertThat(bins.currentShares()).as(what).containsExactly(DriftOracle.doubles(c.get("current_shares")),
          within(1e-15));
      assertThat(r.ks()).as(what).isCloseTo(c.get("ks").asDouble(), within(1e-15)); // scipy subtracts in another order
      assertThat(r.psi()).as(what).isCloseTo(c.get("psi").asDouble(), within(relative(c.get("psi").asDouble())));
      assertThat(r.js()).as(what).isCloseTo(c.get("js").asDouble(), within(relative(c.get("js").asDouble())));
      double w = c.get("wasserstein").asDouble();
      assertThat(r.wasserstein()).as(what).isCloseTo(w, within(1e-12 * w));
      assertThat(r.rankError()).isZero();
      checked++;
    }
    assertThat(checked).isEqualTo(13 + 12);
  }

  @Test
  void shouldAgreeWithScipyWithinTheStatedBoundOnceTheSketchesCompact() throws Exception {
    JsonNode oracle = DriftOracle.run("embedding");
    RealData.Embeddings minilm = RealData.embeddings("minilm-utils-then-net.jsonl");
    double[][] hour0 = RealData.columns(minilm.vectors(), 0, 500);
    double[][] hour1 = RealData.columns(minilm.vectors(), 500, 1000);
    int k = NumericSketch.EMBEDDING_DEFAULT_K;
    double pmfError = NumericSketch.normalizedBinError(k);
    double worstKs = 0;
    double worstW1 = 0;
    double worstShare = 0;
    for (int j = 0; j < hour0.length; j++) {
      JsonNode expected = oracle.get("dimensions").get(j);
      NumericSketch reference = RealData.sketch(hour0[j], k);
      NumericSketch current = RealData.sketch(hour1[j], k);
      assertThat(reference.isExact()).isFalse();
      NumericDrift.Result r = NumericDrift.compare(reference, current);
      double eps = reference.rankError() + current.rankError();
      assertThat(eps).isEqualTo(r.rankError()).isCloseTo(0.02659, within(1e-5));

      double ksError = Math.abs(r.ks() - expected.get("ks").asDouble());
      assertThat(ksError).as("|D - D_exact| in dimension %d", j).isLessThanOrEqualTo(eps);
      double range = expected.get("max").asDouble() - expected.get("min").asDouble();
      double w1 = r.wasserstein() * reference.standardDeviation();
      double w1Error = Math.abs(w1 - expected.get("wasserstein_raw").asDouble());
      assertThat(w1Error).as("|W1 - W1_exact| in dimension %d", j).isLessThanOrEqualTo(eps * range);
      assertThat(w1Error / reference.standardDeviation()).as("|W1/σ - exact| in dimension %d", j)
          .isLessThanOrEqualTo(r.wassersteinError());
      assertThat(r.wassersteinError()).isLessThanOrEqualTo(eps * range / reference.standardDeviation() * (1 + 1e-12));
      assertThat(reference.standardDeviation()).isCloseTo(expected.get("reference_std").asDouble(),
          within(1e-12 * expected.get("reference_std").asDouble()));

      // Bins: each edge's true rank within ε of i/10, each share within the two-sided error of the true share.
      NumericDrift.Bins bins = NumericDrift.bins(reference, current);
      double[] refSorted = hour0[j].clone();
      double[] curSorted = hour1[j].clone();
      Arrays.sort(refSorted);
      Arrays.sort(curSorted);
      for (int i = 0; i < bins.edges().length; i++) {
        double trueRank = (double) NumericSketchTest.upperBound(refSorted, bins.edges()[i]) / refSorted.length;
        assertThat(trueRank).isCloseTo((i + 1) / 10.0, within(reference.rankError() + 1.0 / refSorted.length));
      }
      double[] trueRef = trueShares(refSorted, bins.edges());
      double[] trueCur = trueShares(curSorted, bins.edges());
      for (int i = 0; i < trueRef.length; i++) {
        worstShare = Math.max(worstShare, Math.max(Math.abs(bins.referenceShares()[i] - trueRef[i]),
            Math.abs(bins.currentShares()[i] - trueCur[i])));
      }
      worstKs = Math.max(worstKs, ksError);
      worstW1 = Math.max(worstW1, w1Error / range);
    }
    assertThat(worstShare).isLessThanOrEqualTo(pmfError);
    System.out.printf("MiniLM 500 vs 500, 384 dims, k=200: worst |D error| %.5f (bound %.5f), worst |W1 error|/range"
        + " %.5f (bound %.5f), worst bin-share error %.5f (bound %.5f)%n", worstKs, 2 * NumericSketch
        .normalizedRankError(k), worstW1, 2 * NumericSketch.normalizedRankError(k), worstShare, pmfError);
  }

  static double[] trueShares(double[] sorted, double[] edges) {
    double[] shares = new double[edges.length + 1];
    double previous = 0;
    for (int i = 0; i < edges.length; i++) {
      double rank = (double) NumericSketchTest.upperBound(sorted, edges[i]) / sorted.length;
      shares[i] = rank - previous;
      previous = rank;
    }
    shares[edges.length] = 1 - previous;
    return shares;
  }

  @Test
  void shouldGiveZeroDistancesAndNoDriftForTheSameSketch() {
    NumericSketch s = RealData.sketch(NumericSketchTest.gaussian(1, 20_000));
    NumericDrift.Result r = NumericDrift.compare(s, s.copy());
    assertThat(r.ks()).isZero();
    assertThat(r.psi()).isZero();
    assertThat(r.js()).isZero();
    assertThat(r.wasserstein()).isZero();
    assertThat(r.drifted()).isFalse();
  }

  @Test
  void shouldComputeTheSketchAwareKsThresholdAsDocumented() {
    assertThat(NumericDrift.Settings.DEFAULTS.ksCoefficient()).isCloseTo(1.3581, within(1e-4));
    NumericSketch reference = RealData.sketch(NumericSketchTest.gaussian(2, 100_000));
    NumericSketch current = RealData.sketch(NumericSketchTest.gaussian(3, 100_000));
    NumericDrift.Result r = NumericDrift.compare(reference, current);
    double eps = NumericSketch.normalizedRankError(NumericSketch.DEFAULT_K);
    assertThat(r.ksThreshold()).isCloseTo(1.3581 * Math.sqrt(2.0 / 100_000) + 2 * eps, within(1e-5));
    assertThat(r.ksThreshold()).isCloseTo(0.0088, within(1e-4));
    assertThat(r.drifted()).isFalse();
  }

  @Test
  void shouldNeedBothSignificanceAndEffectSizeToCallDrift() {
    double[] base = NumericSketchTest.gaussian(4, 100_000); // mean 10, sd 3
    NumericSketch reference = RealData.sketch(base);
    // 0.05 sd: real, and significant without the sketch terms, but too small to matter.
    NumericSketch tiny = RealData.sketch(Arrays.stream(NumericSketchTest.gaussian(5, 100_000)).map(v -> v + 0.15)
        .toArray());
    NumericDrift.Result small = NumericDrift.compare(reference, tiny);
    assertThat(small.wasserstein()).isBetween(0.03, 0.08);
    assertThat(small.drifted()).isFalse();
    NumericDrift.Result lenient = NumericDrift.compare(reference, tiny, new NumericDrift.Settings(0.05, 0.01, 0.01));
    assertThat(lenient.significant()).isEqualTo(small.significant());
    // Few events: a large-looking PSI between two small samples of the same distribution is not significant.
    NumericSketch a = RealData.sketch(Arrays.copyOfRange(base, 0, 40));
    NumericSketch b = RealData.sketch(Arrays.copyOfRange(base, 40, 80));
    NumericDrift.Result few = NumericDrift.compare(a, b);
    assertThat(few.psi()).isGreaterThan(0.1);
    assertThat(few.significant()).isFalse();
    assertThat(few.drifted()).isFalse();
  }

  @Test
  void shouldTreatAConstantReferenceAsInfinitelyFarFromAnyChange() {
    NumericSketch constant = NumericSketch.of(5, 5, 5, 5, 5, 5, 5, 5, 5, 5);
    assertThat(NumericDrift.compare(constant, constant.copy()).wasserstein()).isZero();
    NumericDrift.Result moved = NumericDrift.compare(constant, NumericSketch.of(6, 6, 6, 6, 6, 6, 6, 6, 6, 6));
    assertThat(moved.wasserstein()).isInfinite();
    assertThat(moved.ks()).isEqualTo(1);
    assertThat(moved.drifted()).isTrue();
  }

  @Test
  void shouldRejectEmptyWindowsAndBadSettings() {
    assertThatThrownBy(() -> NumericDrift.compare(NumericSketch.create(), NumericSketch.of(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> new NumericDrift.Settings(0, 0.1, 0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new NumericDrift.Settings(0.05, -1, 0.1)).isInstanceOf(IllegalArgumentException.class);
  }
}
