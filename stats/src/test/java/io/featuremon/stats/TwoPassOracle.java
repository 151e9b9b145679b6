package io.featuremon.stats;

/** Independent textbook two-pass float64 computations, the yardstick for every statistic here. */
final class TwoPassOracle {
  private TwoPassOracle() {}

  static double[] means(double[][] rows) {
    int d = rows[0].length;
    double[] mean = new double[d];
    for (double[] row : rows) {
      for (int j = 0; j < d; j++) {
        mean[j] += row[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mean[j] /= rows.length;
    }
    return mean;
  }

  /** Σ (x_i − mean_i)(x_j − mean_j) with the means computed first. */
  static double[][] comoments(double[][] rows) {
    int d = rows[0].length;
    double[] mean = means(rows);
    double[][] m2 = new double[d][d];
    for (double[] row : rows) {
      for (int i = 0; i < d; i++) {
        double xi = row[i] - mean[i];
        for (int j = 0; j < d; j++) {
          m2[i][j] += xi * (row[j] - mean[j]);
        }
      }
    }
    return m2;
  }

  static double[][] correlation(double[][] rows) {
    double[][] m2 = comoments(rows);
    int d = m2.length;
    double[][] c = new double[d][d];
    for (int i = 0; i < d; i++) {
      for (int j = 0; j < d; j++) {
        c[i][j] = m2[i][j] / Math.sqrt(m2[i][i] * m2[j][j]);
      }
    }
    return c;
  }
}
