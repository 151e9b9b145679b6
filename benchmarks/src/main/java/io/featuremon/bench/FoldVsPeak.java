package io.featuremon.bench;

import io.featuremon.stats.BatchFold;
import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Tiling;
import io.featuremon.stats.kernel.TileKernel;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The co-moment fold against the two limits that matter: one core's vector FMA peak, measured in the same JVM, and
 * numpy/OpenBLAS (one thread) doing the same centred update on the same batches.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/featuremon-benchmarks.jar \
 *     io.featuremon.bench.FoldVsPeak [--dimensions 384,768] [--batch 256] [--rows 8192] [--rounds 5]
 *     [--seconds 1] [--python python3]
 * </pre>
 *
 * <p>Per round and d, in rotating order: <b>peak</b>, 12 independent chains of {@code fma} on registers (256-bit
 * lanes and the widest the CPU has; the larger counts), no memory; <b>vector</b> and <b>scalar</b>, the production
 * fold ({@code BatchFold}: centring, the kernel on every upper-triangle tile, the mean correction, the header) with
 * each kernel, over the same rows in batches of B into fresh state; <b>numpy</b>, a child process running the same
 * update (Xc = X − K, s = ΣXc, M2 += XcᵀXc − s sᵀ/(n + B), mean += s/(n + B)) on the same rows read from a file, with
 * OPENBLAS/OMP/MKL_NUM_THREADS=1; it times its own loop, so interpreter start-up and the file read are not counted.
 * Work is counted as useful multiply-adds, B · d(d + 1)/2 per batch (the upper triangle), on every side: numpy's
 * {@code Xc.T @ Xc} may compute the full square, which is its cost, not extra credit. FLOP = 2 per multiply-add.
 */
public final class FoldVsPeak {
  private FoldVsPeak() {}

  public static void main(String[] args) throws Exception {
    int[] dimensions = {384, 768};
    int batch = 256;
    int rows = 8192;
    int rounds = 5;
    double seconds = 1.0;
    String python = "python3";
    for (Map.Entry<String, String> a : Options.pairs(args)) {
      switch (a.getKey()) {
        case "--dimensions" -> dimensions = Arrays.stream(a.getValue().split(",")).mapToInt(Integer::parseInt).toArray();
        case "--batch" -> batch = Integer.parseInt(a.getValue());
        case "--rows" -> rows = (int) Options.count(a.getValue());
        case "--rounds" -> rounds = Integer.parseInt(a.getValue());
        case "--seconds" -> seconds = Double.parseDouble(a.getValue());
        case "--python" -> python = a.getValue();
        default -> throw new IllegalArgumentException("unknown option " + a.getKey() + "; usage: FoldVsPeak"
            + " [--dimensions 384,768] [--batch 256] [--rows 8192] [--rounds 5] [--seconds 1] [--python PATH]");
      }
    }
    run(dimensions, batch, rows, rounds, seconds, python, System.out);
  }

