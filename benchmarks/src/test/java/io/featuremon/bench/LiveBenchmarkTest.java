package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The live harness on a tiny input: it starts the embedded broker and registry, runs the real application under both
 * guarantees and a plain consumer on both layouts, counts every event and prints the target lines. No timing is
 * asserted: on a shared machine only the counts are stable.
 */
class LiveBenchmarkTest {

  @Test
  void shouldRunBothGuaranteesAndThePlainConsumerOnBothLayoutsAndCountEveryEvent() {
    // 300 events at 100 per hour of event time span 3 h from an hour boundary: the first two 1 h windows close
    // in the stream (stream time reaches their ends), the third stays open because a live run has no end marker.
    LiveBenchmark.Settings settings = LiveBenchmark.parse(new String[] {"--events", "300", "--dimensions", "8",
        "--layout", "embeddings,tabular", "--rate", "100", "--rounds", "1", "--warmup", "0", "--partitions", "2"});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    List<LiveBenchmark.LayoutResult> results = LiveBenchmark.run(settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    assertThat(results).extracting(LiveBenchmark.LayoutResult::layout).containsExactly("embeddings", "tabular");
    for (LiveBenchmark.LayoutResult result : results) {
      assertThat(result.raw()).singleElement().satisfies(raw -> assertThat(raw.events()).isEqualTo(300));
      assertThat(result.live().keySet()).containsExactly("eos", "alos");
      for (List<LiveBenchmark.LiveRun> runs : result.live().values()) {
        assertThat(runs).singleElement().satisfies(run -> {
          assertThat(run.processed()).as("every input and every repartition record").isEqualTo(600);
          assertThat(run.committed()).as("input offsets committed by the close").isEqualTo(300);
          assertThat(run.deadLetters()).isZero();
          assertThat(run.windows()).isEqualTo(2);
          assertThat(run.inputBytes()).as("the broker's byte counter of the input").isGreaterThan(300L * 8 * 4);
          assertThat(run.changelogBytes()).isPositive();
          assertThat(run.repartitionBytes()).isPositive();
          assertThat(run.rocksDbBytes()).isPositive();
        });
      }
      double[] ratios = LiveBenchmark.steadyRatios(result, "eos");
      assertThat(ratios).hasSize(1);
      assertThat(ratios[0]).isPositive().isFinite();
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains(
        "live ÷ raw consumer, d=8, exactly_once_v2: median",
        "live ÷ raw consumer, tabular 50+5, at_least_once: median",
        "(changelog + repartition) ÷ input bytes, tabular 50+5, exactly_once_v2: median",
        "exactly_once_v2 ÷ at_least_once, d=8: median",
        "target ≥ 0.30");
  }

  /**
   * The floor is Kafka Streams alone: it reads every record, sends it through its repartition topic and reads it
   * again (with spread input it only reads), keeps no state and emits nothing; its line says it bounds live ÷ raw.
   */
  @Test
  void shouldRunKafkaStreamsAloneAsTheFloorOfTheLiveRatio() {
    for (boolean spread : new boolean[] {false, true}) {
      LiveBenchmark.Settings settings = LiveBenchmark.parse(new String[] {"--events", "300", "--dimensions", "8",
          "--layout", "embeddings", "--rate", "100", "--rounds", "1", "--warmup", "0", "--partitions", "2",
          "--guarantee", "eos,floor", "--spread", String.valueOf(spread)});
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();

      LiveBenchmark.LayoutResult result = LiveBenchmark.run(settings,
          new PrintStream(bytes, true, StandardCharsets.UTF_8)).get(0);

      assertThat(result.live().keySet()).containsExactly("eos", "floor");
      assertThat(result.live().get("floor")).singleElement().satisfies(run -> {
        assertThat(run.processed()).as("spread %s: records taken from topics", spread).isEqualTo(spread ? 300 : 600);
        assertThat(run.committed()).isEqualTo(300);
        assertThat(run.windows()).isZero();
        assertThat(run.changelogBytes()).as("no state").isZero();
        assertThat(run.repartitionBytes() > 0).as("spread %s: a repartition topic", spread).isEqualTo(!spread);
      });
      assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Kafka Streams floor ("
          + (spread ? "read;" : "read, repartition, read;") + " nothing else) ÷ raw consumer, d=8, exactly_once_v2");
    }
  }

  @Test
  void shouldSayWhetherATargetIsMet() {
    assertThat(LiveBenchmark.targetLine("x", new double[] {0.2, 0.3, 0.4}, 0.25, true)).endsWith("target ≥ 0.25: MET");
    assertThat(LiveBenchmark.targetLine("x", new double[] {0.2, 0.3, 0.4}, 0.25, false)).endsWith("target ≤ 0.25: MISSED");
  }

  @Test
  void shouldRejectAnUnknownLayout() {
    assertThatThrownBy(() -> LiveBenchmark.parse(new String[] {"--layout", "images"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("images");
  }
}
