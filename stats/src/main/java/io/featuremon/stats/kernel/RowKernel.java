package io.featuremon.stats.kernel;

/**
 * The two row loops of the symmetric eigenvalue reduction ({@code SymmetricEigenvalues}): the rank-2 update of one
 * row fused with the scatter half of the next matrix-vector product, and a dot product. Like {@link TileKernel}, a
 * vector and a scalar implementation with the same bits: the update and the scatter are element-wise (one rounding
 * per operation, same expression per element), and the dot product keeps four partial sums, element j going to sum
 * (j − from) mod 4, added as (s₀ + s₁) + (s₂ + s₃) with the tail in s₀, which is exactly what four vector lanes do.
 */
public interface RowKernel {
  /**
   * For j in from..to − 1: a[row + j] −= ui·w[j] + wi·u[j], then p[j] += a[row + j]·vi.
   */
  void updateAndScatter(double[] a, int row, int from, int to, double[] u, double[] w, double ui, double wi,
      double[] p, double vi);

  /**
   * One row of a symmetric matrix-vector product from the lower triangle: p[j] += a[row + j]·xi for j in
   * from..to − 1, and returns Σ a[row + j]·x[j] over the same j in the four-sum pattern of {@link #dot}.
   */
  double scatterAndDot(double[] a, int row, int from, int to, double[] x, double xi, double[] p);

  /** Σ a[row + j]·x[j] for j in from..to − 1, in the four-sum pattern of the class comment. */
  double dot(double[] a, int row, double[] x, int from, int to);

  /** The fastest row kernel this JVM can run (the vector one under the same conditions as {@link TileKernel#best}). */
  static RowKernel best() {
    return Kernels.BEST_ROWS;
  }

  static RowKernel scalar() {
    return ScalarRowKernel.INSTANCE;
  }
}
