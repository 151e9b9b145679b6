package io.featuremon.stats.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class TrendTestTest {

  static double close(double expected) {
    return 1e-12 * Math.max(1e-6, Math.abs(expected));
  }

  @Test
  void shouldMatchTheScipyBasedMannKendallOnRandomTrendingTiedAndShortSeries() throws Exception {
    JsonNode oracle = DriftOracle.run("trend");
    int rising = 0;
    for (JsonNode c : oracle.get("cases")) {
      String what = c.get("name").asText();
      JsonNode e = c.get("expected");
      TrendTest.MannKendall r = TrendTest.mannKendall(DriftOracle.doubles(c.get("series")), c.get("alpha").asDouble());
      assertThat(r.n()).as(what).isEqualTo(e.get("n").asInt());
      assertThat(r.s()).as(what).isEqualTo(e.get("s").asLong());
      assertThat(r.variance()).as(what).isEqualTo(e.get("variance").asDouble());
      assertThat(r.z()).as(what).isCloseTo(e.get("z").asDouble(), within(close(e.get("z").asDouble())));
      for (String p : new String[] {"p_two_sided", "p_rising", "p_falling"}) {
        double expected = e.get(p).asDouble();
        double actual = p.equals("p_two_sided") ? r.pTwoSided() : p.equals("p_rising") ? r.pRising() : r.pFalling();
        assertThat(actual).as("%s %s", what, p).isCloseTo(expected, within(1e-13 + 1e-11 * expected));
      }
      assertThat(r.senSlope()).as(what).isCloseTo(e.get("sen_slope").asDouble(),
          within(close(e.get("sen_slope").asDouble())));
      assertThat(r.rising()).as(what).isEqualTo(e.get("rising").asBoolean());
      rising += r.rising() ? 1 : 0;
    }
    assertThat(rising).as("the oracle's series include rising ones").isGreaterThanOrEqualTo(4);
  }

  @Test
  void shouldCallAClimbingRedundancySeriesRisingAndAFlatOneNot() {
    double[] climbing = {0.31, 0.30, 0.33, 0.34, 0.33, 0.36, 0.38, 0.37, 0.40, 0.41};
    TrendTest.MannKendall up = TrendTest.mannKendall(climbing, 0.05);
    assertThat(up.s()).isEqualTo(38);
    assertThat(up.rising()).isTrue();
    assertThat(up.senSlope()).isCloseTo(0.011667, within(1e-6));
    double[] flat = {0.31, 0.30, 0.31, 0.29, 0.30, 0.31, 0.30, 0.29, 0.31, 0.30};
    assertThat(TrendTest.mannKendall(flat, 0.05).rising()).isFalse();
    double[] falling = {0.5, 0.45, 0.44, 0.40, 0.38, 0.35, 0.30, 0.28, 0.25, 0.2};
    TrendTest.MannKendall down = TrendTest.mannKendall(falling, 0.05);
    assertThat(down.rising()).isFalse();
    assertThat(down.pFalling()).isLessThan(0.001);
  }

  @Test
  void shouldHandleShortAndConstantSeriesWithoutATrend() {
    for (double[] series : new double[][] {{}, {1}, {2, 2, 2, 2}}) {
      TrendTest.MannKendall r = TrendTest.mannKendall(series, 0.05);
      assertThat(r.s()).isZero();
      assertThat(r.z()).isZero();
      assertThat(r.pTwoSided()).isEqualTo(1);
      assertThat(r.rising()).isFalse();
    }
  }

  @Test
  void shouldRejectNonFiniteValuesAndBadAlpha() {
    assertThatThrownBy(() -> TrendTest.mannKendall(new double[] {1, Double.NaN, 3}, 0.05))
        .hasMessageContaining("series[1]");
    assertThatThrownBy(() -> TrendTest.mannKendall(new double[] {1, 2, 3}, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrendTest.senSlope(new double[] {1})).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldComputeNormalAndChiSquareTailsToDoublePrecision() {
    // Reference values: scipy.stats.norm.sf and chi2.sf.
    assertThat(SpecialFunctions.normalUpperTail(1.9599639845400545)).isCloseTo(0.025, within(1e-15));
    assertThat(SpecialFunctions.normalUpperTail(0)).isCloseTo(0.5, within(1e-15));
    assertThat(SpecialFunctions.normalUpperTail(-1.6448536269514722)).isCloseTo(0.95, within(1e-15));
    assertThat(SpecialFunctions.normalUpperTail(8)).isCloseTo(6.22096057427174e-16, within(1e-28));
    assertThat(SpecialFunctions.chiSquareUpperTail(3.8414588206941285, 1)).isCloseTo(0.05, within(1e-15));
    assertThat(SpecialFunctions.chiSquareUpperTail(30, 10)).isCloseTo(8.56641210775301e-4, within(1e-17));
  }
}
