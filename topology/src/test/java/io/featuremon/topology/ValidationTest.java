package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.config.FeaturemonConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The event-time checks: a timestamp in the wrong unit is refused with the unit it looks like and the date it gives. */
class ValidationTest {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z in epoch milliseconds
  private final Validation validation = new Validation(FeaturemonConfig.load(Map.of(), null, Map.of()));

  /** As replay judges an event without ingestTime: its record timestamp is its own event time. */
  private String check(long timestamp) {
    return validation.checkCommon("m", null, timestamp, Math.max(0, timestamp));
  }

  @Test
  void secondsAreRefusedWithTheDateTheyMean() {
    assertThat(check(T0 / 1_000)).contains("1767225600 looks like seconds", "×1000 gives 2026-01-01T00:00:00Z",
        "read as epoch milliseconds it is 1970-01-21T10:53:45.600Z");
    // Live: the record carries the producer's clock, the event its own (wrong) unit.
    assertThat(validation.checkCommon("m", null, T0 / 1_000, T0)).contains("looks like seconds");
  }

  @Test
  void microAndNanosecondsSayWhichAndTheDateTheyMean() {
    assertThat(check(T0 * 1_000)).contains("looks like microseconds", "÷1000 gives 2026-01-01T00:00:00Z");
    assertThat(validation.checkCommon("m", null, T0 * 1_000, T0)).contains("looks like microseconds");
    assertThat(check(T0 * 1_000_000 + 999_999)).contains("looks like nanoseconds",
        "÷1,000,000 gives 2026-01-01T00:00:00Z");
  }

  @Test
  void millisecondsOfEveryPlausibleAgeGetNoHint() {
    for (long t : new long[] {0, 1, 60_000, 86_400_000, 999_999_999L, T0, 1_000_000_000_000L,
        Validation.MAX_EVENT_TIME}) {
      assertThat(check(t)).as("timestamp %d", t).isNull();
    }
  }

  @Test
  void onlyTheWindowFrom2001To2100IsReadAsAnotherUnit() {
    long from = 1_000_000_000L;        // 2001-09-09T01:46:40Z in seconds
    long until = 4_102_444_800L;       // 2100-01-01T00:00:00Z in seconds
    assertThat(check(from)).contains("looks like seconds", "2001-09-09T01:46:40Z");
    assertThat(check(until - 1)).contains("looks like seconds", "2099-12-31T23:59:59Z");
    assertThat(check(from - 1)).isNull();   // 1970-01-12 in milliseconds: accepted, no guess
    assertThat(check(until)).isNull();
    // Past 9999 but outside the window in every unit: refused, with the question instead of a guess.
    for (long t : new long[] {Validation.MAX_EVENT_TIME + 1, until * 1_000_000, Long.MAX_VALUE}) {
      assertThat(check(t)).as("timestamp %d", t).contains("after 9999-12-31", "microseconds or nanoseconds?")
          .doesNotContain("looks like");
    }
    assertThat(check(-5)).contains("before 1970").doesNotContain("looks like");
  }
}
