package io.featuremon.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.EventType;
import io.featuremon.topology.FeaturemonTopology;
import io.featuremon.topology.GroupKey;
import io.featuremon.topology.WhatIfRules;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineMetricsTest {
  private static final long HOUR = 3_600_000L;
  private static final long T0 = 1_767_225_600_000L;

  @TempDir
  Path stateDir;

  /** The scrape's samples: series (name and labels, as printed) → value. */
  static Map<String, Double> samples(String scrape) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space);
      if (out.put(series, Double.parseDouble(line.substring(space + 1))) != null) {
        throw new AssertionError("series exported twice: " + series);
      }
    }
    return out;
  }

  private static String scrape(PipelineMetrics metrics) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(metrics);
    return registry.scrape();
  }

  @Test
  void shouldExportWhatTheWindowStageForwardsAndForgetTheGroupsWhenTheirTaskCloses() {
    SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of(FeaturemonConfig.WINDOW_SIZE, "1h",
        FeaturemonConfig.WINDOW_GRACE, "10m", FeaturemonConfig.WINDOW_CLOSE_QUORUM, "1",
        FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.01"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "featuremon-metrics-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    long now = T0 + 3 * HOUR;
    PipelineMetrics metrics = new PipelineMetrics(() -> now);
    AvroSerde<EmbeddingEvent> serde = new AvroSerde<>(EmbeddingEvent.class, registry);
    List<WindowStats> stats;
    try (TopologyTestDriver driver = new TopologyTestDriver(
        FeaturemonTopology.build(config, registry, true, WhatIfRules.NONE, metrics), props)) {
      TestInputTopic<byte[], byte[]> input = driver.createInputTopic(config.embeddingsTopic(),
          new ByteArraySerializer(), new ByteArraySerializer());
      Random random = new Random(7);
      for (String model : List.of("m", "n")) {
        for (int i = 0; i <= 40; i++) {
          long ts = i < 40 ? T0 + i * 60_000L : T0 + HOUR + 10 * 60_000L; // the last one closes the first window
          List<Float> v = new ArrayList<>();
          double x = random.nextGaussian();
          for (int j = 0; j < 5; j++) {
            v.add((float) (j == 1 ? 2 * x + 1 : j == 4 ? 0.25 : random.nextGaussian()));
          }
          v.set(0, (float) x);
          input.pipeInput(new TestRecord<>(model.getBytes(), serde.serializer().serialize(config.embeddingsTopic(),
              EmbeddingEvent.newBuilder().setModel(model).setTimestamp(ts).setVector(v).build()), null, ts));
        }
      }
      List<Float> nan = new ArrayList<>(List.of(1f, Float.NaN, 0f, 0f, 0.25f));
      input.pipeInput(new TestRecord<>("m".getBytes(), serde.serializer().serialize(config.embeddingsTopic(),
          EmbeddingEvent.newBuilder().setModel("m").setTimestamp(T0 + HOUR + 11 * 60_000L).setVector(nan).build()),
          null, T0));
      stats = driver.createOutputTopic(config.windowStatsTopic(), new StringDeserializer(),
          new AvroSerde<>(WindowStats.class, registry).deserializer()).readValuesToList();

      Map<String, Double> s = samples(scrape(metrics));
      String m = "{model=\"m\",segment=\"\",type=\"embedding\"}";
      String n = "{model=\"n\",segment=\"\",type=\"embedding\"}";
      assertThat(stats).hasSize(2);
      WindowStats first = stats.get(0);
      assertThat(s).containsEntry("featuremon_events_total" + m, 41.0) // the NaN one never reached the window stage
          .containsEntry("featuremon_events_total" + n, 41.0)
          .containsEntry("featuremon_windows_closed_total" + m, 1.0)
          .containsEntry("featuremon_window_events" + m, 40.0)
          .containsEntry("featuremon_window_end_timestamp_seconds" + m, (T0 + HOUR) / 1000.0)
          .containsEntry("featuremon_event_time_latest_seconds" + m, (T0 + HOUR + 10 * 60_000L) / 1000.0)
          .containsEntry("featuremon_event_time_lag_seconds" + m, (now - (T0 + HOUR + 10 * 60_000L)) / 1000.0)
          .containsEntry("featuremon_mask_version" + m, 1.0)
          .containsEntry("featuremon_mask_kept" + m, 3.0) // 0 or 1 dropped as redundant, 4 as constant
          .containsEntry("featuremon_mask_dropped" + m, 2.0)
          .containsEntry("featuremon_alerts_firing{model=\"m\",rule=\"RedundancyMeanAbsCorrHigh\",segment=\"\",type=\"embedding\"}", 1.0)
          .containsEntry("featuremon_alerts_firing{model=\"m\",rule=\"EmbeddingDrift\",segment=\"\",type=\"embedding\"}", 0.0)
          .containsEntry("featuremon_dead_letters_total{reason=\"validate\"}", 1.0)
          .containsEntry("featuremon_dead_letters_total{reason=\"late\"}", 0.0)
          .containsEntry("featuremon_stream_threads_replaced_total", 0.0);
      assertThat(s.get("featuremon_redundancy_mean_abs_corr" + m))
          .isCloseTo(first.getRedundancy().getMeanAbsCorr(), within(1e-12));
      assertThat(s.get("featuremon_redundancy_effective_rank" + m))
          .isCloseTo(first.getRedundancy().getEffectiveRank(), within(1e-12));
      assertThat(s.get("featuremon_redundancy_fret_l1" + m)).isCloseTo(first.getRedundancy().getFretL1(), within(1e-9));
      assertThat(s.values()).allMatch(Double::isFinite);
    }
    // Closing the driver closes its tasks, as a rebalance that moves them away does: their groups leave the scrape.
    Map<String, Double> after = samples(scrape(metrics));
    assertThat(after.keySet()).noneMatch(k -> k.contains("model="));
    assertThat(after).containsEntry("featuremon_dead_letters_total{reason=\"validate\"}", 1.0);
  }

  @Test
  void shouldExportOnlyTheGroupsTheWindowStageAdmits() {
    SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of(FeaturemonConfig.WINDOW_SIZE, "1h",
        FeaturemonConfig.LIMITS_GROUPS_PER_PARTITION, "2"));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "featuremon-metrics-limit-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("limit").toString());
    PipelineMetrics metrics = new PipelineMetrics(() -> T0);
    AvroSerde<EmbeddingEvent> serde = new AvroSerde<>(EmbeddingEvent.class, registry);
    try (TopologyTestDriver driver = new TopologyTestDriver(
        FeaturemonTopology.build(config, registry, true, WhatIfRules.NONE, metrics), props)) {
      TestInputTopic<byte[], byte[]> input = driver.createInputTopic(config.embeddingsTopic(),
          new ByteArraySerializer(), new ByteArraySerializer());
      for (int i = 0; i < 50; i++) {
        String model = "made-up-" + i;
        input.pipeInput(new TestRecord<>(model.getBytes(), serde.serializer().serialize(config.embeddingsTopic(),
            EmbeddingEvent.newBuilder().setModel(model).setTimestamp(T0).setVector(List.of(1f, 2f)).build()),
            null, T0));
      }
      Map<String, Double> s = samples(scrape(metrics));
      assertThat(s.keySet().stream().filter(k -> k.startsWith("featuremon_events_total{")))
          .containsExactlyInAnyOrder("featuremon_events_total{model=\"made-up-0\",segment=\"\",type=\"embedding\"}",
              "featuremon_events_total{model=\"made-up-1\",segment=\"\",type=\"embedding\"}");
      assertThat(s).containsEntry("featuremon_dead_letters_total{reason=\"window\"}", 48.0);
    }
  }

  @Test
  void shouldKeepAGroupWhileAnyOfItsTasksRunsHereAndDropOnlyTheClosedTasksPart() {
    PipelineMetrics metrics = new PipelineMetrics(() -> 10_000L);
    GroupKey g = new GroupKey("churn", null, EventType.FEATURES);
    TaskId decode0 = new TaskId(0, 0);
    TaskId decode1 = new TaskId(0, 1);
    TaskId merge = new TaskId(1, 2);
    metrics.event(decode0, g, 4_000L);
    metrics.event(decode1, g, 5_000L);
    WindowStats w = WindowStats.newBuilder().setModel("churn").setSegment(null).setType("features")
        .setWindowStart(0).setWindowEnd(3_000L).setCount(2).setIncomplete(0).setDimensions(0)
        .setConstant(List.of()).setDead(List.of())
        .setRedundancy(io.featuremon.avro.Redundancy.newBuilder().setNonConstant(0).setFretL1(0)
            .setMeanAbsCorr(Double.NaN).setMeanSqCorr(0).setEffectiveRank(0).setPairs(List.of())
            .setAssociations(List.of()).setClusters(List.of()).build())
        .setDrift(null).setQuality(null).setError(null).build();
    metrics.window(merge, w);
    String labels = "{model=\"churn\",segment=\"\",type=\"features\"}";
    Map<String, Double> s = samples(scrape(metrics));
    assertThat(s).containsEntry("featuremon_events_total" + labels, 2.0)
        .containsEntry("featuremon_event_time_lag_seconds" + labels, 5.0)
        .containsEntry("featuremon_windows_closed_total" + labels, 1.0)
        .doesNotContainKey("featuremon_redundancy_mean_abs_corr" + labels); // NaN is left out, never exported
    assertThat(s.values()).allMatch(Double::isFinite);

    metrics.taskClosed(merge); // the merge task moved away: its window series go, the events stay
    s = samples(scrape(metrics));
    assertThat(s).containsKey("featuremon_events_total" + labels).doesNotContainKey("featuremon_windows_closed_total" + labels);
    metrics.taskClosed(decode0);
    assertThat(samples(scrape(metrics))).containsKey("featuremon_events_total" + labels);
    metrics.taskClosed(decode1);
    assertThat(samples(scrape(metrics)).keySet()).noneMatch(k -> k.contains("churn"));
  }

  @Test
  void metricsListenShouldBeCheckedAtStartUpNamingTheKey() {
    assertThat(FeaturemonConfig.load(Map.of(), null, Map.of()).metricsListen().orElseThrow())
        .hasToString("127.0.0.1/<unresolved>:9464");
    assertThat(FeaturemonConfig.load(Map.of(), null, Map.of("metrics.listen", "off")).metricsListen()).isEmpty();
    assertThat(FeaturemonConfig.load(Map.of(), null, Map.of("metrics.listen", "[::1]:0")).metricsListen().orElseThrow()
        .getHostString()).isEqualTo("::1");
    for (String bad : List.of("9464", "localhost:http", "127.0.0.1:70000", "", "on")) {
      assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("metrics.listen", bad)))
          .as(bad).isInstanceOf(ConfigException.class).hasMessageContaining("metrics.listen")
          .hasMessageContaining("host:port");
    }
    assertThatThrownBy(() -> FeaturemonConfig.load(Map.of(), null, Map.of("metrics.port", "9464")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.port");
  }

  @Test
  void endpointShouldServeTheScrapeOnLoopbackAndRefuseAPortInUseNamingTheKey() throws Exception {
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of("metrics.listen", "127.0.0.1:0"));
    try (MetricsEndpoint endpoint = MetricsEndpoint.start(config)) {
      assertThat(endpoint.address().getAddress().isLoopbackAddress()).isTrue();
      endpoint.pipeline().streamThreadReplaced();
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(endpoint.url())).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      Map<String, Double> served = samples(response.body());
      assertThat(served).containsEntry("featuremon_stream_threads_replaced_total", 1.0);
      assertThat(served.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\""));
      Map<String, String> taken = new HashMap<>(Map.of("metrics.listen", "127.0.0.1:" + endpoint.address().getPort()));
      assertThatThrownBy(() -> MetricsEndpoint.start(FeaturemonConfig.load(Map.of(), null, taken)))
          .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.listen").hasMessageContaining("port");
    }
    assertThat(MetricsEndpoint.start(FeaturemonConfig.load(Map.of(), null, Map.of("metrics.listen", "off")))).isNull();
  }
}
