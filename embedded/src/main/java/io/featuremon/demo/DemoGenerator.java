package io.featuremon.demo;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic traffic whose redundancy climbs: embeddings mix a growing share of one common factor into every
 * dimension (pairwise ρ ≈ share), as FRET observes when an encoder meets a shifted domain. One dimension is dead
 * (always 0) and the tabular model logs the same income twice in different units, so masks have something to drop.
 * Halfway through, the tabular model's basket sizes shift from 1–6 to 3–9 items while everything else stays as it
 * was, so drift has one real change to find (and a feature-drift alert to explain) among stable features.
 */
final class DemoGenerator {
  static final String EMBEDDING_MODEL = "demo-encoder";
  static final String TABULAR_MODEL = "demo-tabular";
  static final int DIMENSIONS = 32;

  private final Random random = new Random(42);
  private long sequence;

  /**
   * Pairwise correlation the embeddings should show at {@code progress} ∈ [0, 1] of the demo: from 0.1 to 0.97, clear
   * of the mask threshold 0.95 at the end, so the mask has one plain story to tell (the dimensions became copies)
   * rather than a plateau on the threshold itself, where noise decides pair by pair.
   */
  static double targetCorrelation(double progress) {
    return 0.1 + 0.87 * Math.min(1, progress / 0.6);
  }

  EmbeddingEvent embedding(long timestamp, double progress) {
    double share = targetCorrelation(progress);
    double common = random.nextGaussian();
    List<Float> vector = new ArrayList<>(DIMENSIONS);
    for (int j = 0; j < DIMENSIONS; j++) {
      double v = j == DIMENSIONS - 1 ? 0 : Math.sqrt(share) * common + Math.sqrt(1 - share) * random.nextGaussian();
      vector.add((float) v);
    }
    return EmbeddingEvent.newBuilder().setModel(EMBEDDING_MODEL).setTimestamp(timestamp)
        .setRequestId("e" + sequence++).setVector(vector).build();
  }

  /** Progress from which basket sizes are larger: a shift that drift must see. */
  static final double BASKET_SHIFT_AT = 0.5;

  FeatureEvent features(long timestamp, double progress) {
    double income = 30_000 + 20_000 * Math.abs(random.nextGaussian());
    double age = 20 + 50 * random.nextDouble();
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("age", Math.rint(age));
    values.put("income_eur", income);
    values.put("income_keur", income / 1000 + 0.001 * random.nextGaussian());
    values.put("tenure_months", Math.rint(age * 3 + 12 * random.nextGaussian()));
    values.put("basket_size", progress < BASKET_SHIFT_AT ? Math.rint(1 + 5 * random.nextDouble())
        : Math.rint(3 + 6 * random.nextDouble()));
    values.put("country", new String[] {"DE", "FR", "NL"}[random.nextInt(3)]);
    return FeatureEvent.newBuilder().setModel(TABULAR_MODEL).setTimestamp(timestamp)
        .setRequestId("f" + sequence++).setFeatures(values).build();
  }

  /** An embedding with a NaN, so the demo shows a dead letter. */
  EmbeddingEvent broken(long timestamp) {
    EmbeddingEvent e = embedding(timestamp, 0);
    e.getVector().set(3, Float.NaN);
    return e;
  }
}
