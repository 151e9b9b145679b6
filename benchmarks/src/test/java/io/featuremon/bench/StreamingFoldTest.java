package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.stats.MomentsHeader;
import io.featuremon.stats.Tiling;
import org.junit.jupiter.api.Test;

/** The previous (streaming) tile loop and the production register-blocked one must give the same tiles bit for bit. */
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
        for (int t = 0; t < expected.length; t++) {
          assertThat(actual[t]).as("d=%d B=%d tile %d", d, batch, t).isEqualTo(expected[t]);
        }
        assertThat(state.mean).isEqualTo(header.mean());
        assertThat(state.count).isEqualTo(header.count());
        assertThat(state.min).isEqualTo(header.min());
        assertThat(state.max).isEqualTo(header.max());
      }
    }
  }
}
