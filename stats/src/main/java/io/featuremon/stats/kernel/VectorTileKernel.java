package io.featuremon.stats.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernel where the JDK's vector API is available (incubating in Java 17: {@code --add-modules
 * jdk.incubator.vector}, which the launcher and the build pass) and the CPU has 256-bit vectors: blocks of 4 rows ×
 * 8 columns (8 accumulators of 4 lanes, enough independent chains to hide the add latency) while the batch streams
 * past, one broadcast row value times one panel row per step.
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
    return "vector (256-bit, 4 × 8 blocks)";
  }

  @Override
  public void apply(PackedBatch batch, int r0, int r1, int c0, int width, boolean diagonal, double[] tile) {
    TileKernel.requireAligned(r0, c0);
    double[] v = batch.values();
    int rows = batch.rows();
    int height = r1 - r0;
    int a = 0;
    for (; a + 4 <= height; a += 4) {
      int xBase = batch.offset(r0 + a, 0);
      int k = TileKernel.firstColumn(a, diagonal);
      for (; k + PackedBatch.PANEL <= width; k += PackedBatch.PANEL) {
        block(v, rows, xBase, batch.offset(c0 + k, 0), tile, a * width + k, width);
      }
      for (int q = 0; q < 4; q++) {
        ScalarTileKernel.elements(batch, r0 + a + q, c0, k, width, tile, (a + q) * width);
      }
    }
    for (; a < height; a++) {
      ScalarTileKernel.elements(batch, r0 + a, c0, TileKernel.firstColumn(a, diagonal), width, tile, a * width);
    }
  }

  /** Rows xBase..+3 × the 8 columns of the panel at yBase; the tile block starts at t. */
  private static void block(double[] v, int rows, int xBase, int yBase, double[] tile, int t, int width) {
    int t1 = t + width;
    int t2 = t1 + width;
    int t3 = t2 + width;
    DoubleVector a00 = DoubleVector.fromArray(S, tile, t), a01 = DoubleVector.fromArray(S, tile, t + 4);
    DoubleVector a10 = DoubleVector.fromArray(S, tile, t1), a11 = DoubleVector.fromArray(S, tile, t1 + 4);
    DoubleVector a20 = DoubleVector.fromArray(S, tile, t2), a21 = DoubleVector.fromArray(S, tile, t2 + 4);
    DoubleVector a30 = DoubleVector.fromArray(S, tile, t3), a31 = DoubleVector.fromArray(S, tile, t3 + 4);
    int end = yBase + rows * PackedBatch.PANEL;
    for (int y = yBase, x = xBase; y < end; y += PackedBatch.PANEL, x += PackedBatch.PANEL) {
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
    }
    a00.intoArray(tile, t);
    a01.intoArray(tile, t + 4);
    a10.intoArray(tile, t1);
    a11.intoArray(tile, t1 + 4);
    a20.intoArray(tile, t2);
    a21.intoArray(tile, t2 + 4);
    a30.intoArray(tile, t3);
    a31.intoArray(tile, t3 + 4);
  }
}
