package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Tiling;
import org.junit.jupiter.api.Test;

/**
 * The streaming tile loop (production until the register-blocked loop replaced it) against the production fold
 * (now the vector or the scalar kernel): the same tiles, count, mean and range bit for bit. Only the upper half of
 * diagonal tiles is compared: the production kernels skip the lower half, which nobody reads.
 */
class StreamingFoldTest {

  @Test
  void shouldGiveBitIdenticalTilesAndMeansToBatchFold() {
    for (int d : new int[] {131, 200, 256}) { // tile edges that are and are not multiples of the 4 × 4 block
      for (int batch : new int[] {1, 7, 64}) {
        Tiling tiling = new Tiling(d);
        double[][] expected = CoMomentKernelBenchmark.emptyTiles(tiling);
        double[][] actual = CoMomentKernelBenchmark.emptyTiles(tiling);
        MomentsHeader header = new MomentsHeader(d);
        StreamingFold.State state = new StreamingFold.State(d);
        SyntheticEmbeddings gen = new SyntheticEmbeddings(d, d * 31L + batch);
        for (int b = 0; b < 4; b++) {
          double[] rows = gen.nextBatch(batch);
          CoMomentKernelBenchmark.foldBatched(tiling, expected, header, rows, batch);
          CoMomentKernelBenchmark.foldStreaming(tiling, actual, state, rows, batch);
        }
        int n = tiling.tilesPerSide();
        for (int ti = 0, t = 0; ti < n; ti++) {
          for (int tj = ti; tj < n; tj++, t++) {
            double[] e = expected[t];
            double[] a = actual[t];
            int w = tiling.width(tj);
            for (int r = 0; r < tiling.width(ti); r++) {
              for (int c = ti == tj ? r : 0; c < w; c++) {
                assertThat(Double.doubleToRawLongBits(a[r * w + c]))
                    .as("d=%d B=%d tile (%d,%d) element (%d,%d)", d, batch, ti, tj, r, c)
                    .isEqualTo(Double.doubleToRawLongBits(e[r * w + c]));
              }
            }
          }
        }
        assertThat(state.mean).isEqualTo(header.mean());
        assertThat(state.count).isEqualTo(header.count());
        assertThat(state.min).isEqualTo(header.min());
        assertThat(state.max).isEqualTo(header.max());
      }
    }
  }
}
