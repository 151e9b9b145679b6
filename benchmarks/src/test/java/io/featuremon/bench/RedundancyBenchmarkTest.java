package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.featuremon.stats.CoMoments;
import io.featuremon.stats.Redundancy;
import io.featuremon.stats.RedundancyReport;
import io.featuremon.stats.SymmetricEigenvalues;
import org.junit.jupiter.api.Test;

/** The blocked-tridiagonalisation candidate must find the eigenvalues the production path finds. */
class RedundancyBenchmarkTest {

  @Test
  void shouldFindTheSameEigenvaluesWithBlockedTridiagonalisation() {
    int d = 150;
    SyntheticEmbeddings gen = new SyntheticEmbeddings(d, 11);
    double[][] rows = new double[600][d];
    float[] row = new float[d];
    for (double[] r : rows) {
      gen.next(row);
      for (int j = 0; j < d; j++) {
        r[j] = row[j];
      }
    }
    RedundancyReport report = Redundancy.analyze(CoMoments.ofRows(rows, 256), 10);
    int n = report.nonConstantCount();

    double[] expected = SymmetricEigenvalues.of(report.correlation(), n);
    double[] actual = RedundancyBenchmark.blockedEigenvalues(report.correlation(), n);

    for (int k = 0; k < n; k++) {
      assertThat(actual[k]).isCloseTo(expected[k], within(1e-10 * n));
    }
  }
}
