package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.stats.kernel.TileKernel;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchFold}'s tiles, with each kernel, against the plainest loop that meets the kernels' contract (one fused
 * product and one sum per element per batch row, in row order, then the mean correction), bit for bit: a kernel may change
 * the speed, never a stored co-moment, or runs on other CPUs would no longer give the same bytes. Also: the strictly
 * lower part of a diagonal tile that the kernels skip is never written, and the mirrored result equals the dense
 * fold.
 */
class BatchFoldTest {

  /**
   * d = 0, a tabular model whose features are all categorical: a fold only counts its rows (once "batch holds 0
   * values, need 20 × 0", which killed the stream thread), and the counts merge.
   */
  @Test
  void zeroDimensionsShouldOnlyCount() {
    CoMoments a = CoMoments.empty(0);
    a.fold(new double[0], 20);
    a.fold(new double[0], 5);
    assertThat(a.count()).isEqualTo(25);
    assertThat(a.dimensions()).isZero();
    CoMoments b = CoMoments.empty(0);
    b.fold(new double[0], 7);
    assertThat(a.merge(b).count()).isEqualTo(32);
    RedundancyReport report = Redundancy.analyze(a, 10);
    assertThat(report.fretL1()).isZero();
    assertThat(report.effectiveRank()).isZero();
  }

  @Test
  void everyKernelShouldGiveThePlainLoopsBits() {
    for (TileKernel kernel : new TileKernel[] {TileKernel.scalar(), TileKernel.best()}) {
      tilesShouldMatchThePlainLoop(kernel);
    }
  }

  private static void tilesShouldMatchThePlainLoop(TileKernel kernel) {
    Random random = new Random(5);
    // Widths that are and are not multiples of 4, tiles of 128 and a ragged last tile, batches of 1 to 256 rows, an
    // empty state (shift = first row) and a state with a large offset (a mean with a low part).
    for (int d : new int[] {1, 3, 4, 7, 13, 130, 261}) {
      for (int rows : new int[] {1, 5, 256}) {
        for (double offset : new double[] {0, 1e6}) {
          MomentsHeader header = new MomentsHeader(d);
          Tiling tiling = new Tiling(d);
          int n = tiling.tilesPerSide();
          double[][] blocked = new double[n * n][];
          double[][] plain = new double[n * n][];
          for (int round = 0; round < 3; round++) {
            double[] batch = new double[rows * d];
            for (int v = 0; v < batch.length; v++) {
              batch[v] = offset + 1e-3 * random.nextGaussian() + (v % d) * 0.25;
            }
            BatchFold fold = BatchFold.prepare(header, batch, rows, 0);
            Plain reference = new Plain(header, batch, rows);
            for (int tr = 0; tr < n; tr++) {
              for (int tc = tr; tc < n; tc++) {
                int t = tr * n + tc;
                if (blocked[t] == null) {
                  blocked[t] = new double[tiling.tileLength(tr, tc)];
                  plain[t] = new double[tiling.tileLength(tr, tc)];
                }
                fold.applyToTile(tr, tc, blocked[t], kernel);
                reference.applyToTile(tiling, tr, tc, plain[t]);
                for (int e = 0; e < plain[t].length; e++) {
                  assertThat(Double.doubleToRawLongBits(blocked[t][e]))
                      .as("%s d=%d rows=%d offset=%s round %d tile (%d,%d) element %d", kernel.name(), d, rows, offset,
                          round, tr, tc, e)
                      .isEqualTo(Double.doubleToRawLongBits(plain[t][e]));
                }
              }
            }
            fold.updateHeader(header);
          }
        }
      }
    }
  }

  /** The contract's plain loop, on the same centred batch; skipped lower elements stay exactly 0. */
  private static final class Plain {
    final int d;
    final int rows;
    final double[] centred;
    final double[] sums;
    final double[] low;
    final double[] exactSums;
    final long newCount;

    Plain(MomentsHeader header, double[] batch, int rows) {
      this.d = header.dimensions();
      this.rows = rows;
      boolean empty = header.count() == 0;
      double[] shift = empty ? batch : header.mean();
      centred = new double[rows * d];
      sums = new double[d];
      for (int r = 0; r < rows; r++) {
        for (int j = 0; j < d; j++) {
          centred[r * d + j] = batch[r * d + j] - shift[j];
          sums[j] += centred[r * d + j];
        }
      }
      low = empty ? new double[d] : header.meanLow().clone();
      exactSums = new double[d];
      for (int j = 0; j < d; j++) {
        exactSums[j] = sums[j] - rows * low[j];
      }
      newCount = header.count() + rows;
    }

    void applyToTile(Tiling tiling, int tileRow, int tileCol, double[] tile) {
      int r0 = tiling.start(tileRow);
      int c0 = tiling.start(tileCol);
      int width = tiling.width(tileCol);
      double inverseCount = 1.0 / newCount;
      boolean allZero = true;
      for (int k = 0; k < width; k++) {
        allZero &= low[c0 + k] == 0;
      }
      for (int i = r0; i < tiling.end(tileRow); i++) {
        int rowOffset = (i - r0) * width;
        int first = TileKernel.firstColumn(i - r0, tileRow == tileCol);
        for (int r = 0; r < rows; r++) {
          double xi = centred[r * d + i];
          for (int k = first; k < width; k++) {
            tile[rowOffset + k] += xi * centred[r * d + c0 + k];
          }
        }
        double si = exactSums[i] * inverseCount;
        double li = low[i];
        for (int k = first; k < width; k++) {
          if (li == 0 && allZero) {
            tile[rowOffset + k] -= si * exactSums[c0 + k];
          } else {
            double lj = low[c0 + k];
            tile[rowOffset + k] += -li * sums[c0 + k] - sums[i] * lj + rows * li * lj - si * exactSums[c0 + k];
          }
        }
      }
    }
  }
}
