package io.featuremon.bench;

import io.featuremon.stats.drift.NumericSketch;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * The drift stage's sketch update on its own: {@code d} sketches side by side (one per embedding dimension), each
 * taking a column of {@code batch} values at a time through {@link NumericSketch#updateColumns}, as
 * {@code DriftState.add} does. Prints ns a value per round (each round adds {@code batches} batches to fresh
 * sketches, after a warm-up), then the median: the thread's CPU time, which a busy machine disturbs less than the
 * wall-clock time printed beside it. Only the public API is used, so the same source times any version of
 * NumericSketch (compile it against another build's jar to compare two in one session, alternating runs).
 *
 * <p>Run: {@code java -cp benchmarks/target/classes:$(cat topology/target/classpath.txt)
 * io.featuremon.bench.SketchUpdateBench [d] [k] [batch] [batches] [rounds]} (defaults 384 200 256 400 7).
 */
public final class SketchUpdateBench {
  private SketchUpdateBench() {}

  public static void main(String[] args) {
    int d = args.length > 0 ? Integer.parseInt(args[0]) : 384;
    int k = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int batches = args.length > 3 ? Integer.parseInt(args[3]) : 400;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 7;
    int block = 32; // DriftState's COLUMN_BLOCK
    // A pool of columns to cycle through: generating values must not be what is timed.
    Random random = new Random(1);
    double[][][] pool = new double[16][block][batch];
    for (double[][] columns : pool) {
      for (double[] column : columns) {
        for (int r = 0; r < batch; r++) {
          column[r] = 10 + 3 * random.nextGaussian();
        }
      }
    }
    int[] counts = new int[block];
    Arrays.fill(counts, batch);
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    double[] results = new double[rounds];
    long checksum = 0;
    for (int round = -2; round < rounds; round++) { // two warm-up rounds
      NumericSketch[] sketches = new NumericSketch[d];
      for (int i = 0; i < d; i++) {
        sketches[i] = NumericSketch.create(k);
      }
      long start = System.nanoTime();
      long cpuStart = threads.getCurrentThreadCpuTime();
      for (int b = 0; b < batches; b++) {
        for (int from = 0; from < d; from += block) {
          int width = Math.min(block, d - from);
          NumericSketch.updateColumns(sketches, from, pool[(b + from / block) & 15], counts, width);
        }
      }
      long cpu = threads.getCurrentThreadCpuTime() - cpuStart;
      long elapsed = System.nanoTime() - start;
      checksum += sketches[d - 1].retained();
      if (round >= 0) {
        long values = (long) d * batch * batches;
        results[round] = (double) cpu / values;
        System.out.printf(Locale.ROOT, "round %d: %.1f ns/value CPU, %.1f wall%n", round, results[round],
            (double) elapsed / values);
      }
    }
    double[] sorted = results.clone();
    Arrays.sort(sorted);
    System.out.printf(Locale.ROOT, "d=%d k=%d batch=%d batches=%d: median %.1f ns/value CPU [%.1f - %.1f] (checksum %d)%n",
        d, k, batch, batches, sorted[rounds / 2], sorted[0], sorted[rounds - 1], checksum);
  }
}
