package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.stats.kernel.RowKernel;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

/**
 * {@link SymmetricEigenvalues} against EJML's symmetric QR (an independent implementation: its own tridiagonalisation
 * and QR iteration) on matrices that stress a symmetric eigen solver, and its vector and scalar row kernels against
 * each other, bit for bit. numpy's {@code eigvalsh} checks it end to end through the oracle suite's effective rank.
 */
class SymmetricEigenvaluesTest {

  @Test
  void shouldAgreeWithAnIndependentSolverWithinRoundingOfTheLargestEigenvalue() {
    Random random = new Random(3);
    for (int n : new int[] {1, 2, 3, 4, 5, 8, 17, 64, 130, 257}) {
      for (String kind : new String[] {"gaussian", "correlation", "low-rank", "diagonal", "repeated", "graded", "zero"}) {
        double[] m = matrix(kind, n, random);
        double[] expected = ejml(m, n);
        if (expected == null) {
          // EJML gives up on the graded 257 × 257 matrix (elements down to 2⁻⁵¹²); ours must still converge, and its
          // eigenvalues must add up to the trace.
          double trace = 0;
          double sum = 0;
          for (int i = 0; i < n; i++) {
            trace += m[i * n + i];
          }
          for (double v : SymmetricEigenvalues.of(m, n)) {
            sum += v;
          }
          assertThat(Math.abs(sum - trace)).as("%s n=%d: Σλ vs trace", kind, n).isLessThanOrEqualTo(1e-13 * trace);
          continue;
        }
        double[] actual;
        try {
          actual = SymmetricEigenvalues.of(m, n);
        } catch (ArithmeticException e) {
          throw new AssertionError(kind + " n=" + n + ": " + e.getMessage(), e);
        }
        double scale = Math.max(1e-300, Math.max(Math.abs(expected[0]), Math.abs(expected[n - 1])));
        for (int k = 0; k < n; k++) {
          assertThat(Math.abs(actual[k] - expected[k]) / scale)
              .as("%s n=%d eigenvalue %d: %s vs EJML %s", kind, n, k, actual[k], expected[k])
              .isLessThanOrEqualTo(1e-12 * Math.max(1, n / 64.0));
        }
      }
    }
  }

  @Test
  void vectorAndScalarRowKernelsShouldGiveTheSameBits() {
    Random random = new Random(4);
    for (int n : new int[] {3, 6, 7, 33, 130}) {
      double[] m = matrix("correlation", n, random);
      double[] vector = SymmetricEigenvalues.of(m, n, RowKernel.best());
      double[] scalar = SymmetricEigenvalues.of(m, n, RowKernel.scalar());
      for (int k = 0; k < n; k++) {
        assertThat(Double.doubleToRawLongBits(vector[k])).as("n=%d eigenvalue %d", n, k)
            .isEqualTo(Double.doubleToRawLongBits(scalar[k]));
      }
    }
  }

  @Test
  void shouldReadOnlyTheLowerTriangleAndRefuseNonFiniteValues() {
    double[] m = {2, 99, 1, 2}; // the upper element is ignored: [[2, 1], [1, 2]] has eigenvalues 1 and 3
    assertThat(SymmetricEigenvalues.of(m, 2)).containsExactly(new double[] {1, 3}, Offset.offset(1e-15));
    assertThatThrownBy(() -> SymmetricEigenvalues.of(new double[] {1, 0, Double.NaN, 1}, 2))
        .isInstanceOf(ArithmeticException.class).hasMessageContaining("(1, 0) is NaN");
  }

  private static double[] matrix(String kind, int n, Random random) {
    double[] m = new double[n * n];
    switch (kind) {
      case "gaussian" -> fill(m, n, (i, j) -> random.nextGaussian());
      case "correlation", "low-rank" -> {
        int rows = kind.equals("low-rank") ? Math.max(1, n / 4) : n + 10;
        double[] x = new double[rows * n];
        for (int v = 0; v < x.length; v++) {
          x[v] = random.nextGaussian() + (v % n < 3 ? 2 * x[v - v % n] : 0);
        }
        double[] g = new double[n * n];
        for (int r = 0; r < rows; r++) {
          for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
              g[i * n + j] += x[r * n + i] * x[r * n + j];
            }
          }
        }
        fill(m, n, (i, j) -> g[i * n + j] / Math.sqrt(g[i * n + i] * g[j * n + j] + 1e-300));
      }
      case "diagonal" -> fill(m, n, (i, j) -> i == j ? random.nextGaussian() : 0);
      case "repeated" -> fill(m, n, (i, j) -> i == j ? 1 + (i % 2) : 0.0); // eigenvalues 1 and 2, many times each
      case "graded" -> fill(m, n, (i, j) -> Math.scalb(1.0, -(i + j)) * (i == j ? 1 : 0.3));
      default -> { } // zero
    }
    return m;
  }

  private interface Element {
    double at(int i, int j);
  }

  private static void fill(double[] m, int n, Element e) {
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        double v = e.at(i, j);
        m[i * n + j] = v;
        m[j * n + i] = v;
      }
    }
  }

  private static double[] ejml(double[] m, int n) {
    DMatrixRMaj matrix = new DMatrixRMaj(n, n);
    System.arraycopy(m, 0, matrix.data, 0, n * n);
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, false, true);
    if (!eig.decompose(matrix)) {
      return null;
    }
    double[] values = new double[n];
    for (int k = 0; k < n; k++) {
      values[k] = eig.getEigenvalue(k).getReal();
    }
    java.util.Arrays.sort(values);
    return values;
  }
}
