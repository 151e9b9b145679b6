package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CoMomentsTest {

  static double[][] gaussianRows(long seed, int n, int d, double offset) {
    Random random = new Random(seed);
    double[][] rows = new double[n][d];
    for (int r = 0; r < n; r++) {
      double common = random.nextGaussian();
      for (int j = 0; j < d; j++) {
        rows[r][j] = offset + random.nextGaussian() + (j % 3) * common;
      }
    }
    return rows;
  }

  static void assertMatchesOracle(CoMoments m, double[][] rows, double relative) {
    double[][] expected = TwoPassOracle.comoments(rows);
    double[] mean = TwoPassOracle.means(rows);
    int d = rows[0].length;
    assertThat(m.count()).isEqualTo(rows.length);
    for (int i = 0; i < d; i++) {
      assertThat(m.header().mean()[i]).isCloseTo(mean[i], within(relative * Math.max(1, Math.abs(mean[i]))));
      double scale = Math.sqrt(expected[i][i]);
      for (int j = 0; j < d; j++) {
        double tolerance = relative * scale * Math.sqrt(expected[j][j]);
        assertThat(m.comoment(i, j)).as("M2[%d][%d]", i, j).isCloseTo(expected[i][j], within(tolerance));
      }
    }
  }

  @Test
  void shouldMatchTwoPassOracleAcrossTileBoundaries() {
    double[][] rows = gaussianRows(1, 700, 300, 0); // 300 = 2 full tiles + a partial one
    assertMatchesOracle(CoMoments.ofRows(rows, 256), rows, 1e-12);
  }

  @Test
  void shouldStayAccurateWithLargeCommonOffset() {
    // Raw power sums lose about 12 digits here; centred batched updates must not.
    double[][] rows = gaussianRows(2, 2000, 20, 1e6);
    assertMatchesOracle(CoMoments.ofRows(rows, 256), rows, 1e-9);
  }

  @Test
  void shouldKeepMatrixExactlySymmetric() {
    CoMoments m = CoMoments.ofRows(gaussianRows(3, 300, 140, 5), 64);
    for (int i = 0; i < 140; i++) {
      for (int j = 0; j < 140; j++) {
        assertThat(m.comoment(i, j)).isEqualTo(m.comoment(j, i));
      }
    }
  }

  @Test
  void shouldDetectConstantDimensionExactlyWhateverTheValue() {
    double[][] rows = gaussianRows(4, 500, 5, 0);
    for (double[] row : rows) {
      row[2] = 0.1; // 0.1 is not representable: summing it would leave a non-zero residue
    }
    CoMoments m = CoMoments.ofRows(rows, 7);
    assertThat(m.header().isConstant(2)).isTrue();
    assertThat(m.header().isConstant(1)).isFalse();
  }

  @Property(tries = 40)
  void mergingPartsEqualsFoldingTheWhole(@ForAll @IntRange(min = 1, max = 300) int split,
      @ForAll @IntRange(min = 1, max = 64) int batch, @ForAll @IntRange(min = 0, max = 1000) int seed) {
    double[][] rows = gaussianRows(seed, 301, 9, 100);
    double[][] left = java.util.Arrays.copyOfRange(rows, 0, split);
    double[][] right = java.util.Arrays.copyOfRange(rows, split, rows.length);
    CoMoments merged = CoMoments.ofRows(left, batch).merge(CoMoments.ofRows(right, batch));
    assertMatchesOracle(merged, rows, 1e-12);
  }

  @Test
  void shouldRoundTripThroughTiles() {
    CoMoments m = CoMoments.ofRows(gaussianRows(5, 50, 260, 0), 16);
    CoMoments back = CoMoments.fromTiles(m.header(), m::extractTile);
    for (int i = 0; i < 260; i++) {
      for (int j = 0; j < 260; j++) {
        assertThat(back.comoment(i, j)).isEqualTo(m.comoment(i, j));
      }
    }
  }
}
