package io.featuremon.bench;

import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Tiling;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * A cross-check of the JMH kernel ratios that survives a noisy machine: the three kernels of
 * {@link CoMomentKernelBenchmark} timed in short slices, in rotating order (naive, batched, streaming; batched,
 * streaming, naive; ...), so all three see the same load. JMH runs one benchmark after the other, and on a shared machine a
 * neighbour's burst during one of them moves the ratio more than the kernels do; here every round gives one ratio and
 * the spread over rounds shows what the noise did.
 */
final class InterleavedKernels {
  private InterleavedKernels() {}

  /** One kernel's private state, so no kernel runs on tiles warmed by another. */
  private static final class Lane {
    final double[][] tiles;
    final MomentsHeader header;
    final StreamingFold.State streaming;
    final double[] mean;
    final double[] min;
    final double[] max;
    final long[] inactive;
    final double[] delta;
    long count;

    Lane(Tiling tiling) {
      int d = tiling.dimensions();
      tiles = CoMomentKernelBenchmark.emptyTiles(tiling);
      header = new MomentsHeader(d);
      streaming = new StreamingFold.State(d);
      mean = new double[d];
      min = new double[d];
      max = new double[d];
      inactive = new long[d];
      delta = new double[d];
      Arrays.fill(min, Double.POSITIVE_INFINITY);
      Arrays.fill(max, Double.NEGATIVE_INFINITY);
    }
  }

  static void run(int[] dimensions, int[] batchSizes, int rounds, PrintStream out) {
    out.printf("interleaved cross-check: %d rounds per shape, kernels in rotating order, ratio per round; median [min – max]%n",
        rounds);
    out.printf("  %5s %4s %26s %26s %26s%n", "d", "B", "batched/naive events/s", "batched/streaming events/s",
        "streaming/naive events/s");
    for (int d : dimensions) {
      for (int b : batchSizes) {
        double[][] r = measure(d, b, rounds);
        out.printf("  %5d %4d %26s %26s %26s%n", d, b, spread(r[0]), spread(r[1]), spread(r[2]));
        out.flush();
      }
    }
  }

  /** Ratios per round: [batched/naive, batched/streaming, streaming/naive] in events/s. */
  static double[][] measure(int d, int batchSize, int rounds) {
    Tiling tiling = new Tiling(d);
    SyntheticEmbeddings gen = new SyntheticEmbeddings(d, 42);
    double[][] batches = new double[4][];
    for (int i = 0; i < batches.length; i++) {
      batches[i] = gen.nextBatch(batchSize);
    }
    Lane[] lanes = {new Lane(tiling), new Lane(tiling), new Lane(tiling)};
    // Warm up (JIT) and calibrate a slice of about 0.25 s per kernel.
    int[] ops = new int[3];
    for (int k = 0; k < 3; k++) {
      long t0 = System.nanoTime();
      int n = 0;
      while (System.nanoTime() - t0 < 1_000_000_000L) {
        step(k, lanes[k], tiling, batches[n % batches.length], batchSize);
        n++;
      }
      ops[k] = Math.max(1, n / 4);
    }
    double[][] ratios = new double[3][rounds];
    double[] nanosPerOp = new double[3];
    for (int round = 0; round < rounds; round++) {
      for (int j = 0; j < 3; j++) {
        int k = (round + j) % 3;
        long t0 = System.nanoTime();
        for (int n = 0; n < ops[k]; n++) {
          step(k, lanes[k], tiling, batches[n % batches.length], batchSize);
        }
        nanosPerOp[k] = (System.nanoTime() - t0) / (double) ops[k];
      }
      ratios[0][round] = nanosPerOp[0] / nanosPerOp[1];
      ratios[1][round] = nanosPerOp[2] / nanosPerOp[1];
      ratios[2][round] = nanosPerOp[0] / nanosPerOp[2];
    }
    return ratios;
  }

  private static void step(int kernel, Lane lane, Tiling tiling, double[] batch, int rows) {
    switch (kernel) {
      case 0 -> {
        long n = lane.count;
        for (int r = 0; r < rows; r++) {
          n = CoMomentKernelBenchmark.rank1Update(tiling, lane.tiles, n, lane.mean, lane.min, lane.max, lane.inactive,
              batch, r * tiling.dimensions(), lane.delta);
        }
        lane.count = n;
      }
      case 1 -> CoMomentKernelBenchmark.foldBatched(tiling, lane.tiles, lane.header, batch, rows);
      default -> CoMomentKernelBenchmark.foldStreaming(tiling, lane.tiles, lane.streaming, batch, rows);
    }
  }

  private static String spread(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return String.format("%.2f [%.2f – %.2f]", Spread.median(v), s[0], s[s.length - 1]);
  }
}
