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

  /**
   * Issue 8, finding 2: with a large offset and a small spread, ρ was off by 1.5e-8 to 1.4e-7 relative, because the
   * running mean that centres each batch is rounded to a double (its half-ulp, 6e-11 at 1e6, is not small beside a
   * spread of 1e-3). Checked against exact rational arithmetic, for a single fold sequence and for panes merged in
   * random groupings, at offsets 1e6 and 1e12 with spreads down to 1e-6 of the offset and below.
   */
  @Test
  void correlationsShouldBeExactWithLargeOffsetsAndSmallSpreadsAgainstRationalArithmetic() throws Exception {
    double[][] regimes = {{1e6, 1e-3}, {1e12, 1e6}, {1e12, 1e-2}, {1.7e12, 1e3}, {5, 1e-9}};
    for (double[] regime : regimes) {
      Random random = new Random(Double.doubleToLongBits(regime[0]) ^ Double.doubleToLongBits(regime[1]));
      int n = 1500;
      double[][] rows = new double[n][3];
      for (int r = 0; r < n; r++) {
        double z = random.nextGaussian();
        rows[r][0] = regime[0] + regime[1] * z;
        rows[r][1] = regime[0] + regime[1] * (0.8 * z + 0.6 * random.nextGaussian());
        rows[r][2] = -regime[0] + regime[1] * random.nextGaussian();
      }
      com.fasterxml.jackson.databind.JsonNode exact = exactCorrelations(rows);
      CoMoments sequential = CoMoments.ofRows(rows, 256);
      int cut = 1 + random.nextInt(n - 1);
      int cut2 = cut + random.nextInt(n - cut);
      CoMoments merged = CoMoments.ofRows(java.util.Arrays.copyOfRange(rows, 0, cut), 256)
          .merge(CoMoments.ofRows(java.util.Arrays.copyOfRange(rows, cut, Math.max(cut + 1, cut2)), 256));
      if (cut2 > cut + 1) {
        merged = merged.merge(CoMoments.ofRows(java.util.Arrays.copyOfRange(rows, cut2, n), 256));
      } else {
        merged = CoMoments.ofRows(java.util.Arrays.copyOfRange(rows, 0, cut), 256)
            .merge(CoMoments.ofRows(java.util.Arrays.copyOfRange(rows, cut, n), 256));
      }
      for (CoMoments m : new CoMoments[] {sequential, merged}) {
        for (int i = 0; i < 3; i++) {
          for (int j = 0; j < 3; j++) {
            double rho = m.comoment(i, j) / Math.sqrt(m.comoment(i, i) * m.comoment(j, j));
            double expected = exact.get("corr").get(i).get(j).asDouble();
            assertThat(rho).as("offset %s spread %s rho[%d][%d]", regime[0], regime[1], i, j)
                .isCloseTo(expected, within(1e-9 * Math.max(Math.abs(expected), 1e-3)));
          }
        }
      }
    }
  }

  /** scripts/exact_correlation.py: the correlations of the exact doubles, in rational arithmetic. */
  private static com.fasterxml.jackson.databind.JsonNode exactCorrelations(double[][] rows) throws Exception {
    StringBuilder json = new StringBuilder("{\"rows\": [");
    for (int r = 0; r < rows.length; r++) {
      json.append(r == 0 ? "[" : ",[");
      for (int j = 0; j < rows[r].length; j++) {
        json.append(j == 0 ? "" : ",").append('"').append(Double.toString(rows[r][j])).append('"');
      }
      json.append(']');
    }
    json.append("]}");
    Process p = new ProcessBuilder(CategoricalFixtures.PYTHON, "../scripts/exact_correlation.py")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (var in = p.getOutputStream()) {
      in.write(json.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("exact_correlation.py: %s", out).isZero();
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(out);
  }
}
