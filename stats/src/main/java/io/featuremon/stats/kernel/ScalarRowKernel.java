package io.featuremon.stats.kernel;

/** {@link RowKernel} in plain Java: runs everywhere, the reference for the vector kernel's bits. */
final class ScalarRowKernel implements RowKernel {
  static final ScalarRowKernel INSTANCE = new ScalarRowKernel();

  private ScalarRowKernel() {}

  @Override
  public void updateAndScatter(double[] a, int row, int from, int to, double[] u, double[] w, double ui, double wi,
      double[] p, double vi) {
    for (int j = from; j < to; j++) {
      double v = a[row + j] - (ui * w[j] + wi * u[j]);
      a[row + j] = v;
      p[j] += v * vi;
    }
  }

  @Override
  public double scatterAndDot(double[] a, int row, int from, int to, double[] x, double xi, double[] p) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = from;
    for (; j + 4 <= to; j += 4) {
      double a0 = a[row + j];
      double a1 = a[row + j + 1];
      double a2 = a[row + j + 2];
      double a3 = a[row + j + 3];
      p[j] += a0 * xi;
      p[j + 1] += a1 * xi;
      p[j + 2] += a2 * xi;
      p[j + 3] += a3 * xi;
      s0 += a0 * x[j];
      s1 += a1 * x[j + 1];
      s2 += a2 * x[j + 2];
      s3 += a3 * x[j + 3];
    }
    for (; j < to; j++) {
      p[j] += a[row + j] * xi;
      s0 += a[row + j] * x[j];
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public double dot(double[] a, int row, double[] x, int from, int to) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int j = from;
    for (; j + 4 <= to; j += 4) {
      s0 += a[row + j] * x[j];
      s1 += a[row + j + 1] * x[j + 1];
      s2 += a[row + j + 2] * x[j + 2];
      s3 += a[row + j + 3] * x[j + 3];
    }
    for (; j < to; j++) {
      s0 += a[row + j] * x[j];
    }
    return (s0 + s1) + (s2 + s3);
  }
}
