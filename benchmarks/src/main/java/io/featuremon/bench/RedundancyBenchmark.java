package io.featuremon.bench;

import io.featuremon.stats.CoMoments;
import io.featuremon.stats.Redundancy;
import io.featuremon.stats.RedundancyReport;
import io.featuremon.stats.SymmetricEigenvalues;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.decomposition.eig.SymmetricQRAlgorithmDecomposition_DDRM;
import org.ejml.dense.row.decomposition.hessenberg.TridiagonalDecomposition_DDRB_to_DDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The once-per-window cost: {@link Redundancy#analyze} (correlation matrix, FRET sums, top pairs and the
 * eigenvalues behind the effective rank) on the co-moments of one window, the eigenvalues alone as
 * {@link SymmetricEigenvalues#of} computes them ({@code SymmetricEigenvalues}: one pass over the lower
 * triangle per Householder step), and the same values by EJML's default symmetric QR (production until 2026-11-27)
 * and with EJML's blocked tridiagonalisation, the baselines a next candidate has to beat.
 *
 * <p>This is paid once per emitted window, not per event: divide by the events per window to compare it with the
 * per-event kernel (the {@link KernelBenchmarks} summary does).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 4, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RedundancyBenchmark {
  /** Rows in the window; analyze's cost does not depend on it, only the data's realism does. */
  static final int ROWS = 4096;

  @Param({"384", "768"})
  public int dimensions;

  private CoMoments moments;
  private double[] correlation;
  private int nonConstant;

  @Setup(Level.Trial)
  public void setUp() {
    double[][] rows = new SyntheticEmbeddings(dimensions, 7).nextRows(ROWS);
    moments = CoMoments.ofRows(rows, 256);
    RedundancyReport report = Redundancy.analyze(moments, 10);
    correlation = report.correlation();
    nonConstant = report.nonConstantCount();
  }

  @Benchmark
  public RedundancyReport analyze() {
    return Redundancy.analyze(moments, 10);
  }

  @Benchmark
  public double[] eigenvaluesOnly() {
    return SymmetricEigenvalues.of(correlation, nonConstant);
  }

  @Benchmark
  public double[] eigenvaluesEjml() {
    DMatrixRMaj matrix = new DMatrixRMaj(nonConstant, nonConstant);
    System.arraycopy(correlation, 0, matrix.data, 0, nonConstant * nonConstant);
    var eig = org.ejml.dense.row.factory.DecompositionFactory_DDRM.eig(nonConstant, false, true);
    if (!eig.decompose(matrix)) {
      throw new ArithmeticException("EJML did not converge");
    }
    double[] values = new double[nonConstant];
    for (int k = 0; k < nonConstant; k++) {
      values[k] = eig.getEigenvalue(k).getReal();
    }
    return values;
  }

  @Benchmark
  public double[] eigenvaluesBlockedTridiagonal() {
    return blockedEigenvalues(correlation, nonConstant);
  }

  /** Eigenvalues, ascending, by symmetric QR after EJML's blocked (cache-friendly) tridiagonalisation. */
  static double[] blockedEigenvalues(double[] symmetric, int n) {
    DMatrixRMaj matrix = new DMatrixRMaj(n, n);
    System.arraycopy(symmetric, 0, matrix.data, 0, n * n);
    var eig = new SymmetricQRAlgorithmDecomposition_DDRM(new TridiagonalDecomposition_DDRB_to_DDRM(), false);
    if (!eig.decompose(matrix)) {
      throw new ArithmeticException("eigen decomposition did not converge for a " + n + " × " + n + " matrix");
    }
    double[] values = new double[n];
    for (int k = 0; k < n; k++) {
      values[k] = eig.getEigenvalue(k).getReal();
    }
    Arrays.sort(values);
    return values;
  }
}
