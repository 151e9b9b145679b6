package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RedundancyTest {

  @Test
  void shouldMatchTwoPassOracleOnAllFourMetrics() {
    double[][] rows = CoMomentsTest.gaussianRows(11, 400, 40, 3);
    RedundancyReport report = Redundancy.analyze(CoMoments.ofRows(rows, 256), 5);
    double[][] c = TwoPassOracle.correlation(rows);
    double fret = 0;
    double sq = 0;
    for (int i = 0; i < 40; i++) {
      for (int j = 0; j < 40; j++) {
        if (i != j) {
          fret += Math.abs(c[i][j]);
          sq += c[i][j] * c[i][j];
        }
      }
    }
    assertThat(report.fretL1()).isCloseTo(fret, within(1e-10 * fret));
    assertThat(report.meanAbsCorr()).isCloseTo(fret / (40 * 39), within(1e-10));
    assertThat(report.meanSqCorr()).isCloseTo(sq / (40 * 39), within(1e-10));
    assertThat(report.effectiveRank()).isBetween(1.0, 40.0);
  }

  @Test
  void effectiveRankShouldBeDimensionForIdentityAndOneForRankOne() {
    double[] identity = new double[9];
    identity[0] = identity[4] = identity[8] = 1;
    assertThat(Redundancy.effectiveRank(identity, 3)).isCloseTo(3.0, within(1e-12));
    double[] ones = {1, 1, 1, 1, 1, 1, 1, 1, 1};
    assertThat(Redundancy.effectiveRank(ones, 3)).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void shouldExcludeConstantDimensionsAndReportTopPairsStrongestFirst() {
    Random random = new Random(7);
    double[][] rows = new double[200][4];
    for (double[] row : rows) {
      row[0] = random.nextGaussian();
      row[1] = 5;
      row[2] = -2 * row[0] + 1e-3 * random.nextGaussian();
      row[3] = random.nextGaussian();
    }
    RedundancyReport report = Redundancy.analyze(CoMoments.ofRows(rows, 32), 2);
    assertThat(report.constant()).containsExactly(1);
    assertThat(report.nonConstant()).containsExactly(0, 2, 3);
    assertThat(report.topPairs()).hasSize(2);
    assertThat(report.topPairs().get(0).a()).isEqualTo(0);
    assertThat(report.topPairs().get(0).b()).isEqualTo(2);
    assertThat(report.topPairs().get(0).corr()).isLessThan(-0.99);
  }

  @Test
  void maskShouldDropOneMemberOfEachRedundantGroupAndNameTheKeptPartner() {
    Random random = new Random(8);
    double[][] rows = new double[300][5];
    for (double[] row : rows) {
      row[0] = random.nextGaussian();
      row[1] = random.nextGaussian();
      row[2] = row[0] * 3 + 1; // exact copy of 0 up to scale
      row[3] = 7;
      row[4] = random.nextGaussian();
    }
    Mask mask = MaskRule.apply(Redundancy.analyze(CoMoments.ofRows(rows, 64), 10), 0.95);
    assertThat(mask.dropped()).hasSize(2);
    assertThat(mask.dropped().get(1)).isEqualTo(new Mask.Drop(3, Mask.Reason.CONSTANT, -1, Double.NaN, Double.NaN));
    Mask.Drop redundant = mask.dropped().stream().filter(d -> d.reason() == Mask.Reason.REDUNDANT).findFirst().orElseThrow();
    // 0 and 2 tie on mean |ρ| up to rounding; whichever is visited first is kept and named as the partner.
    assertThat(redundant.redundantWith()).isIn(0, 2).isNotEqualTo(redundant.dimension());
    assertThat(mask.kept()).contains(1, 4).hasSize(3);
  }
}
