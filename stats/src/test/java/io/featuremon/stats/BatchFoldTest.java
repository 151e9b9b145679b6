package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The register-blocked tile loop of {@link BatchFold} against the plain loop it replaced (a tile row in L1, the batch
 * streaming past), bit for bit: blocking may change the speed, never a stored co-moment, or replays of old runs and
 * runs on other CPUs would no longer give the same bytes.
 */
class BatchFoldTest {

  @Test
  void blockedTilesShouldBeBitIdenticalToThePlainLoop() {
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
                fold.applyToTile(tr, tc, blocked[t]);
                reference.applyToTile(tiling, tr, tc, plain[t]);
                for (int e = 0; e < plain[t].length; e++) {
                  assertThat(Double.doubleToRawLongBits(blocked[t][e]))
                      .as("d=%d rows=%d offset=%s round %d tile (%d,%d) element %d", d, rows, offset, round, tr, tc, e)
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

  /** The loop BatchFold used before it was register-blocked, on the same centred batch. */
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
        for (int r = 0; r < rows; r++) {
          double xi = centred[r * d + i];
          for (int k = 0; k < width; k++) {
            tile[rowOffset + k] += xi * centred[r * d + c0 + k];
          }
        }
        double si = exactSums[i] * inverseCount;
        double li = low[i];
        for (int k = 0; k < width; k++) {
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
