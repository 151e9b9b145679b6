package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.featuremon.stats.CoMoments;
import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Tiling;
import org.junit.jupiter.api.Test;

/** The benchmark's two kernels must compute the same thing, or the ratio between them means nothing. */
class CoMomentKernelBenchmarkTest {
  private static final int D = 200; // two tiles per side, the second one partial
  private static final int BATCH = 7;
  private static final int BATCHES = 5;

  @Test
  void shouldComputeTheSameCoMomentsBatchedAndOneEventAtATime() {
    SyntheticEmbeddings gen = new SyntheticEmbeddings(D, 3);
    double[][] batches = new double[BATCHES][];
    double[][] rows = new double[BATCHES * BATCH][];
    for (int b = 0; b < BATCHES; b++) {
      batches[b] = gen.nextBatch(BATCH);
      for (int r = 0; r < BATCH; r++) {
        rows[b * BATCH + r] = java.util.Arrays.copyOfRange(batches[b], r * D, (r + 1) * D);
      }
    }
    Tiling tiling = new Tiling(D);
    double[][] batchedTiles = CoMomentKernelBenchmark.emptyTiles(tiling);
    double[][] naiveTiles = CoMomentKernelBenchmark.emptyTiles(tiling);
    MomentsHeader header = new MomentsHeader(D);
    long n = 0;
    double[] mean = new double[D];
    double[] min = new double[D];
    double[] max = new double[D];
    long[] inactive = new long[D];
    double[] delta = new double[D];
    for (double[] batch : batches) {
      CoMomentKernelBenchmark.foldBatched(tiling, batchedTiles, header, batch, BATCH);
      for (int r = 0; r < BATCH; r++) {
        n = CoMomentKernelBenchmark.rank1Update(tiling, naiveTiles, n, mean, min, max, inactive, batch, r * D, delta);
      }
    }
    CoMoments reference = CoMoments.ofRows(rows, BATCH);

    assertThat(n).isEqualTo(header.count()).isEqualTo(BATCHES * BATCH);
    for (int j = 0; j < D; j++) {
      assertThat(mean[j]).isCloseTo(header.mean()[j], within(1e-12));
    }
    for (int ti = 0, t = 0; ti < tiling.tilesPerSide(); ti++) {
      for (int tj = ti; tj < tiling.tilesPerSide(); tj++, t++) {
        int w = tiling.width(tj);
        for (int i = tiling.start(ti); i < tiling.end(ti); i++) {
          for (int j = tiling.start(tj); j < tiling.end(tj); j++) {
            int at = (i - tiling.start(ti)) * w + (j - tiling.start(tj));
            double expected = reference.comoment(i, j);
            double tolerance = 1e-9 * (1 + Math.abs(expected));
            if (ti != tj || j >= i) { // the production kernels skip the lower half of diagonal tiles (nobody reads it)
              assertThat(batchedTiles[t][at]).isCloseTo(expected, within(tolerance));
            }
            assertThat(naiveTiles[t][at]).isCloseTo(expected, within(tolerance));
          }
        }
      }
    }
  }

  @Test
  void shouldCountTheUsefulMultiplyAddsOfTheUpperTriangle() {
    assertThat(KernelBenchmarks.fmaPerEvent(768)).isEqualTo(768 * 769 / 2);
    assertThat(KernelBenchmarks.fmaPerEvent(384)).isEqualTo(384 * 385 / 2);
  }

}
