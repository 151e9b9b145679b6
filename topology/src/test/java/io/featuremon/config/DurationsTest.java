package io.featuremon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void shortFormsIsoAndABareZeroParse() {
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("P40D")).isEqualTo(Duration.ofDays(40));
    assertThat(Durations.parse(" 0 ")).isZero(); // "--status-every 0" turns the line off
    assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("is not a duration");
  }
}