  /** One report; {@code python} null skips the numpy side (the smoke test). */
  static void run(int[] dimensions, int batch, int rows, int rounds, double seconds, String python, PrintStream out)
      throws IOException, InterruptedException {
    out.println("machine: " + MachineInfo.describe());
    out.println("kernel: " + TileKernel.best().name() + "; compared with " + TileKernel.scalar().name());
    out.printf(Locale.ROOT, "%d rows per d in batches of %d, %d rounds, ~%.1f s per side per round%n", rows, batch,
        rounds, seconds);
    Path dir = Files.createTempDirectory("foldvspeak");
    try {
      for (int d : dimensions) {
        report(d, batch, rows, rounds, seconds, python, dir, out);
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : files.toList()) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static void report(int d, int batch, int rows, int rounds, double seconds, String python, Path dir,
      PrintStream out) throws IOException, InterruptedException {
    double[] data = new SyntheticEmbeddings(d, 7L * d).nextBatch(rows);
    Path file = dir.resolve("rows-" + d + ".f64");
    ByteBuffer bytes = ByteBuffer.allocate(data.length * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asDoubleBuffer().put(data);
    Files.write(file, bytes.array());
    double useful = (double) d * (d + 1) / 2; // multiply-adds per row
    List<Double> peak = new ArrayList<>();
    List<Double> vector = new ArrayList<>();
    List<Double> scalar = new ArrayList<>();
    List<Double> numpy = new ArrayList<>();
    out.printf(Locale.ROOT, "%n== d = %d, B = %d ==%n", d, batch);
    out.println("round   peak GFMA/s   vector GFMA/s  ev/s     scalar GFMA/s  ev/s     numpy GFMA/s  ev/s");
    for (int round = 0; round <= rounds; round++) { // round 0 warms up and is not counted
      double p = 0;
      double v = 0;
      double s = 0;
      double n = Double.NaN;
      for (int side = 0; side < 4; side++) {
        switch ((side + round) % 4) {
          case 0 -> p = peakGfma(seconds);
          case 1 -> v = foldEventsPerSecond(TileKernel.best(), data, d, batch, rows, seconds);
          case 2 -> s = foldEventsPerSecond(TileKernel.scalar(), data, d, batch, rows, seconds);
          default -> n = python == null ? Double.NaN : numpyEventsPerSecond(python, file, d, batch, rows, seconds);
        }
      }
      out.printf(Locale.ROOT, "%-7s %11.2f   %13.2f  %-8.0f %13.2f  %-8.0f %12.2f  %.0f%n",
          round == 0 ? "warm-up" : String.valueOf(round), p, v * useful / 1e9, v, s * useful / 1e9, s,
          n * useful / 1e9, n);
      if (round > 0) {
        peak.add(p);
        vector.add(v * useful / 1e9 / p);
        scalar.add(s * useful / 1e9 / p);
        numpy.add(v / n);
      }
    }
    out.printf(Locale.ROOT, "targets (issue 9; printed, never asserted): median over %d rounds [min – max]%n", rounds);
    out.println("  " + LiveBenchmark.targetLine("fold ÷ vector FMA peak, d=" + d + ", vector kernel", array(vector), 0.5,
        true));
    out.println("  " + LiveBenchmark.targetLine("fold ÷ vector FMA peak, d=" + d + ", scalar kernel", array(scalar), null,
        true));
    if (python != null) {
      out.println("  " + LiveBenchmark.targetLine("fold ÷ numpy/OpenBLAS (1 thread, same batches), d=" + d,
          array(numpy), 1.0, true));
    }
  }

  private static double[] array(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** Events/s of the production fold over all rows, repeated for about {@code seconds}. */
  static double foldEventsPerSecond(TileKernel kernel, double[] data, int d, int batch, int rows, double seconds) {
    Tiling tiling = new Tiling(d);
    long folded = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    double[] chunk = new double[batch * d];
    do {
      double[][] tiles = CoMomentKernelBenchmark.emptyTiles(tiling);
      MomentsHeader header = new MomentsHeader(d);
      for (int from = 0; from + batch <= rows; from += batch) {
        System.arraycopy(data, from * d, chunk, 0, batch * d);
        BatchFold fold = BatchFold.prepare(header, chunk, batch, 0.0);
        for (int ti = 0, t = 0; ti < tiling.tilesPerSide(); ti++) {
          for (int tj = ti; tj < tiling.tilesPerSide(); tj++, t++) {
            fold.applyToTile(ti, tj, tiles[t], kernel);
          }
        }
        fold.updateHeader(header);
        folded += batch;
      }
    } while (System.nanoTime() < deadline);
    return folded / ((System.nanoTime() - start) / 1e9);
  }

  /**
   * Multiply-adds per second of 12 independent fma chains held in registers: the core's vector peak. One method per
   * species, each a compile-time constant: the vector API is only compiled to vector instructions when the species
   * is one (a species passed as a parameter runs the boxed fallback, 20× slower).
   */
  static double peakGfma(double seconds) {
    return Math.max(peak(seconds / 2, true), peak(seconds / 2, false));
  }

  /** Repeated short bursts, so the JIT compiles the burst as a whole method (an on-stack replacement may not). */
  private static double peak(double seconds, boolean narrow) {
    long iterations = 0;
    long start = System.nanoTime();
    long deadline = start + (long) (seconds * 1e9);
    double sum = 0;
    while (System.nanoTime() < deadline) {
      sum += narrow ? burst256(BURST) : burstPreferred(BURST);
      iterations += BURST;
    }
    keep(sum);
    double elapsed = (System.nanoTime() - start) / 1e9;
    return 12.0 * (narrow ? S256 : SMAX).length() * iterations / elapsed / 1e9;
  }

  private static final int BURST = 20_000;

  private static final VectorSpecies<Double> S256 = DoubleVector.SPECIES_256;
  private static final VectorSpecies<Double> SMAX = DoubleVector.SPECIES_PREFERRED;

  // Two copies of one burst, on purpose: the species must be a constant in each method for C2 to turn the vector
  // calls into instructions; a species passed as an argument can leave them boxed and measure a peak far too low.
  private static double burst256(int iterations) {
    DoubleVector x = DoubleVector.broadcast(S256, 0.999_999);
    DoubleVector y = DoubleVector.broadcast(S256, 1e-9);
    DoubleVector a0 = x.mul(0.1), a1 = x.mul(0.2), a2 = x.mul(0.3), a3 = x.mul(0.4), a4 = x.mul(0.5);
    DoubleVector a5 = x.mul(0.6), a6 = x.mul(0.7), a7 = x.mul(0.8), a8 = x.mul(0.9), a9 = x.mul(1.0);
    DoubleVector a10 = x.mul(1.1), a11 = x.mul(1.2);
    for (int i = 0; i < iterations; i++) {
      a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
      a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
      a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD);
  }

  private static double burstPreferred(int iterations) {
    DoubleVector x = DoubleVector.broadcast(SMAX, 0.999_999);
    DoubleVector y = DoubleVector.broadcast(SMAX, 1e-9);
    DoubleVector a0 = x.mul(0.1), a1 = x.mul(0.2), a2 = x.mul(0.3), a3 = x.mul(0.4), a4 = x.mul(0.5);
    DoubleVector a5 = x.mul(0.6), a6 = x.mul(0.7), a7 = x.mul(0.8), a8 = x.mul(0.9), a9 = x.mul(1.0);
    DoubleVector a10 = x.mul(1.1), a11 = x.mul(1.2);
    for (int i = 0; i < iterations; i++) {
      a0 = a0.fma(x, y); a1 = a1.fma(x, y); a2 = a2.fma(x, y); a3 = a3.fma(x, y);
      a4 = a4.fma(x, y); a5 = a5.fma(x, y); a6 = a6.fma(x, y); a7 = a7.fma(x, y);
      a8 = a8.fma(x, y); a9 = a9.fma(x, y); a10 = a10.fma(x, y); a11 = a11.fma(x, y);
    }
    return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
        .reduceLanes(VectorOperators.ADD);
  }


  /** Makes the chains' result observable, so the JIT cannot drop them. */
  static volatile double sink;

  private static void keep(double value) {
    sink = value;
  }

  private static final String NUMPY = String.join("\n",
      "import sys, time, numpy as np",
      "path, d, B, rows, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])",
      "X = np.fromfile(path, dtype='<f8').reshape(rows, d)",
      "folded = 0",
      "start = time.perf_counter()",
      "while True:",
      "    n = 0; mean = None; M2 = np.zeros((d, d))",
      "    for f in range(0, rows - B + 1, B):",
      "        Xb = X[f:f + B]",
      "        K = Xb[0] if mean is None else mean",
      "        Xc = Xb - K",
      "        s = Xc.sum(axis=0)",
      "        M2 += Xc.T @ Xc",
      "        M2 -= np.outer(s, s) / (n + B)",
      "        mean = K + s / (n + B)",
      "        n += B",
      "        folded += B",
      "    if time.perf_counter() - start >= seconds:",
      "        break",
      "print(folded / (time.perf_counter() - start))");

  /** Events/s of the same update in numpy (one BLAS thread), from its own clock. */
  static double numpyEventsPerSecond(String python, Path file, int d, int batch, int rows, double seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(python, "-c", NUMPY, file.toString(), String.valueOf(d),
        String.valueOf(batch), String.valueOf(rows), String.valueOf(seconds));
    pb.environment().put("OPENBLAS_NUM_THREADS", "1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    pb.environment().put("MKL_NUM_THREADS", "1");
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IOException("numpy side failed (" + python + "): " + output);
    }
    String[] lines = output.split("\n");
    return Double.parseDouble(lines[lines.length - 1].trim());
  }
}
