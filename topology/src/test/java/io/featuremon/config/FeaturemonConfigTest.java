package io.featuremon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeaturemonConfigTest {

  @Test
  void durationsShouldAcceptIsoAndShortForms() {
    assertThat(Durations.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("P40D")).isEqualTo(Duration.ofDays(40));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.format(Duration.ofDays(40))).isEqualTo("40d");
    assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("PT1H");
  }

  @Test
  void badValueShouldStopStartUpNamingTheKey() {
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("window.size", "abc")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("window.size");
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("mask.threshold", "1.5")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("mask.threshold");
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("window.size", "1h", "window.advance", "7m")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("window.advance");
  }

  @Test
  void unknownKeyUnderAFeaturemonPrefixShouldBeRefusedButKafkaKeysPassThrough() {
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("window.sise", "1h")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("window.sise").hasMessageContaining("window.size");
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of("commit.interval.ms", "1000"));
    assertThat(config.passThrough()).containsEntry("commit.interval.ms", "1000");
  }

  @Test
  void laterSourcesShouldWin(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("f.properties");
    Files.writeString(file, "window.size=2h\nwindow.grace=5m\n");
    FeaturemonConfig config = FeaturemonConfig.load(Map.of("window.size", "10s", "mask.threshold", "0.9"), file,
        Map.of("window.grace", "1m"));
    assertThat(config.windowSize()).isEqualTo(Duration.ofHours(2));
    assertThat(config.windowGrace()).isEqualTo(Duration.ofMinutes(1));
    assertThat(config.maskThreshold()).isEqualTo(0.9);
    assertThat(config.windowAdvance()).isEqualTo(config.windowSize());
  }
}
