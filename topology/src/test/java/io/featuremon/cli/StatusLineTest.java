package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.avro.DeadLetter;
import java.time.Instant;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class StatusLineTest {
  static final Instant NOON = Instant.parse("2026-11-28T12:00:30Z");

  @Test
  void aQuietIntervalSaysSoInOneLine() {
    String line = StatusLine.format(NOON, new StatusLine.Snapshot(0, -1, 0, new TreeMap<>(), new TreeMap<>()), "2m",
        "featuremon-dead-letters");
    assertThat(line).isEqualTo("featuremon: 12:00:30 0 events/s, input lag unknown; since start: 0 windows, 0 dead"
        + " letters").doesNotContain("\n");
  }

  @Test
  void deadLettersAreCountedByReasonAndLateOnesNameTheirModels() {
    TreeMap<String, Long> dead = new TreeMap<>();
    dead.put("late", 3L);
    dead.put("validate", 2L);
    TreeMap<String, Long> late = new TreeMap<>();
    late.put("churn", 3L);
    String text = StatusLine.format(NOON, new StatusLine.Snapshot(1204.4, 310, 12, dead, late), "2m",
        "featuremon-dead-letters");
    assertThat(text.lines()).containsExactly(
        "featuremon: 12:00:30 1,204 events/s, input lag 310; since start: 12 windows, 5 dead letters (late 3,"
            + " validate 2)",
        "featuremon: warning: late events (after window.grace=2m) by model: churn 3; each is a dead letter on"
            + " featuremon-dead-letters; a producer or partition running behind: raise window.grace");
  }

  @Test
  void theReasonCodeIsLateForLateEventsAndTheStageOtherwise() {
    DeadLetter late = DeadLetter.newBuilder().setSourceTopic("t").setSourcePartition(0).setSourceOffset(1).setRecordTimestamp(0)
        .setStage("window").setReason("late: its window [0, 10) closed").build();
    assertThat(StatusLine.reasonCode(late)).isEqualTo("late");
    late.setReason("vector[3] is NaN");
    late.setStage("validate");
    assertThat(StatusLine.reasonCode(late)).isEqualTo("validate");
  }
}
