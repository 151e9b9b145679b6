package io.featuremon.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.config.FeaturemonConfig;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RestSettingsTest {
  private static FeaturemonConfig config(Map<String, String> settings) {
    return FeaturemonConfig.load(Map.of(), null, settings);
  }

  @Test
  void byDefaultRunListensOnLoopbackAndAdvertisesThatAddress() {
    FeaturemonConfig config = config(Map.of());
    assertThat(config.restEnabled()).isTrue();
    assertThat(config.restListen().getAddress().isLoopbackAddress()).isTrue();
    assertThat(RestServer.streamsSettings(config)).containsEntry("application.server", "127.0.0.1:8765");
    assertThat(config.restToken()).isNull();
    assertThat(config.redacted()).containsEntry("rest.token", "");
  }

  @Test
  void offStartsNoServerAndSetsNoApplicationServer() {
    FeaturemonConfig config = config(Map.of("rest.listen", "off"));
    assertThat(config.restEnabled()).isFalse();
    assertThat(RestServer.streamsSettings(config)).isEmpty();
  }

  @Test
  void badSettingsAreRefusedNamingTheirKey() {
    assertThatThrownBy(() -> config(Map.of("rest.listen", "localhost"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("rest.listen").hasMessageContaining("host:port");
    assertThatThrownBy(() -> config(Map.of("rest.listen", "127.0.0.1:70000"))).hasMessageContaining("rest.listen");
    assertThatThrownBy(() -> config(Map.of("rest.advertised", "h:0"))).hasMessageContaining("rest.advertised");
    assertThatThrownBy(() -> config(Map.of("rest.listen", "0.0.0.0:8765"))).hasMessageContaining("rest.advertised")
        .hasMessageContaining("every interface");
    assertThatThrownBy(() -> config(Map.of("rest.lisen", "127.0.0.1:1"))).hasMessageContaining("rest.lisen")
        .hasMessageContaining("rest.listen");
    assertThatThrownBy(() -> config(Map.of("application.server", "a:1"))).hasMessageContaining("rest.advertised");
  }

  @Test
  void aWildcardListenerAdvertisesWhatItIsTold() {
    FeaturemonConfig config = config(Map.of("rest.listen", "0.0.0.0:8765", "rest.advertised", "node-1.internal:8765",
        "rest.token", "t0k"));
    assertThat(RestServer.streamsSettings(config)).containsEntry("application.server", "node-1.internal:8765");
    assertThat(config.restToken()).isEqualTo("t0k");
    assertThat(config.redacted().get("rest.token")).doesNotContain("t0k");
  }

  @Test
  void aPortInUseStopsStartUpNamingRestListen() throws Exception {
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      FeaturemonConfig config = config(Map.of("rest.listen", "127.0.0.1:" + taken.getLocalPort()));
      assertThatThrownBy(() -> RestServer.start(config, null)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("rest.listen").hasMessageContaining("choose another port");
    }
  }
}
