package io.featuremon.stats.kernel;

/**
 * The column loops of the symmetric eigenvalue reduction ({@code SymmetricEigenvalues}), which keeps each column of
 * the lower triangle contiguous: the rank-2 update of four columns fused with both halves of the next
 * matrix-vector product (scatter to the rows below, dot product into the column's own row), and the product alone.
 *
 * <p>Like {@link TileKernel}, a vector and a scalar implementation with the same bits. The update and the scatter
 * are element-wise (one rounding per operation, the same expression per element; with four columns, p[i] gets
 * their terms in column order, as if the columns were done one after the other). A dot product keeps four
 * partial sums in the caller's {@code sums}: element i goes to sum i mod 4, by its row index, so that columns
 * starting at different rows share lanes, in increasing i; {@link #total} adds them as (s₀ + s₁) + (s₂ + s₃). Four
 * vector lanes do exactly that over rows from a multiple of 4 to a multiple of 4: the only ranges the vector kernel
 * takes. {@link #scalar()} takes any range; callers cut the ragged ends off for it ({@code SymmetricEigenvalues}).
 */
public interface RowKernel {
  /**
   * For the four columns t = 0..3 at a[(j + t)·n + ..] and i in from..to − 1: the rank-2 update e = a[(j + t)·n + i]
   * + ((−u[j + t])·w[i] + (−w[j + t])·u[i]) is stored, then p[i] += e·v[j + t] (the columns' terms in column order),
   * and e·v[i] goes to sums[4t + i mod 4]. It reads u, w, v and p once for four columns. The update is written with
   * negated factors and an addition: the same value as a − (u·w + w·u) but for the sign of an exact zero, and no
   * vector subtraction (see {@code VectorRowKernel}).
   */
  void updateScatterAndDot4(double[] a, int n, int j, int from, int to, double[] u, double[] w, double[] v,
      double[] p, double[] sums);

  /** For i in from..to − 1: p[i] += a[column + i]·xc, and a[column + i]·x[i] goes to sums[i mod 4]. */
  void scatterAndDot(double[] a, int column, int from, int to, double[] x, double xc, double[] p, double[] sums);

  /** A dot product from its four partial sums at sums[offset..offset + 4). */
  static double total(double[] sums, int offset) {
    return (sums[offset] + sums[offset + 1]) + (sums[offset + 2] + sums[offset + 3]);
  }

  /** The fastest row kernel this JVM can run (the vector one under the same conditions as {@link TileKernel#best}). */
  static RowKernel best() {
    return Kernels.BEST_ROWS;
  }

  static RowKernel scalar() {
    return ScalarRowKernel.INSTANCE;
  }
}
