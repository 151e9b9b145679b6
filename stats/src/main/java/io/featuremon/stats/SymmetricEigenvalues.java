package io.featuremon.stats;

import io.featuremon.stats.kernel.RowKernel;
import java.util.Arrays;

/**
 * Eigenvalues of a real symmetric matrix: Householder reduction to tridiagonal form, then the implicit QL algorithm
 * with Wilkinson shifts on the tridiagonal matrix. Values only, no vectors.
 *
 * <p><b>Why not EJML's.</b> The reduction to tridiagonal form is the O(d³) part, and it is memory-bound: each of the
 * d steps streams the trailing matrix. EJML's reduction streams the full square twice per step (a matrix-vector
 * product, then the rank-2 update) and ran 7–14× slower than LAPACK's {@code dsyevd} (numpy's {@code eigvalsh}) here:
 * 41 against 5.6 ms at d = 384, 3.0 against 0.21 s at d = 1,536. This reduction touches only the lower triangle and
 * streams it once per step: the rank-2 update of step k and the matrix-vector product of step k + 1 share one pass
 * (the reflector of step k + 1 only needs column k + 1 of the update, which is computed first). Three things make
 * that pass fast (d = 4,096: 17.9 s before them, 7.1–7.6 s after; d = 1,536: 0.37 s): the lower triangle is kept by
 * columns, so the column a reflector is formed from is one contiguous run, not d cache misses a row apart; the pass
 * takes four columns at a time, reading the vectors u, w, u' and p' once for four columns; and the vector kernel
 * avoids a JIT pitfall ({@code VectorRowKernel}). LAPACK's blocked form (dlatrd: defer a panel's updates, read the
 * trailing matrix only, apply one rank-2k update a panel) was tried before these and was slower here, 0.8× at
 * d = 1,536 and 0.93× at d = 4,096.
 *
 * <p><b>Deterministic on every CPU.</b> Every loop has a fixed order of operations per element (Java neither
 * reassociates floating-point sums nor contracts a * b + c into a fused multiply-add, whatever the vector width the
 * JIT picks), square roots are IEEE-exact, and nothing depends on timing: the same matrix gives the same eigenvalues,
 * bit for bit, everywhere ({@code CrossPlatformDeterminismTest}). Accuracy is Householder's (backward stable), checked
 * against numpy's {@code eigvalsh} ({@code SymmetricEigenvaluesTest}) and by the oracle suite's effective rank.
 */
public final class SymmetricEigenvalues {
  private SymmetricEigenvalues() {}

  /** QL sweeps allowed per eigenvalue before giving up (LAPACK's dsteqr allows 30 in all per eigenvalue too). */
  private static final int MAX_SWEEPS = 30;

  /** Columns updated together in the reduction's pass (see {@link RowKernel#updateScatterAndDot4}). */
  private static final int BLOCK = 4;

  /** Takes the ragged ends of every range off the vector kernel (see {@link RowKernel}). */
  private static final RowKernel SCALAR = RowKernel.scalar();

  /**
   * The eigenvalues of the symmetric n × n matrix (row-major; only the lower triangle is read), ascending.
   *
   * @throws ArithmeticException if the matrix holds a NaN or an infinity, or the QL iteration does not converge
   */
  public static double[] of(double[] symmetric, int n) {
    return of(symmetric, n, RowKernel.best());
  }

