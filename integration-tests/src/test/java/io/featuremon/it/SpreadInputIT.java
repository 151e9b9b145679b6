package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.it.support.Scenario;
import io.featuremon.replay.JsonlEvent;
import io.featuremon.replay.Replay;
import io.featuremon.topology.EventType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One busy model whose events are spread over every input partition ({@code input.spread.partitions}): statistics
 * are kept per partition and each window's partials merged in partition order. The outputs must be byte-identical
 * whether one stream thread or two run the partitions, and equal the one-partition replay's statistics to 1e-12
 * (the merge order changes only the last bits of the co-moments).
 *
 * <p>Run with {@code mvn -B -o -pl integration-tests verify -Dit.test=SpreadInputIT} after
 * {@code mvn -B -o install -DskipTests}.
 */
@ExtendWith(KafkaStack.Resolver.class)
class SpreadInputIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path work;

  @Test
  void oneModelOverEveryPartitionGivesTheSameBytesOnOneOrTwoThreadsAndTheOnePartitionStatistics(KafkaStack stack)
      throws Exception {
    List<String> lines = Scenario.resource("data/minilm-utils-then-net.jsonl");
    Map<String, String> settings = new HashMap<>(Map.of(FeaturemonConfig.WINDOW_SIZE, "20m",
        FeaturemonConfig.WINDOW_ADVANCE, "10m", FeaturemonConfig.WINDOW_GRACE, "1m"));
    Path input = work.resolve("input.jsonl");
    Files.write(input, lines);
    Path replayDir = work.resolve("replay");
    new Replay(FeaturemonConfig.load(settings, null, Map.of())).run(input, replayDir, p -> {});
    List<String> single = Scenario.readLines(replayDir.resolve(Replay.WINDOW_STATS_FILE));
    // Live, the two windows (20 min every 10) of the last events never close: no partition's stream time passes them.
    int windows = single.size() - 2;
    assertThat(windows).as("windows to compare").isGreaterThanOrEqualTo(3);

    settings.put(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, String.valueOf(KafkaStack.PARTITIONS));
    List<List<String>> oneThread = live(stack, "spread-1t", settings, lines, 1, windows);
    List<List<String>> twoThreads = live(stack, "spread-2t", settings, lines, 2, windows);
    assertThat(twoThreads.get(0)).as("window stats, 2 threads vs 1").containsExactlyElementsOf(oneThread.get(0));
    assertThat(twoThreads.get(1)).as("masks, 2 threads vs 1").containsExactlyElementsOf(oneThread.get(1));

    List<String> spread = oneThread.get(0);
    assertThat(spread).hasSize(windows);
    for (int i = 0; i < windows; i++) {
      JsonNode a = JSON.readTree(spread.get(i));
      JsonNode b = JSON.readTree(single.get(i));
      assertThat(a.get("windowStart").asLong()).isEqualTo(b.get("windowStart").asLong());
      assertThat(a.get("count").asLong()).as("count of window %d", i).isEqualTo(b.get("count").asLong());
      for (String metric : List.of("fretL1", "meanAbsCorr", "meanSqCorr", "effectiveRank")) {
        double expected = b.get("redundancy").get(metric).asDouble();
        assertThat(a.get("redundancy").get(metric).asDouble()).as("%s of window %d", metric, i)
            .isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
      }
    }
  }

  /** Produces the lines round-robin over the partitions, runs featuremon on {@code threads}; its stats and masks. */
  private List<List<String>> live(KafkaStack stack, String name, Map<String, String> settings, List<String> lines,
      int threads, int windows) throws Exception {
    try (LiveFeaturemon live = LiveFeaturemon.create(stack, name, settings)) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      int i = 0;
      for (String line : lines) {
        JsonlEvent event = JsonlEvent.parse(line);
        String topic = event.type() == EventType.EMBEDDING ? live.config().embeddingsTopic() : live.config().featuresTopic();
        records.add(new ProducerRecord<>(topic, i++ % KafkaStack.PARTITIONS, event.recordTimestamp(),
            event.model().getBytes(StandardCharsets.UTF_8), live.serialize(event.type(), event.avro())));
      }
      live.sendRecords(records);
      live.start(work.resolve(name), Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads)));
      live.awaitRecords(live.config().windowStatsTopic(), windows, TIMEOUT);
      live.awaitCaughtUp(TIMEOUT);
      return List.of(live.readJsonLines(live.config().windowStatsTopic(), WindowStats.class),
          live.readJsonLines(live.config().masksTopic(), FeatureMask.class));
    }
  }
}
