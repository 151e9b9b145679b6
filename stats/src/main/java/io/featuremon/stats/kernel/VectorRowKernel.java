package io.featuremon.stats.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/** {@link RowKernel} on 256-bit vectors (4 lanes: the dot product's four partial sums are the lanes). */
final class VectorRowKernel implements RowKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

  @Override
  public void updateAndScatter(double[] a, int row, int from, int to, double[] u, double[] w, double ui, double wi,
      double[] p, double vi) {
    int j = from;
    for (; j + 4 <= to; j += 4) {
      DoubleVector sum = DoubleVector.fromArray(S, w, j).mul(ui).add(DoubleVector.fromArray(S, u, j).mul(wi));
      DoubleVector v = DoubleVector.fromArray(S, a, row + j).sub(sum);
      v.intoArray(a, row + j);
      DoubleVector.fromArray(S, p, j).add(v.mul(vi)).intoArray(p, j);
    }
    for (; j < to; j++) {
      double v = a[row + j] - (ui * w[j] + wi * u[j]);
      a[row + j] = v;
      p[j] += v * vi;
    }
  }

  @Override
  public double scatterAndDot(double[] a, int row, int from, int to, double[] x, double xi, double[] p) {
    DoubleVector sums = DoubleVector.zero(S);
    int j = from;
    for (; j + 4 <= to; j += 4) {
      DoubleVector av = DoubleVector.fromArray(S, a, row + j);
      DoubleVector.fromArray(S, p, j).add(av.mul(xi)).intoArray(p, j);
      sums = av.mul(DoubleVector.fromArray(S, x, j)).add(sums);
    }
    double s0 = sums.lane(0);
    for (; j < to; j++) {
      p[j] += a[row + j] * xi;
      s0 += a[row + j] * x[j];
    }
    return (s0 + sums.lane(1)) + (sums.lane(2) + sums.lane(3));
  }

  @Override
  public double dot(double[] a, int row, double[] x, int from, int to) {
    DoubleVector sums = DoubleVector.zero(S);
    int j = from;
    for (; j + 4 <= to; j += 4) {
      sums = DoubleVector.fromArray(S, a, row + j).mul(DoubleVector.fromArray(S, x, j)).add(sums);
    }
    double s0 = sums.lane(0);
    for (; j < to; j++) {
      s0 += a[row + j] * x[j];
    }
    return (s0 + sums.lane(1)) + (sums.lane(2) + sums.lane(3));
  }
}
