package io.featuremon.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Deterministic embedding-like vectors: x = A·z + ε with z ~ N(0, I) of rank {@value #LATENT}, a fixed random
 * mixing matrix A and noise ε ~ N(0, 0.3²) per dimension, plus a per-dimension offset. That gives correlations of
 * all sizes, as real sentence embeddings have, so the correlation and eigenvalue work is not a degenerate case.
 * The same seed gives the same sequence, which is what lets two pipeline runs see the same events.
 */
final class SyntheticEmbeddings {
  static final int LATENT = 16;
  private static final double NOISE = 0.3;

  private final int dimensions;
  private final double[] mixing; // d × LATENT
  private final double[] offset;
  private final double[] latent = new double[LATENT];
  private final SplittableRandom random;

  SyntheticEmbeddings(int dimensions, long seed) {
    this.dimensions = dimensions;
    SplittableRandom setup = new SplittableRandom(seed);
    mixing = new double[dimensions * LATENT];
    offset = new double[dimensions];
    for (int j = 0; j < dimensions; j++) {
      offset[j] = setup.nextDouble(-0.5, 0.5);
      for (int k = 0; k < LATENT; k++) {
        mixing[j * LATENT + k] = gaussian(setup) / Math.sqrt(LATENT);
      }
    }
    random = setup.split();
  }

  int dimensions() {
    return dimensions;
  }

  /** The next vector, written into {@code into} (floats, as embeddings are logged). */
  void next(float[] into) {
    for (int k = 0; k < LATENT; k++) {
      latent[k] = gaussian(random);
    }
    for (int j = 0; j < dimensions; j++) {
      double v = offset[j] + NOISE * gaussian(random);
      int row = j * LATENT;
      for (int k = 0; k < LATENT; k++) {
        v += mixing[row + k] * latent[k];
      }
      into[j] = (float) v;
    }
  }

  /** {@code rows} vectors as rows of doubles (float values widened, as the window stage does). */
  double[][] nextRows(int rows) {
    double[] batch = nextBatch(rows);
    double[][] out = new double[rows][];
    for (int r = 0; r < rows; r++) {
      out[r] = Arrays.copyOfRange(batch, r * dimensions, (r + 1) * dimensions);
    }
    return out;
  }

  /** {@code rows} vectors as one row-major batch of doubles (float values widened, as the window stage does). */
  double[] nextBatch(int rows) {
    double[] batch = new double[rows * dimensions];
    float[] row = new float[dimensions];
    for (int r = 0; r < rows; r++) {
      next(row);
      for (int j = 0; j < dimensions; j++) {
        batch[r * dimensions + j] = row[j];
      }
    }
    return batch;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller with one of the two values: simple, deterministic and fast enough outside the timed regions.
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
