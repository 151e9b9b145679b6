package io.featuremon.bench;

import io.featuremon.stats.BatchFold;
import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Tiling;
import java.util.concurrent.TimeUnit;
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
 * The co-moment kernel: one batched fold of B events into every upper-triangle tile ({@link BatchFold}, what
 * the window stage runs every {@code stats.fold.batch.size} events) against the obvious alternative, one rank-1
 * update per event over the same tiles ({@code naiveRank1}), and against {@code streaming}, the loop BatchFold used
 * before it was register-blocked, which gives bit-identical tiles ({@link StreamingFold}).
 *
 * <p>One benchmark operation is B events for both methods, so the ratio of their scores is the ratio of events/s.
 * The state is one pane's tiles and header, kept across invocations (the count grows, which is what a pane does);
 * batches cycle through a few pre-generated ones so the data is not constant.
 *
 * <p>Run with the ratios printed: {@code java -cp benchmarks/target/featuremon-benchmarks.jar
 * io.featuremon.bench.KernelBenchmarks}; or plain JMH: {@code java -jar benchmarks/target/featuremon-benchmarks.jar
 * CoMomentKernelBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "--add-modules=jdk.incubator.vector"})
public class CoMomentKernelBenchmark {
  private static final int DISTINCT_BATCHES = 4;

  @Param({"384", "768"})
  public int dimensions;

  @Param({"64", "256"})
  public int batchSize;

  private Tiling tiling;
  private double[][] tiles; // upper triangle, index TileIndex.of(ti, tj)
  private MomentsHeader header;
  private double[][] batches; // each batchSize × d, row-major
  private int next;

  // the naive baseline's own per-dimension state (same contents as MomentsHeader, whose count only folds may move)
  private long naiveCount;
  private double[] naiveMean;
  private double[] naiveMin;
  private double[] naiveMax;
  private long[] naiveInactive;
  private double[] delta;
  private StreamingFold.State streamingState;

  @Setup(Level.Trial)
  public void setUp() {
    tiling = new Tiling(dimensions);
    tiles = emptyTiles(tiling);
    header = new MomentsHeader(dimensions);
    SyntheticEmbeddings gen = new SyntheticEmbeddings(dimensions, 42);
    batches = new double[DISTINCT_BATCHES][];
    for (int b = 0; b < DISTINCT_BATCHES; b++) {
      batches[b] = gen.nextBatch(batchSize);
    }
    delta = new double[dimensions];
    naiveMean = new double[dimensions];
    naiveMin = new double[dimensions];
    naiveMax = new double[dimensions];
    naiveInactive = new long[dimensions];
    java.util.Arrays.fill(naiveMin, Double.POSITIVE_INFINITY);
    java.util.Arrays.fill(naiveMax, Double.NEGATIVE_INFINITY);
    double[] first = batches[0];
    for (int r = 0; r < batchSize; r++) {
      naiveCount = rank1Update(tiling, tiles, naiveCount, naiveMean, naiveMin, naiveMax, naiveInactive, first,
          r * dimensions, delta);
    }
    streamingState = new StreamingFold.State(dimensions);
    foldStreaming(tiling, tiles, streamingState, first, batchSize);
    // Start from a non-empty state, as every fold but a pane's first does (the batch is centred on the mean).
    batched();
  }

  private double[] nextBatch() {
    double[] b = batches[next];
    next = (next + 1) % DISTINCT_BATCHES;
    return b;
  }

  /** What the window stage does every B events of a pane (without the store round trip). */
  @Benchmark
  public MomentsHeader batched() {
    return foldBatched(tiling, tiles, header, nextBatch(), batchSize);
  }

  /** The same B events, one exact rank-1 update each (Welford / Chan with a batch of one). */
  @Benchmark
  public long naiveRank1() {
    double[] batch = nextBatch();
    long n = naiveCount;
    for (int r = 0; r < batchSize; r++) {
      n = rank1Update(tiling, tiles, n, naiveMean, naiveMin, naiveMax, naiveInactive, batch, r * dimensions, delta);
    }
    naiveCount = n;
    return n;
  }

  /** BatchFold's previous tile loop: a tile row in L1, the batch streaming past; bit-identical (see {@link StreamingFold}). */
  @Benchmark
  public long streaming() {
    return foldStreaming(tiling, tiles, streamingState, nextBatch(), batchSize);
  }

  static long foldStreaming(Tiling tiling, double[][] tiles, StreamingFold.State state, double[] batch, int rows) {
    StreamingFold fold = StreamingFold.prepare(state, batch, rows, 0.0);
    int side = tiling.tilesPerSide();
    for (int ti = 0, t = 0; ti < side; ti++) {
      for (int tj = ti; tj < side; tj++, t++) {
        fold.applyToTile(ti, tj, tiles[t]);
      }
    }
    fold.updateState(state);
    return state.count;
  }

  static MomentsHeader foldBatched(Tiling tiling, double[][] tiles, MomentsHeader header, double[] batch, int rows) {
    BatchFold fold = BatchFold.prepare(header, batch, rows, 0.0);
    int side = tiling.tilesPerSide();
    for (int ti = 0, t = 0; ti < side; ti++) {
      for (int tj = ti; tj < side; tj++, t++) {
        fold.applyToTile(ti, tj, tiles[t]);
      }
    }
    fold.updateHeader(header);
    return header;
  }

  /**
   * One event: with δ = x − mean (before), M2 += δ δᵀ · n/(n+1) and mean += δ/(n+1) — exactly Chan's merge with a
   * batch of one row, so both methods compute the same numbers (up to rounding). Same tile layout as the batched
   * kernel (diagonal tiles full), so the only difference is that every event streams the whole triangle.
   */
  static long rank1Update(Tiling tiling, double[][] tiles, long n, double[] mean, double[] min, double[] max,
      long[] inactive, double[] rows, int offset, double[] delta) {
    int d = tiling.dimensions();
    double inverse = 1.0 / (n + 1);
    double factor = n * inverse;
    for (int j = 0; j < d; j++) {
      double x = rows[offset + j];
      double dj = x - mean[j];
      delta[j] = dj;
      mean[j] += dj * inverse;
      min[j] = Math.min(min[j], x);
      max[j] = Math.max(max[j], x);
      if (x == 0.0) {
        inactive[j]++;
      }
    }
    int side = tiling.tilesPerSide();
    for (int ti = 0, t = 0; ti < side; ti++) {
      int r0 = tiling.start(ti);
      int r1 = tiling.end(ti);
      for (int tj = ti; tj < side; tj++, t++) {
        double[] tile = tiles[t];
        int c0 = tiling.start(tj);
        int width = tiling.width(tj);
        for (int i = r0; i < r1; i++) {
          double di = delta[i] * factor;
          int rowOffset = (i - r0) * width;
          for (int k = 0; k < width; k++) {
            tile[rowOffset + k] += di * delta[c0 + k];
          }
        }
      }
    }
    return n + 1;
  }

  /** Zeroed upper-triangle tiles of one pane, in row-major tile order (what every kernel here folds into). */
  static double[][] emptyTiles(Tiling tiling) {
    int side = tiling.tilesPerSide();
    double[][] tiles = new double[side * (side + 1) / 2][];
    for (int ti = 0, t = 0; ti < side; ti++) {
      for (int tj = ti; tj < side; tj++, t++) {
        tiles[t] = new double[tiling.tileLength(ti, tj)];
      }
    }
    return tiles;
  }
}
