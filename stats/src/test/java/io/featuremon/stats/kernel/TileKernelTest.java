package io.featuremon.stats.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernels' contract, element by element: every updated element is the chain of products and sums in batch-row
 * order, whichever kernel ran, and nothing else in the tile changes. Shapes cover whole and partial vector blocks,
 * rows that do not fill a block of 4, tiles narrower than a panel, diagonal and off-diagonal tiles.
 */
class TileKernelTest {

  @Test
  void vectorAndScalarKernelsShouldGiveTheContractsBits() {
    Random random = new Random(11);
    TileKernel[] kernels = {TileKernel.scalar(), TileKernel.best(), new VectorTileKernelProbe().kernel()};
    for (int d : new int[] {1, 3, 4, 7, 8, 9, 13, 17, 33, 130}) {
      for (int rows : new int[] {1, 2, 5, 64}) {
        double[] batch = new double[rows * d];
        for (int v = 0; v < batch.length; v++) {
          batch[v] = random.nextGaussian() * Math.scalb(1.0, random.nextInt(40) - 20);
        }
        PackedBatch packed = new PackedBatch(batch, rows, d);
        // rows r0..r1 and columns c0..c0 + width of a d × d matrix: the whole square (diagonal) and, when there is
        // room, the upper-right corner block (off-diagonal); tiles start at multiples of a panel, as Tiling's do.
        int split = (d / 2) & -PackedBatch.PANEL;
        int[][] shapes = split == 0 ? new int[][] {{0, d, 0, d, 1}}
            : new int[][] {{0, d, 0, d, 1}, {0, split, split, d - split, 0}};
        for (int[] shape : shapes) {
          int r0 = shape[0];
          int r1 = shape[1];
          int c0 = shape[2];
          int width = shape[3];
          boolean diagonal = shape[4] == 1;
          double[] start = new double[(r1 - r0) * width];
          for (int e = 0; e < start.length; e++) {
            start[e] = random.nextGaussian();
          }
          double[] expected = start.clone();
          for (int i = r0; i < r1; i++) {
            for (int k = TileKernel.firstColumn(i - r0, diagonal); k < width; k++) {
              double a = expected[(i - r0) * width + k];
              for (int r = 0; r < rows; r++) {
                a += batch[r * d + i] * batch[r * d + c0 + k];
              }
              expected[(i - r0) * width + k] = a;
            }
          }
          for (TileKernel kernel : kernels) {
            if (kernel == null) {
              continue;
            }
            double[] tile = start.clone();
            kernel.apply(packed, r0, r1, c0, width, diagonal, tile);
            for (int e = 0; e < tile.length; e++) {
              assertThat(Double.doubleToRawLongBits(tile[e]))
                  .as("%s d=%d rows=%d diagonal=%s element %d", kernel.name(), d, rows, diagonal, e)
                  .isEqualTo(Double.doubleToRawLongBits(expected[e]));
            }
          }
        }
      }
    }
  }

  @Test
  void theBuildShouldRunTheVectorKernel() {
    // The build passes --add-modules jdk.incubator.vector and this machine has AVX2: if the vector kernel silently
    // fell back to the scalar one, the comparison above would compare scalar with scalar.
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector")).isPresent();
    if (VectorTileKernel.usable() && !"scalar".equals(System.getProperty("featuremon.kernel"))) {
      assertThat(TileKernel.best()).isInstanceOf(VectorTileKernel.class);
    }
  }

  /** The vector kernel directly, when this CPU can run it (the best kernel may have been forced to scalar). */
  private static final class VectorTileKernelProbe {
    TileKernel kernel() {
      return VectorTileKernel.usable() ? new VectorTileKernel() : null;
    }
  }
}
