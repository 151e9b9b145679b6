package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.stats.drift.NumericSketch;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StateBudgetTest {

  @Test
  void shouldBudgetAtLeastWhatARealSketchTakesForEitherK() {
    Random random = new Random(1);
    for (int k : new int[] {NumericSketch.EMBEDDING_DEFAULT_K, NumericSketch.DEFAULT_K}) {
      NumericSketch s = NumericSketch.create(k);
      for (int i = 0; i < 300_000; i++) {
        s.update(random.nextGaussian());
      }
      assertThat(StateBudget.sketchBytes(k)).as("k=%d", k).isGreaterThanOrEqualTo(s.toBytes().length)
          .isGreaterThanOrEqualTo(NumericSketch.maxSerializedBytes(k, 1L << 40));
      System.out.printf("k=%d: %d bytes at 300,000 values, budget %d%n", k, s.toBytes().length,
          StateBudget.sketchBytes(k));
    }
  }

  @Test
  void shouldUseTheEmbeddingKForEmbeddingsAndTheFeatureKForTabularFeatures() {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of());
    assertThat(config.sketchK()).isEqualTo(NumericSketch.DEFAULT_K);
    assertThat(config.embeddingSketchK()).isEqualTo(NumericSketch.EMBEDDING_DEFAULT_K);
    StateBudget budget = new StateBudget(config);
    List<String> names = Collections.nCopies(384, "f");
    long tabular = budget.estimate(new StateCodec.Schema(384, names, List.of()));
    long embedding = budget.estimate(new StateCodec.Schema(384, null, List.of()));
    // The shapes differ only in their sketches (and the pending-row sizes, the same formula for both here).
    long panes = tabular / StateBudget.bytesPerPane(384, 0, true, NumericSketch.DEFAULT_K, config.maxCategories(),
        config.foldBatchSize(), config.sketchBatchSize());
    assertThat(tabular - embedding).isEqualTo(panes * 384
        * (StateBudget.sketchBytes(NumericSketch.DEFAULT_K) - StateBudget.sketchBytes(NumericSketch.EMBEDDING_DEFAULT_K)));
  }
}
