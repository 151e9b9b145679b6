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
  void referenceSettingsShouldBeParsedOnceIntoTypesAtStartUp() {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of("reference.mode", "previous",
        "window.size", "2h", "window.grace", "", "input.max.future", "5m"));
    assertThat(config.referenceMode()).isEqualTo(ReferenceMode.PREVIOUS);
    assertThat(config.referenceMode().label()).isEqualTo("previous");
    assertThat(config.referenceRange()).isNull();
    // Parsed once: the same objects on every call, not a new parse per use.
    assertThat(config.windowSize()).isSameAs(config.windowSize()).isEqualTo(Duration.ofHours(2));
    // Empty grace: the default, 2 minutes (the producer's default delivery.timeout.ms), at most the window size.
    assertThat(config.windowGrace()).isEqualTo(Duration.ofMinutes(2));
    assertThat(FeaturemonConfig.load(Map.of(), null, Map.of("window.size", "10s")).windowGrace())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(FeaturemonConfig.load(Map.of(), null, Map.of("window.grace", "0s")).windowGrace()).isZero();
    assertThat(config.maxFuture()).isSameAs(config.maxFuture()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.importance()).isSameAs(config.importance());

    FeaturemonConfig ranged = FeaturemonConfig.load(Map.of(), null, Map.of("reference.from", "2026-01-01T00:00:00Z",
        "reference.to", "1767232800000"));
    assertThat(ranged.referenceMode()).isEqualTo(ReferenceMode.WINDOW);
    assertThat(ranged.referenceRange()).isEqualTo(new ReferenceRange(1_767_225_600_000L, 1_767_232_800_000L));
    assertThat(ranged.referenceRange().contains(1_767_232_800_000L)).as("the end is exclusive").isFalse();

    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("reference.mode", "Window")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("reference.mode");
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("reference.mode", "previous",
        "reference.from", "0", "reference.to", "10"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("reference.from").hasMessageContaining("reference.mode=window");
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("input.spread.partitions", "4",
        "reference.from", "0", "reference.to", "10"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("input.spread.partitions").hasMessageContaining("reference.from/to");
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("input.spread.partitions", "-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("input.spread.partitions");
    for (ReferenceMode mode : ReferenceMode.values()) {
      assertThat(FeaturemonConfig.DEFINITION.configKeys().get("reference.mode").validator.toString())
          .contains(mode.label());
    }
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
  @Test
  void redactedShouldShowPasswordKeysAsHiddenAndUrlsWithoutCredentials(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secure.properties");
    Files.writeString(file, String.join("\n",
        "bootstrap.servers=127.0.0.1:9093",
        "security.protocol=SASL_SSL",
        "sasl.mechanism=SCRAM-SHA-512",
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fm\" password=\"k4fka-s3cret\";",
        "ssl.truststore.password=trust-s3cret",
        "schema.registry.url=https://alice:url-s3cret@127.0.0.1:1/apis?token=abc",
        "basic.auth.credentials.source=USER_INFO",
        "basic.auth.user.info=alice:info-s3cret",
        "schema.registry.ssl.truststore.password=sr-trust-s3cret"));

    Map<String, String> shown = FeaturemonConfig.load(Map.of(), file, Map.of()).redacted();

    assertThat(shown)
        .containsEntry("sasl.jaas.config", "[hidden]")
        .containsEntry("ssl.truststore.password", "[hidden]")
        .containsEntry("basic.auth.user.info", "[hidden]")
        .containsEntry("schema.registry.ssl.truststore.password", "[hidden]")
        .containsEntry("schema.registry.url", "https://[hidden]@127.0.0.1:1/apis?token=[hidden]")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("basic.auth.credentials.source", "USER_INFO")
        .containsEntry("window.size", "1h");
    assertThat(shown.toString()).doesNotContain("s3cret", "alice", "token=abc");
  }

  @Test
  void anUnknownFeaturemonKeyShouldBeNamedWithoutEchoingASecretValue() {
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("topic.password", "hunter2")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("topic.password").hasMessageNotContaining("hunter2");
  }

  /** Issue 7, finding 8: ConfigDef.Range lets NaN through every comparison, so mask.threshold=NaN was accepted. */
  @Test
  void nanShouldBeRefusedForEveryNumberNamingTheKey() {
    for (String key : new String[] {FeaturemonConfig.MASK_THRESHOLD, FeaturemonConfig.DRIFT_ALPHA,
        FeaturemonConfig.MASK_DEAD_EPSILON, FeaturemonConfig.ALERT_MEAN_SQ_CORR_ABOVE, FeaturemonConfig.INPUT_MAX_ABS_VALUE}) {
      assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of(key, "NaN")))
          .as(key).isInstanceOf(ConfigException.class).hasMessageContaining(key).hasMessageContaining("NaN");
    }
  }

  /** Finding 8: run checked the topics first, so a bad processing.guarantee hid behind a topic or network message. */
  @Test
  void validateShouldNameABadKafkaSettingWithoutContactingTheCluster() {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(FeaturemonConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
        FeaturemonConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:2", "processing.guarantee", "exactly_twice"), null, Map.of());
    assertThatThrownBy(() -> io.featuremon.topology.FeaturemonApp.validate(config))
        .isInstanceOf(ConfigException.class).hasMessageContaining("processing.guarantee")
        .hasMessageContaining("exactly_once_v2");
  }

  @Test
  void anUnreachableClusterShouldBeNamedInsteadOfWaitedForSilently() {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(FeaturemonConfig.BOOTSTRAP_SERVERS, "127.0.0.1:1",
        FeaturemonConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:2"), null, Map.of());
    assertThatThrownBy(() -> io.featuremon.topology.FeaturemonApp.ensureTopics(config, false, 1, (short) 1))
        .isInstanceOf(ConfigException.class).hasMessageContaining("bootstrap.servers")
        .hasMessageContaining("no answer from the cluster");
  }
}
