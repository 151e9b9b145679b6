package io.featuremon.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The harness on a tiny input (a few seconds): it drives the real topology and attributes windows correctly. */
class PipelineBenchmarkTest {

  @Test
  void shouldRunBothLayoutsOnTheSameEventsAndCountEveryWindow() {
    // 2 h of event time at 180 events/h, d = 4: tumbling 1 h gives 2 windows; hopping 1 h / 10 min gives every
    // window that holds a pane of [0 h, 2 h): starts from -50 min to 1 h 50 min, 17 windows.
    PipelineBenchmark.Settings settings = PipelineBenchmark.parse(new String[] {
        "--events", "360", "--dimensions", "4", "--rate", "180", "--rounds", "1", "--warmup", "0"});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    PipelineBenchmark.Summary summary = PipelineBenchmark.run(settings, new PrintStream(bytes, true, StandardCharsets.UTF_8));

    PipelineBenchmark.Run tumbling = summary.tumbling().get(0);
    PipelineBenchmark.Run hopping = summary.hopping().get(0);
    assertThat(tumbling.windows()).isEqualTo(2);
    assertThat(tumbling.windowsInStream()).isEqualTo(1);
    assertThat(hopping.windows()).isEqualTo(17);
    assertThat(tumbling.deadLetters()).isZero();
    assertThat(hopping.deadLetters()).isZero();
    assertThat(tumbling.ingestCalls() + tumbling.closingCalls()).isEqualTo(360);
    assertThat(summary.allInRatios()).hasSize(1);
    assertThat(summary.allInRatios()[0]).isPositive().isFinite();
    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("acceptance", "per window close (ms)");
  }

  @Test
  void shouldRejectAnUnknownArgument() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PipelineBenchmark.parse(new String[] {"--evnts", "5"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--evnts");
  }
}
