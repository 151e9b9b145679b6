package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tabular model with numeric and categorical features and known structure: a scaled copy, a linear combination,
 * a categorical copy with renamed values, a numeric feature that is a function of a categorical one, a constant
 * column and a dead column, among independent features. Every planted redundancy must be found, exactly one member
 * of each redundant group dropped with its kept partner named, and nothing else dropped.
 */
class PlantedRedundancyTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @Test
  void findsEveryPlantedRedundancyAndDropsExactlyOneMemberPerGroup() throws Exception {
    Random random = new Random(11);
    String[] colors = {"red", "green", "blue", "black"};
    String[] codes = {"R", "G", "B", "K"};
    String[] zones = {"north", "south", "east"};
    double[] zoneTax = {0.07, 0.19, 0.11};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      ObjectNode features = JSON.createObjectNode();
      double x1 = random.nextGaussian();
      double x2 = random.nextGaussian();
      double x3 = random.nextGaussian();
      int color = random.nextInt(colors.length);
      int zone = random.nextInt(zones.length);
      features.put("x1", x1);
      features.put("x1_cm", 100 * x1);                         // scaled copy
      features.put("x2", x2);
      features.put("x3", x3);
      features.put("x4", x2 + x3);                             // linear combination of two others
      features.put("y", random.nextGaussian());                // independent
      features.put("color", colors[color]);
      features.put("color_code", codes[color]);               // renamed categorical copy
      features.put("zone", zones[zone]);
      features.put("zone_tax", zoneTax[zone]);                 // numeric function of a categorical
      features.put("channel", random.nextBoolean() ? "web" : "app"); // independent categorical
      features.put("constant", 7.0);
      features.put("dead", i % 500 == 0 ? 1.0 : 0.0);          // active in 0.2% of events
      ObjectNode event = JSON.createObjectNode().put("type", "features").put("model", "planted")
          .put("timestamp", 1_767_225_600_000L + i * 1000L);
      event.set("features", features);
      lines.add(event.toString());
    }
    Path input = tmp.resolve("planted.jsonl");
    Files.write(input, lines);
    Path out = tmp.resolve("out");
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "1d",
        FeaturemonConfig.MASK_LINEAR_COMBINATIONS, "true"), null, Map.of())).run(input, out, n -> {});

    List<String> masks = Files.readAllLines(out.resolve(Replay.MASKS_FILE));
    assertThat(masks).hasSize(1);
    JsonNode mask = JSON.readTree(masks.get(0));
    Map<String, JsonNode> dropped = new HashMap<>();
    mask.get("dropped").forEach(d -> dropped.put(d.get("feature").asText(), d));

    assertThat(dropped.get("constant").get("reason").asText()).isEqualTo("constant");
    assertThat(dropped.get("dead").get("reason").asText()).isEqualTo("dead");
    assertThat(dropped.get("dead").get("activeShare").asDouble()).isCloseTo(6.0 / 3000, org.assertj.core.api.Assertions.within(1e-12));
    List<Set<String>> groups = List.of(Set.of("x1", "x1_cm"), Set.of("x2", "x3", "x4"), Set.of("color", "color_code"),
        Set.of("zone", "zone_tax"));
    for (Set<String> group : groups) {
      List<String> droppedMembers = group.stream().filter(dropped::containsKey).toList();
      assertThat(droppedMembers).as("dropped members of %s", group).hasSize(1);
      JsonNode drop = dropped.get(droppedMembers.get(0));
      assertThat(drop.get("reason").asText()).isEqualTo("redundant");
      assertThat(group).contains(drop.get("redundantWith").asText());
      assertThat(mask.get("kept").toString()).contains("\"" + drop.get("redundantWith").asText() + "\"");
    }
    assertThat(dropped.get("x4").get("measure").asText()).isEqualTo("multiple");
    assertThat(dropped).hasSize(6);
    assertThat(mask.get("kept")).hasSize(7);

    JsonNode stats = JSON.readTree(Files.readAllLines(out.resolve(Replay.WINDOW_STATS_FILE)).get(0));
    List<String> clusters = new ArrayList<>();
    stats.get("redundancy").get("clusters").forEach(c -> clusters.add(c.get("members").toString()));
    assertThat(clusters).as("clusters").containsExactlyInAnyOrder("[\"color\",\"color_code\"]", "[\"x1\",\"x1_cm\"]",
        "[\"zone\",\"zone_tax\"]");
  }

  @Test
  void importanceFromTheTopicDecidesWhichCopyIsKept() throws Exception {
    Random random = new Random(5);
    List<String> lines = new ArrayList<>();
    lines.add("{\"type\":\"importance\",\"model\":\"imp\",\"importance\":{\"x_copy\":0.9,\"x\":0.1}}");
    for (int i = 0; i < 500; i++) {
      double x = random.nextGaussian();
      lines.add(JSON.createObjectNode().put("type", "features").put("model", "imp")
          .put("timestamp", 1_767_225_600_000L + i * 1000L)
          .set("features", JSON.createObjectNode().put("x", x).put("x_copy", 3 * x).put("y", random.nextGaussian()))
          .toString());
    }
    Path input = tmp.resolve("importance.jsonl");
    Files.write(input, lines);
    Path out = tmp.resolve("importance-out");
    new Replay(FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, "1d", FeaturemonConfig.MASK_MODE, "soft"),
        null, Map.of())).run(input, out, n -> {});
    JsonNode mask = JSON.readTree(Files.readAllLines(out.resolve(Replay.MASKS_FILE)).get(0));
    assertThat(mask.get("dropped").get(0).get("feature").asText()).isEqualTo("x");
    assertThat(mask.get("dropped").get(0).get("redundantWith").asText()).isEqualTo("x_copy");
    assertThat(mask.get("weights").get("x_copy").asDouble()).isEqualTo(1.0);
    assertThat(mask.get("weights").get("x").asDouble()).isEqualTo(0.0);
    assertThat(mask.get("weights").get("y").asDouble()).isEqualTo(0.0); // importance 0: kept, but weight 0
  }
}
