package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Event times as text, in CSV cells and JSON strings: epoch milliseconds or an ISO-8601 instant. */
class EventTimesTest {
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @Test
  void epochMillisecondsAndInstantsWithAZoneOrOffsetAreRead() {
    assertThat(EventTimes.parse("1767225600000")).isEqualTo(T0);
    assertThat(EventTimes.parse("2026-01-01T00:00:00Z")).isEqualTo(T0);
    assertThat(EventTimes.parse("2026-01-01T01:00:00+01:00")).isEqualTo(T0);
    assertThat(EventTimes.parse("2026-01-01T00:00:00.250Z")).isEqualTo(T0 + 250);
    assertThat(EventTimes.parse("-5")).isEqualTo(-5); // validation refuses it, saying why
  }

  @Test
  void aTimeWithoutZoneOrADateAloneIsRefusedWithWhatToWrite() {
    assertThatThrownBy(() -> EventTimes.parse("2026-01-01 00:00:00")).hasMessage("'2026-01-01 00:00:00' is neither"
        + " epoch milliseconds nor ISO-8601 (it has no time zone: 2026-01-01T00:00:00Z is UTC,"
        + " 2026-01-01T00:00:00+01:00 an offset)");
    assertThatThrownBy(() -> EventTimes.parse("2026-01-01")).hasMessageContaining("a date alone is not an instant:"
        + " 2026-01-01T00:00:00Z is its start in UTC");
    assertThatThrownBy(() -> EventTimes.parse("99999999999999999999")).hasMessageContaining("out of range");
    assertThatThrownBy(() -> EventTimes.parse("1.7e12")).hasMessage("'1.7e12' is neither epoch milliseconds nor"
        + " ISO-8601");
  }

  @Test
  void jsonLinesSayTheSameAboutAStringTimestamp() {
    assertThatThrownBy(() -> JsonlEvent.parse("{\"type\":\"features\",\"model\":\"m\",\"timestamp\":"
        + "\"2026-01-01T00:00:00\",\"features\":{\"x\":1}}")).hasMessageContaining("it has no time zone:"
        + " 2026-01-01T00:00:00Z is UTC");
  }
}
