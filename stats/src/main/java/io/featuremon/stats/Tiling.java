package io.featuremon.stats;

/**
 * Geometry of the co-moment upper triangle cut into square tiles.
 *
 * <p>A tile is at most {@link #TILE} × {@link #TILE} doubles (128 KiB), so no store value or changelog record
 * holds the whole matrix and a fold touches only what it must. Tile (I, J) with I ≤ J covers rows
 * [I·TILE, min(d, (I+1)·TILE)) and columns [J·TILE, min(d, (J+1)·TILE)); diagonal tiles are stored full
 * (both triangles) because that keeps the kernel branch-free.
 */
public final class Tiling {
  /** Tile edge; part of the persisted layout, so changing it is a state-format change. */
  public static final int TILE = 128;

  private final int dimensions;
  private final int tilesPerSide;

  public Tiling(int dimensions) {
    if (dimensions < 0) {
      throw new IllegalArgumentException("dimensions must not be negative: " + dimensions);
    }
    this.dimensions = dimensions;
    this.tilesPerSide = (dimensions + TILE - 1) / TILE;
  }

  public int dimensions() {
    return dimensions;
  }

  public int tilesPerSide() {
    return tilesPerSide;
  }

  public int start(int tileIndex) {
    return tileIndex * TILE;
  }

  public int end(int tileIndex) {
    return Math.min(dimensions, (tileIndex + 1) * TILE);
  }

  public int width(int tileIndex) {
    return end(tileIndex) - start(tileIndex);
  }

  /** Number of doubles in tile (row, col). */
  public int tileLength(int row, int col) {
    return width(row) * width(col);
  }
}
