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
 * whether one stream thread, two, or two instances run the partitions, and equal the one-partition replay's
 * statistics to 1e-12 (the merge order changes only the last bits of the co-moments); and a partition whose events
 * come late holds every window back until they come, then changes none of them.
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
  void oneModelOverEveryPartitionGivesTheSameBytesOnOneOrTwoThreadsAndAfterAnIdlePartitionAndTheOnePartitionStatistics(KafkaStack stack)
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
    List<List<String>> twoInstances = live(stack, "spread-2i", settings, lines, -2, windows);
    assertThat(twoInstances.get(0)).as("window stats, 2 instances vs 1").containsExactlyElementsOf(oneThread.get(0));
    assertThat(twoInstances.get(1)).as("masks, 2 instances vs 1").containsExactlyElementsOf(oneThread.get(1));
    List<List<String>> idleFirst = liveWithAnIdlePartition(stack, "spread-idle", settings, lines, windows);
    assertThat(idleFirst.get(0)).as("window stats after an idle partition caught up").containsExactlyElementsOf(oneThread.get(0));
    assertThat(idleFirst.get(1)).as("masks after an idle partition caught up").containsExactlyElementsOf(oneThread.get(1));
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

  /**
   * The idle-partition rule: the last partition gets its events only after the others have been processed. Until
   * then no window may close (that partition has not said it is past any); afterwards the outputs must be the bytes
   * of a run where all came at once: an idle partition delays windows and changes none. The application is
   * restarted on an empty state directory while it waits, so the merge stage's state must come back whole.
   */
  private List<List<String>> liveWithAnIdlePartition(KafkaStack stack, String name, Map<String, String> settings,
      List<String> lines, int windows) throws Exception {
    try (LiveFeaturemon live = LiveFeaturemon.create(stack, name, settings)) {
      List<ProducerRecord<byte[], byte[]>> all = records(live, lines);
      int idle = KafkaStack.PARTITIONS - 1;
      live.sendRecords(all.stream().filter(r -> r.partition() != idle).toList());
      live.start(work.resolve(name));
      live.awaitCaughtUp(TIMEOUT);
      assertThat(live.readToEnd(live.config().windowStatsTopic())).as("windows while partition %d is idle", idle)
          .isEmpty();
      // A restart on an empty state directory: the partials and frontiers so far come back from the changelogs.
      live.stop();
      live.start(work.resolve(name + "-restarted"));
      live.sendRecords(all.stream().filter(r -> r.partition() == idle).toList());
      live.awaitRecords(live.config().windowStatsTopic(), windows, TIMEOUT);
      live.awaitCaughtUp(TIMEOUT);
      return List.of(live.readJsonLines(live.config().windowStatsTopic(), WindowStats.class),
          live.readJsonLines(live.config().masksTopic(), FeatureMask.class));
    }
  }

  /** The lines as Avro records, line i to partition i mod the partition count (producers keyed by request). */
  private static List<ProducerRecord<byte[], byte[]>> records(LiveFeaturemon live, List<String> lines) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    int i = 0;
    for (String line : lines) {
      JsonlEvent event = JsonlEvent.parse(line);
      String topic = event.type() == EventType.EMBEDDING ? live.config().embeddingsTopic() : live.config().featuresTopic();
      records.add(new ProducerRecord<>(topic, i++ % KafkaStack.PARTITIONS, event.recordTimestamp(),
          event.model().getBytes(StandardCharsets.UTF_8), live.serialize(event.type(), event.avro())));
    }
    return records;
  }

  /**
   * Produces the lines round-robin over the partitions, runs featuremon on {@code threads} stream threads (a
   * negative count: that many instances of one thread each); its stats and masks.
   */
  private List<List<String>> live(KafkaStack stack, String name, Map<String, String> settings, List<String> lines,
      int threads, int windows) throws Exception {
    try (LiveFeaturemon live = LiveFeaturemon.create(stack, name, settings)) {
      live.sendRecords(records(live, lines));
      live.start(work.resolve(name), Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(Math.max(1, threads))));
      List<org.apache.kafka.streams.KafkaStreams> others = new ArrayList<>();
      try {
        for (int k = 1; k < -threads; k++) {
          others.add(live.startAnotherInstance(work.resolve(name + "-instance-" + k)));
        }
        live.awaitRecords(live.config().windowStatsTopic(), windows, TIMEOUT);
        live.awaitCaughtUp(TIMEOUT);
        return List.of(live.readJsonLines(live.config().windowStatsTopic(), WindowStats.class),
            live.readJsonLines(live.config().masksTopic(), FeatureMask.class));
      } finally {
        others.forEach(o -> o.close(Duration.ofSeconds(30)));
      }
    }
  }
}
