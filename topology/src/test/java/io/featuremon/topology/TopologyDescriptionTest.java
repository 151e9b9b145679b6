package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Processor, store and internal topic names are part of the state format: a rename drops state on upgrade. This
 * test makes every rename a visible decision: if it fails on purpose, regenerate the expected file with
 * {@code -Dfeaturemon.updateTopologyDescription=true} and say why in the commit.
 */
class TopologyDescriptionTest {
  static final Path EXPECTED = Path.of("src/test/resources/topology-description.txt");

  @Test
  void topologyShouldKeepItsNames() throws Exception {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of());
    String actual = FeaturemonTopology.build(config, new InMemorySchemaRegistryClient(), false).describe().toString();
    if (Boolean.getBoolean("featuremon.updateTopologyDescription")) {
      Files.writeString(EXPECTED, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(EXPECTED, StandardCharsets.UTF_8));
    assertThat(actual).contains("featuremon-events-by-group-repartition", "featuremon-moments-store",
        "featuremon-pending-store", "featuremon-groups-store", "featuremon-alerts-store")
        .doesNotContain("KSTREAM-", "KTABLE-");
  }
}
