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
  static final Path EXPECTED_SPREAD = Path.of("src/test/resources/topology-description-spread.txt");

  @Test
  void topologyShouldKeepItsNames() throws Exception {
    String actual = describe(EXPECTED, Map.of());
    assertThat(actual).contains("featuremon-events-by-group-repartition", "featuremon-moments-store",
        "featuremon-pending-store", "featuremon-groups-store", "featuremon-alerts-store", "featuremon-latest-store")
        .doesNotContain("KSTREAM-", "KTABLE-");
  }

  @Test
  void theSpreadTopologyShouldKeepItsNames() throws Exception {
    String actual = describe(EXPECTED_SPREAD, Map.of(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, "4"));
    assertThat(actual).contains("featuremon-partials-repartition", "featuremon-partials-store", "featuremon-merge-store",
        "featuremon-latest-store", "merge-statistics", FeaturemonTopology.PARTIALS_CHILD).doesNotContain("featuremon-events-by-group", "KSTREAM-",
        "KTABLE-");
  }

  private static String describe(Path expected, Map<String, String> settings) throws Exception {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, settings);
    String actual = FeaturemonTopology.build(config, new InMemorySchemaRegistryClient(), false).describe().toString();
    if (Boolean.getBoolean("featuremon.updateTopologyDescription")) {
      Files.writeString(expected, actual, StandardCharsets.UTF_8);
    }
    assertThat(actual).isEqualTo(Files.readString(expected, StandardCharsets.UTF_8));
    return actual;
  }
}
