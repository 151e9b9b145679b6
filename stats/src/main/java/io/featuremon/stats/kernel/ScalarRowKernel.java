package io.featuremon.stats.kernel;

/** {@link RowKernel} in plain Java: runs everywhere, the reference for the vector kernel's bits. */
final class ScalarRowKernel implements RowKernel {
  static final ScalarRowKernel INSTANCE = new ScalarRowKernel();

  private ScalarRowKernel() {}

  @Override
  public void updateScatterAndDot4(double[] a, int n, int j, int from, int to, double[] u, double[] w, double[] v,
      double[] p, double[] sums) {
    int ca = j * n;
    int cb = ca + n;
    int cc = cb + n;
    int cd = cc + n;
    double ua = -u[j];
    double ub = -u[j + 1];
    double uc = -u[j + 2];
    double ud = -u[j + 3];
    double wa = -w[j];
    double wb = -w[j + 1];
    double wc = -w[j + 2];
    double wd = -w[j + 3];
    for (int i = from; i < to; i++) {
      double ea = a[ca + i] + (ua * w[i] + wa * u[i]);
      double eb = a[cb + i] + (ub * w[i] + wb * u[i]);
      double ec = a[cc + i] + (uc * w[i] + wc * u[i]);
      double ed = a[cd + i] + (ud * w[i] + wd * u[i]);
      a[ca + i] = ea;
      a[cb + i] = eb;
      a[cc + i] = ec;
      a[cd + i] = ed;
      p[i] = (((p[i] + ea * v[j]) + eb * v[j + 1]) + ec * v[j + 2]) + ed * v[j + 3];
      int lane = i & 3;
      sums[lane] += ea * v[i];
      sums[4 + lane] += eb * v[i];
      sums[8 + lane] += ec * v[i];
      sums[12 + lane] += ed * v[i];
    }
  }

  @Override
  public void scatterAndDot(double[] a, int column, int from, int to, double[] x, double xc, double[] p,
      double[] sums) {
    for (int i = from; i < to; i++) {
      double v = a[column + i];
      p[i] += v * xc;
      sums[i & 3] += v * x[i];
    }
  }
}
