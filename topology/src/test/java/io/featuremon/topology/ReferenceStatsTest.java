package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The reference window's statistics carry a format byte; state written before it (bare JSON) still reads. */
class ReferenceStatsTest {
  @Test
  void statisticsRoundTripAndLegacyJsonStillReads() {
    String json = "{\"model\":\"m\",\"count\":12,\"name\":\"é\"}";
    byte[] stored = Reference.encodeStats(json);
    assertThat(stored[0]).isEqualTo((byte) 1);
    assertThat(Reference.decodeStats(stored)).isEqualTo(json);
    assertThat(Reference.decodeStats(json.getBytes(StandardCharsets.UTF_8))).as("written before the format byte")
        .isEqualTo(json);
    assertThatThrownBy(() -> Reference.decodeStats(new byte[] {9, '{', '}'})).hasMessageContaining("format 9");
    assertThatThrownBy(() -> Reference.decodeStats(new byte[0])).hasMessageContaining("empty");
  }
}