  /** As {@link #of(double[], int)} with a given row kernel (tests compare them). */
  public static double[] of(double[] symmetric, int n, RowKernel rows) {
    if (symmetric.length < n * n) {
      throw new IllegalArgumentException("matrix holds " + symmetric.length + " values, need " + n + " × " + n);
    }
    // Column j of the lower triangle goes to a[j·n + j..n − 1] (row j of the upper): see tridiagonalize.
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = symmetric[i * n + j];
        if (!Double.isFinite(v)) {
          throw new ArithmeticException("matrix element (" + i + ", " + j + ") is " + v);
        }
        a[j * n + i] = v;
      }
    }
    double[] d = new double[n];
    double[] e = new double[n];
    tridiagonalize(a, n, d, e, rows);
    double[] values = tridiagonalEigenvalues(d, e);
    Arrays.sort(values);
    return values;
  }

  /** A reflector H = I − τ u uᵀ with H x = β e₁; u is written into the caller's array. */
  private record Reflector(double tau, double beta) {}

  /**
   * Reduces the lower triangle of a symmetric matrix to tridiagonal form: diagonal d[0..n), sub-diagonal
   * e[0..n − 1), e[i] coupling i and i + 1. The array a (destroyed) holds column j of the lower triangle, rows j..n − 1,
   * contiguously at a[j·n + j..n − 1]: the reflectors are formed from columns, and stored this way a column is one
   * contiguous run rather than n − j cache misses a row apart.
   *
   * <p>Step k annihilates column k below row k + 1 with a reflector H = I − τ u uᵀ (u on rows k + 1..n − 1, u[k + 1]
   * = 1) and applies H B H to the trailing block B (rows and columns k + 1..n − 1): with p = B u,
   * w = τ p − (τ²/2)(pᵀu) u and B −= u wᵀ + w uᵀ.
   */
  static void tridiagonalize(double[] a, int n, double[] d, double[] e, RowKernel rows) {
    if (n == 1) {
      d[0] = a[0];
      return;
    }
    double[] u = new double[n];
    double[] p = new double[n];
    double[] w = new double[n];
    double[] nextU = new double[n];
    double[] nextP = new double[n];
    double[] sums = new double[4 * BLOCK];
    double[] diagonals = new double[BLOCK];
    Reflector h = n > 2 ? reflector(a, n, 0, u) : null;
    if (h != null) {
      product(a, n, 1, u, p, rows);
    }
    for (int k = 0; k + 2 < n; k++) {
      d[k] = a[k * n + k];
      e[k] = h.beta();
      int c = k + 1; // the trailing block is rows and columns c..n − 1
      double tau = h.tau();
      double pu = 0;
      for (int i = c; i < n; i++) {
        pu += p[i] * u[i];
      }
      double half = 0.5 * tau * tau * pu;
      for (int i = c; i < n; i++) {
        w[i] = tau * p[i] - half * u[i];
      }
      // Column c of the update first (rows c..n − 1): the next reflector is formed from it.
      int first = c * n;
      double uc = u[c];
      double wc = w[c];
      for (int i = c; i < n; i++) {
        a[first + i] -= uc * w[i] + wc * u[i];
      }
      Reflector next = c + 2 < n ? reflector(a, n, c, nextU) : null;
      // One pass over columns c + 1..n − 1: the rest of this step's update, and the next step's product B'u'
      // (column j adds its dot product with u' to p'[j] and scatters its elements times u'[j] to the rows below).
      // Columns go four at a time, so that u, w, u' and p' are read once for four columns.
      if (next == null) {
        for (int j = c + 1; j < n; j++) {
          for (int i = j; i < n; i++) {
            a[j * n + i] -= u[j] * w[i] + w[j] * u[i];
          }
        }
      } else {
        updateAndMultiply(a, n, c + 1, u, w, nextU, nextP, rows, sums, diagonals);
      }
      double[] swap = u;
      u = nextU;
      nextU = swap;
      swap = p;
      p = nextP;
      nextP = swap;
      h = next;
    }
    d[n - 2] = a[(n - 2) * n + n - 2];
    d[n - 1] = a[(n - 1) * n + n - 1];
    e[n - 2] = a[(n - 2) * n + n - 1];
  }

  /**
   * Columns from..n − 1 of a step, four at a time: B −= u wᵀ + w uᵀ, and p = B v of the updated block, in one pass.
   */
  private static void updateAndMultiply(double[] a, int n, int from, double[] u, double[] w, double[] v, double[] p,
      RowKernel rows, double[] sums, double[] diagonals) {
    Arrays.fill(p, from, n, 0.0);
    for (int j = from; j < n; j += BLOCK) {
      int m = Math.min(BLOCK, n - j);
      Arrays.fill(sums, 0.0);
      // The block's own triangle (its diagonal and the rows j + 1..j + m − 1) element by element, column by
      // column, so that each p'[r] gets the earlier columns' terms in order; then the rows they all share.
      for (int t = 0; t < m; t++) {
        int column = (j + t) * n;
        double ut = u[j + t];
        double wt = w[j + t];
        double vt = v[j + t];
        diagonals[t] = a[column + j + t] - (ut * w[j + t] + wt * u[j + t]);
        a[column + j + t] = diagonals[t];
        for (int r = j + t + 1; r < j + m; r++) {
          double element = a[column + r] - (ut * w[r] + wt * u[r]);
          a[column + r] = element;
          p[r] += element * vt;
          sums[4 * t + (r & 3)] += element * v[r];
        }
      }
      if (m == BLOCK) { // a last block of fewer columns reaches row n − 1 within its own triangle
        updateScatterAndDot4(rows, a, n, j, j + BLOCK, u, w, v, p, sums);
      }
      for (int t = 0; t < m; t++) {
        p[j + t] += RowKernel.total(sums, 4 * t) + diagonals[t] * v[j + t];
      }
    }
  }

  /** p[i] = Σⱼ B[i][j] u[j] over the block from..n − 1 of the symmetric matrix whose lower columns a holds. */
  private static void product(double[] a, int n, int from, double[] u, double[] p, RowKernel rows) {
    Arrays.fill(p, from, n, 0.0);
    double[] sums = new double[4];
    for (int j = from; j < n; j++) {
      int column = j * n;
      double uj = u[j];
      Arrays.fill(sums, 0.0);
      int head = alignUp(j + 1, n);
      int tail = alignDown(head, n);
      SCALAR.scatterAndDot(a, column, j + 1, head, u, uj, p, sums);
      rows.scatterAndDot(a, column, head, tail, u, uj, p, sums);
      SCALAR.scatterAndDot(a, column, tail, n, u, uj, p, sums);
      p[j] += RowKernel.total(sums, 0) + a[column + j] * uj;
    }
  }

  /** Columns j..j + 3's update, scatter and dot over rows from..n − 1: the vector kernel on whole lanes. */
  private static void updateScatterAndDot4(RowKernel rows, double[] a, int n, int j, int from, double[] u,
      double[] w, double[] v, double[] p, double[] sums) {
    int head = alignUp(from, n);
    int tail = alignDown(head, n);
    SCALAR.updateScatterAndDot4(a, n, j, from, head, u, w, v, p, sums);
    rows.updateScatterAndDot4(a, n, j, head, tail, u, w, v, p, sums);
    SCALAR.updateScatterAndDot4(a, n, j, tail, n, u, w, v, p, sums);
  }

  /** The first multiple of 4 at or after from, at most to: where whole vector lanes start. */
  private static int alignUp(int from, int to) {
    return Math.min(to, (from + 3) & ~3);
  }

  /** The last multiple of 4 at or before to, counting whole lanes from an aligned from. */
  private static int alignDown(int from, int to) {
    return from + ((to - from) & ~3);
  }

  /**
   * The reflector that maps column k below the diagonal (x: its rows k + 1..n − 1) to β e₁, as LAPACK's dlarfg:
   * β = −sign(x₀)‖x‖, τ = (β − x₀)/β, u = (1, x₁/(x₀ − β), …). τ = 0 (H = I) when x has nothing below x₀.
   */
  private static Reflector reflector(double[] a, int n, int k, double[] u) {
    int column = k * n;
    double alpha = a[column + k + 1];
    double scale = 0;
    for (int i = k + 2; i < n; i++) {
      scale = Math.max(scale, Math.abs(a[column + i]));
    }
    Arrays.fill(u, 0, n, 0.0);
    u[k + 1] = 1;
    if (scale == 0) {
      return new Reflector(0, alpha);
    }
    // ‖x‖ with the sum of squares scaled, so that neither tiny nor huge elements under- or overflow.
    scale = Math.max(scale, Math.abs(alpha));
    double sum = 0;
    for (int i = k + 1; i < n; i++) {
      double v = a[column + i] / scale;
      sum += v * v;
    }
    double norm = scale * Math.sqrt(sum);
    double beta = alpha >= 0 ? -norm : norm;
    double tau = (beta - alpha) / beta;
    double inverse = 1 / (alpha - beta);
    for (int i = k + 2; i < n; i++) {
      u[i] = a[column + i] * inverse;
    }
    return new Reflector(tau, beta);
  }

  /**
   * Eigenvalues of the symmetric tridiagonal matrix with diagonal d and sub-diagonal e (both destroyed; e[n − 1] is
   * ignored): the implicit QL algorithm with Wilkinson shifts. It deflates where e[m] is negligible beside its
   * diagonal neighbours (|e[m]| ≤ ½ ulp(|d[m]| + |d[m + 1]|)) or beside the whole matrix (|e[m]| ≤ ε‖T‖): without
   * the second test a cluster of zero eigenvalues (a rank-deficient correlation matrix) never deflates, its d and e
   * being rounding noise of the same size; the error it admits, ε‖T‖, is the reduction's own backward error.
   */
  static double[] tridiagonalEigenvalues(double[] d, double[] e) {
    int n = d.length;
    if (n > 0) {
      e[n - 1] = 0;
    }
    double norm = 0;
    for (int i = 0; i < n; i++) {
      norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
    }
    double negligible = Math.ulp(1.0) * norm;
    for (int l = 0; l < n; l++) {
      int sweeps = 0;
      while (true) {
        int m = l;
        for (; m < n - 1; m++) {
          double dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
          if (Math.abs(e[m]) <= Math.ulp(dd) * 0.5 || Math.abs(e[m]) <= negligible) {
            break;
          }
        }
        if (m == l) {
          break;
        }
        if (++sweeps > MAX_SWEEPS) {
          throw new ArithmeticException("tridiagonal QL did not converge for eigenvalue " + l + " of " + n);
        }
        double g = (d[l + 1] - d[l]) / (2 * e[l]);
        double r = hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        double s = 1;
        double c = 1;
        double p = 0;
        int i = m - 1;
        boolean underflow = false;
        for (; i >= l; i--) {
          double f = s * e[i];
          double b = c * e[i];
          r = hypot(f, g);
          e[i + 1] = r;
          if (r == 0) {
            d[i + 1] -= p;
            e[m] = 0;
            underflow = true;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (underflow) {
          continue;
        }
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    }
    return d;
  }

  /** √(a² + b²) without undue overflow or underflow, from IEEE-exact operations only (so the same on every CPU). */
  private static double hypot(double a, double b) {
    double x = Math.abs(a);
    double y = Math.abs(b);
    if (x < y) {
      double t = x;
      x = y;
      y = t;
    }
    if (x == 0) {
      return 0;
    }
    double q = y / x;
    return x * Math.sqrt(1 + q * q);
  }
}
