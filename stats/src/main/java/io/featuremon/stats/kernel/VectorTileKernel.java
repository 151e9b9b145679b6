package io.featuremon.stats.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernel where the JDK's vector API is available (incubating in Java 17: {@code --add-modules
 * jdk.incubator.vector}, which the launcher and the build pass) and the CPU has 256-bit vectors: blocks of 8 rows ×
 * 8 columns (16 accumulators of 4 lanes: per batch row 2 vector loads and 8 broadcasts feed 16 multiplies and 16
 * adds) while the batch streams past. Measured here (d = 384, B = 256) against 4 × 8 blocks: 1.06×; splitting the
 * batch into chunks that keep both panels in L1 was slower (0.95× at 64 rows), so the batch streams whole.
 *
 * <p>Lane k of an accumulator is output element k, and each step is one multiply and one add per lane, so every
 * element gets exactly the scalar kernel's sequence of roundings: same bits ({@link TileKernel}). Loaded only when
 * usable (see {@link Kernels}); tails go to the scalar kernel's element loop.
 */
final class VectorTileKernel implements TileKernel {
  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_256;

  static boolean usable() {
    return DoubleVector.SPECIES_PREFERRED.vectorBitSize() >= 256;
  }

  @Override
  public String name() {
    return "vector (256-bit, 8 × 8 blocks)";
  }

  @Override
  public void apply(PackedBatch batch, int r0, int r1, int c0, int width, boolean diagonal, double[] tile) {
    TileKernel.requireAligned(r0, c0);
    double[] v = batch.values();
    int rows = batch.rows();
    int height = r1 - r0;
    int blocked = height & -8; // rows in blocks of 8 (a tile of 128 rows has no others), then single rows
    for (int a = 0; a < blocked; a += 8) {
      int xBase = batch.offset(r0 + a, 0);
      for (int k = TileKernel.firstColumn(a, diagonal); k + PackedBatch.PANEL <= width; k += PackedBatch.PANEL) {
        block8(v, rows, xBase, batch.offset(c0 + k, 0), tile, a * width + k, width);
      }
    }
    // What the blocks left: columns past the last whole panel, rows past the last block of 8.
    for (int a = 0; a < height; a++) {
      int first = TileKernel.firstColumn(a, diagonal);
      int vectorEnd = a < blocked ? first + (width - first) / PackedBatch.PANEL * PackedBatch.PANEL : first;
      ScalarTileKernel.elements(batch, r0 + a, c0, vectorEnd, width, tile, a * width);
    }
  }

  /** Rows xBase..+7 (a whole panel) × the 8 columns of the panel at yBase: 16 accumulators. */
  private static void block8(double[] v, int rows, int xBase, int yBase, double[] tile, int t, int width) {
    int t1 = t + width, t2 = t1 + width, t3 = t2 + width, t4 = t3 + width, t5 = t4 + width, t6 = t5 + width;
    int t7 = t6 + width;
    DoubleVector a00 = DoubleVector.fromArray(S, tile, t), a01 = DoubleVector.fromArray(S, tile, t + 4);
    DoubleVector a10 = DoubleVector.fromArray(S, tile, t1), a11 = DoubleVector.fromArray(S, tile, t1 + 4);
    DoubleVector a20 = DoubleVector.fromArray(S, tile, t2), a21 = DoubleVector.fromArray(S, tile, t2 + 4);
    DoubleVector a30 = DoubleVector.fromArray(S, tile, t3), a31 = DoubleVector.fromArray(S, tile, t3 + 4);
    DoubleVector a40 = DoubleVector.fromArray(S, tile, t4), a41 = DoubleVector.fromArray(S, tile, t4 + 4);
    DoubleVector a50 = DoubleVector.fromArray(S, tile, t5), a51 = DoubleVector.fromArray(S, tile, t5 + 4);
    DoubleVector a60 = DoubleVector.fromArray(S, tile, t6), a61 = DoubleVector.fromArray(S, tile, t6 + 4);
    DoubleVector a70 = DoubleVector.fromArray(S, tile, t7), a71 = DoubleVector.fromArray(S, tile, t7 + 4);
    for (int r = 0; r < rows; r++) {
      int y = yBase + r * PackedBatch.PANEL;
      int x = xBase + r * PackedBatch.PANEL;
      DoubleVector y0 = DoubleVector.fromArray(S, v, y);
      DoubleVector y1 = DoubleVector.fromArray(S, v, y + 4);
      DoubleVector x0 = DoubleVector.broadcast(S, v[x]);
      a00 = x0.mul(y0).add(a00);
      a01 = x0.mul(y1).add(a01);
      DoubleVector x1 = DoubleVector.broadcast(S, v[x + 1]);
      a10 = x1.mul(y0).add(a10);
      a11 = x1.mul(y1).add(a11);
      DoubleVector x2 = DoubleVector.broadcast(S, v[x + 2]);
      a20 = x2.mul(y0).add(a20);
      a21 = x2.mul(y1).add(a21);
      DoubleVector x3 = DoubleVector.broadcast(S, v[x + 3]);
      a30 = x3.mul(y0).add(a30);
      a31 = x3.mul(y1).add(a31);
      DoubleVector x4 = DoubleVector.broadcast(S, v[x + 4]);
      a40 = x4.mul(y0).add(a40);
      a41 = x4.mul(y1).add(a41);
      DoubleVector x5 = DoubleVector.broadcast(S, v[x + 5]);
      a50 = x5.mul(y0).add(a50);
      a51 = x5.mul(y1).add(a51);
      DoubleVector x6 = DoubleVector.broadcast(S, v[x + 6]);
      a60 = x6.mul(y0).add(a60);
      a61 = x6.mul(y1).add(a61);
      DoubleVector x7 = DoubleVector.broadcast(S, v[x + 7]);
      a70 = x7.mul(y0).add(a70);
      a71 = x7.mul(y1).add(a71);
    }
    a00.intoArray(tile, t); a01.intoArray(tile, t + 4);
    a10.intoArray(tile, t1); a11.intoArray(tile, t1 + 4);
    a20.intoArray(tile, t2); a21.intoArray(tile, t2 + 4);
    a30.intoArray(tile, t3); a31.intoArray(tile, t3 + 4);
    a40.intoArray(tile, t4); a41.intoArray(tile, t4 + 4);
    a50.intoArray(tile, t5); a51.intoArray(tile, t5 + 4);
    a60.intoArray(tile, t6); a61.intoArray(tile, t6 + 4);
    a70.intoArray(tile, t7); a71.intoArray(tile, t7 + 4);
  }
}
