package io.featuremon.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.it.support.KafkaStack;
import io.featuremon.it.support.LiveFeaturemon;
import io.featuremon.it.support.Poll;
import io.featuremon.it.support.PrometheusServer;
import io.featuremon.it.support.Scenario;
import io.featuremon.metrics.MetricsEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Prometheus endpoint of the live application on the real broker and registry.
 *
 * <p>A real Prometheus (Debian's) scrapes a running featuremon fed with the macrodata file, with the pipeline rules
 * of {@code docker/prometheus/featuremon-rules.yml} loaded, and every query of the Grafana dashboard
 * ({@code docker/grafana/dashboards/featuremon.json}) answers with data through its HTTP API. And with two
 * instances of one application, after one stops, the survivor exports every group exactly once, with finite values,
 * and the stopped one none.
 *
 * <p>Run with {@code mvn -o -B -pl integration-tests -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=MetricsIT}. Skipped without Debian's {@code prometheus} package, failed under CI=true.
 */
@ExtendWith(KafkaStack.Resolver.class)
class MetricsIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  static final Path DASHBOARD = REPO.resolve("docker/grafana/dashboards/featuremon.json");
  static final Path RULES = REPO.resolve("docker/prometheus/featuremon-rules.yml");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @TempDir
  Path work;

  @Test
  void prometheusScrapesALiveFeaturemonAndEveryDashboardQueryReturnsSeries(KafkaStack stack) throws Exception {
    PrometheusServer.binary("prometheus"); // skip (or fail under CI) before starting anything
    List<String> macrodata = Scenario.resource("data/macrodata.jsonl");
    Map<String, String> settings = Map.of(FeaturemonConfig.WINDOW_SIZE, "40d",
        FeaturemonConfig.METRICS_LISTEN, "127.0.0.1:0");
    AtomicBoolean trickling = new AtomicBoolean(true);
    Thread trickle = null;
    try (LiveFeaturemon live = LiveFeaturemon.create(stack, "metrics", settings);
        MetricsEndpoint endpoint = MetricsEndpoint.start(live.config())) {
      live.observedBy(endpoint.pipeline());
      live.produce(macrodata);
      // One record that is not in the wire format (magic byte 7): a decode dead letter, so those series move too.
      live.produceRaw(live.config().featuresTopic(), "us-macro", new byte[] {7, 1, 2, 3}, T0);
      live.start(work.resolve("state"));
      endpoint.bind(live.streams());
      live.awaitCaughtUp(TIMEOUT);
      List<String> windows = live.readJsonLines(live.config().windowStatsTopic(), io.featuremon.avro.WindowStats.class);
      assertThat(windows).as("macrodata's closed windows").hasSizeGreaterThanOrEqualTo(4);

      // A model that keeps sending, at the wall clock, while Prometheus scrapes: rates and end-to-end latencies are
      // measured over recent records (Kafka Streams reports no latency for a quiet minute).
      trickle = new Thread(() -> {
        long i = 0;
        while (trickling.get()) {
          long now = System.currentTimeMillis();
          live.produce(List.of("{\"type\":\"features\",\"model\":\"heartbeat\",\"timestamp\":" + now
              + ",\"features\":{\"a\":" + (i % 7) + ",\"b\":" + (i % 5) + "}}"));
          i++;
          try {
            Thread.sleep(200); // the producer's pace, not a wait for a condition
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "heartbeat-producer");
      trickle.setDaemon(true);
      trickle.start();

      String target = endpoint.address().getAddress().getHostAddress() + ":" + endpoint.address().getPort();
      try (PrometheusServer prometheus = PrometheusServer.start(work.resolve("prometheus"), List.of(target),
          List.of(RULES))) {
        // The rules file loads, whole, into a real Prometheus, and every rule evaluates without error.
        List<String> loaded = new ArrayList<>();
        Poll.until("the pipeline rules to be loaded and evaluated", TIMEOUT, () -> {
          loaded.clear();
          prometheus.get("/api/v1/rules").path("data").path("groups").forEach(g -> g.path("rules").forEach(r ->
              loaded.add(r.path("name").asText() + " (" + r.path("health").asText() + ")")));
          return new Poll.Outcome(loaded.size() == 6 && loaded.stream().noneMatch(r -> r.endsWith("(unknown)")),
              loaded.toString());
        });
        assertThat(loaded).as("pipeline rules loaded").allMatch(r -> r.startsWith("Featuremon"));

        Map<String, Integer> answered = new LinkedHashMap<>();
        for (String expr : dashboardQueries()) {
          String query = expr.replace("$__rate_interval", "1m").replace("$model", ".*");
          int[] series = {0};
          Poll.until("dashboard query " + query + " to return series", TIMEOUT, () -> {
            series[0] = prometheus.query(query).size();
            return new Poll.Outcome(series[0] > 0, series[0] + " series");
          });
          answered.put(query, series[0]);
        }
        System.out.println("MetricsIT: dashboard queries answered by Prometheus (query -> series returned):");
        answered.forEach((q, n) -> System.out.println("  " + q + " -> " + n));
        loaded.forEach(r -> System.out.println("MetricsIT: rule " + r));
        assertThat(loaded).allMatch(r -> r.endsWith("(ok)"));

        // Prometheus holds what featuremon computed: the last window's redundancy, every event of macrodata.
        JsonNode last = JSON.readTree(windows.get(windows.size() - 1));
        double meanAbsCorr = prometheus.query("featuremon_redundancy_mean_abs_corr{model=\"us-macro\"}")
            .get(0).path("value").get(1).asDouble();
        assertThat(meanAbsCorr).isCloseTo(last.path("redundancy").path("meanAbsCorr").asDouble(), within(1e-9));
        assertThat(prometheus.query("featuremon_events_total{model=\"us-macro\"}").get(0).path("value").get(1).asDouble())
            .isEqualTo(macrodata.size());
        assertThat(prometheus.query("featuremon_dead_letters_total{reason=\"decode\"}").get(0).path("value").get(1)
            .asDouble()).isEqualTo(1.0);
        assertThat(prometheus.query("featuremon_windows_closed_total{model=\"us-macro\"}").get(0).path("value").get(1)
            .asDouble()).isEqualTo(windows.stream().filter(w -> w.contains("\"us-macro\"")).count());
      }

      String scrape = endpoint.scrape();
      Map<String, Double> samples = samples(scrape);
      assertThat(samples.values()).as("every exported value is finite").allMatch(Double::isFinite);
      System.out.println("MetricsIT: scrape excerpt (featuremon_* and kafka_* series, of " + samples.size() + "):");
      samples.entrySet().stream()
          .filter(e -> e.getKey().startsWith("featuremon_") || e.getKey().startsWith("kafka_streams_alive")
              || e.getKey().startsWith("kafka_streams_process_rate") || e.getKey().startsWith("kafka_consumer_records_lag_max")
              || e.getKey().startsWith("kafka_streams_record_e2e_latency_max{") && e.getKey().contains("sink")
              || e.getKey().startsWith("kafka_streams_size_all_mem_tables") && e.getKey().contains("moments"))
          .forEach(e -> System.out.println("  " + e.getKey() + " " + e.getValue()));
      System.out.println("MetricsIT: series names: " + samples.keySet().stream().map(k -> k.replaceAll("\\{.*", ""))
          .filter(k -> k.startsWith("featuremon_") || k.startsWith("kafka_")).collect(Collectors.toCollection(TreeSet::new)));
    } finally {
      trickling.set(false);
      if (trickle != null) {
        trickle.interrupt();
        trickle.join(10_000);
      }
    }
  }

  @Test
  void afterOneOfTwoInstancesStopsTheSurvivorExportsEveryGroupOnceAndTheStoppedOneNothingOfThem(KafkaStack stack) {
    List<String> models = List.of("m-alpha", "m-beta", "m-gamma", "m-delta", "m-epsilon", "m-zeta");
    Map<String, String> settings = Map.of(FeaturemonConfig.WINDOW_SIZE, "1m", FeaturemonConfig.WINDOW_GRACE, "1s");
    try (LiveFeaturemon live = LiveFeaturemon.create(stack, "metrics-2i", settings)) {
      io.featuremon.metrics.PipelineMetrics a = new io.featuremon.metrics.PipelineMetrics();
      io.featuremon.metrics.PipelineMetrics b = new io.featuremon.metrics.PipelineMetrics();
      live.observedBy(a);
      live.start(work.resolve("a"));
      KafkaStreams other = live.startAnotherInstance(work.resolve("b"), b);
      io.featuremon.metrics.KafkaStreamsCollector streamsOfA = new io.featuremon.metrics.KafkaStreamsCollector(live.streams());
      io.featuremon.metrics.KafkaStreamsCollector streamsOfB = new io.featuremon.metrics.KafkaStreamsCollector(other);
      try {
        Poll.until("both instances running", TIMEOUT, () -> new Poll.Outcome(
            live.state() == KafkaStreams.State.RUNNING && other.state() == KafkaStreams.State.RUNNING,
            live.state() + " / " + other.state()));
        live.produce(events(models, 0, 120));
        live.awaitCaughtUp(TIMEOUT);
        Set<String> all = models.stream().map(m -> "{model=\"" + m + "\",segment=\"\",type=\"features\"}")
            .collect(Collectors.toCollection(TreeSet::new));
        Poll.until("each group's windows reported by one of the two instances", TIMEOUT, () -> {
          Set<String> onA = groups(scrape(a), "featuremon_windows_closed_total");
          Set<String> onB = groups(scrape(b), "featuremon_windows_closed_total");
          Set<String> both = new TreeSet<>(onA);
          both.retainAll(onB);
          assertThat(both).as("groups exported by both instances").isEmpty();
          Set<String> union = new TreeSet<>(onA);
          union.addAll(onB);
          return new Poll.Outcome(union.equals(all), "A " + onA + ", B " + onB);
        });
        Set<String> hadB = groups(scrape(b), "featuremon_windows_closed_total");
        System.out.println("MetricsIT: before the stop, A reports " + groups(scrape(a), "featuremon_windows_closed_total")
            + ", B reports " + hadB);
        assertThat(hadB).as("groups the stopped instance reported (or the test proves nothing)").isNotEmpty();

        boolean closed = other.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(60)));
        assertThat(closed).as("instance B closed").isTrue();
        assertThat(scrape(b).keySet()).as("B's series after it stopped").noneMatch(k -> k.contains("model="));

        live.produce(events(models, 120, 240));
        live.awaitCaughtUp(TIMEOUT);
        Poll.until("the survivor to report every group", TIMEOUT, () -> {
          Set<String> onA = groups(scrape(a), "featuremon_windows_closed_total");
          return new Poll.Outcome(onA.equals(all), "A " + onA);
        });
        Map<String, Double> survivor = scrape(a); // samples() fails on a series exported twice
        assertThat(survivor.values()).as("every value the survivor exports is finite").allMatch(Double::isFinite);
        for (String name : List.of("featuremon_events_total", "featuremon_windows_closed_total",
            "featuremon_redundancy_mean_abs_corr", "featuremon_redundancy_effective_rank", "featuremon_redundancy_fret_l1",
            "featuremon_mask_kept", "featuremon_mask_version", "featuremon_event_time_lag_seconds")) {
          List<String> exported = survivor.keySet().stream().filter(k -> k.startsWith(name + "{"))
              .map(k -> k.substring(name.length())).sorted().toList();
          assertThat(exported).as(name + " on the survivor").containsExactlyElementsOf(all);
        }
        assertThat(scrape(b).keySet()).as("B's series after the survivor took over").noneMatch(k -> k.contains("model="));

        // Kafka Streams' own metrics, as the endpoint exports them: the survivor lists each input partition's lag
        // once and only finite values; the stopped instance exports no task, partition or store any more.
        Map<String, Double> kafkaOfA = scrape(streamsOfA);
        assertThat(kafkaOfA.values()).allMatch(Double::isFinite);
        for (String topic : List.of(live.config().featuresTopic(), live.config().embeddingsTopic())) {
          List<String> partitions = kafkaOfA.keySet().stream()
              .filter(k -> k.startsWith("kafka_consumer_records_lag{") && k.contains("topic=\"" + topic + "\""))
              .map(k -> k.replaceAll(".*partition=\"(\\d+)\".*", "$1")).sorted().toList();
          assertThat(partitions).as("lag series of " + topic + " on the survivor").containsExactly("0", "1", "2");
        }
        assertThat(kafkaOfA.keySet()).as("survivor's store metrics").anyMatch(k -> k.startsWith("kafka_streams_estimate_num_keys{"));
        Map<String, Double> kafkaOfB = scrape(streamsOfB);
        // (A closed client removes even its client-level metrics: then nothing at all is left.)
        assertThat(kafkaOfB.keySet()).as("stopped instance's series: at most that no thread runs")
            .allMatch(k -> k.startsWith("kafka_streams_alive_stream_threads") || k.startsWith("kafka_streams_failed_stream_threads"));
        System.out.println("MetricsIT: survivor's Kafka Streams series: " + kafkaOfA.size() + ", stopped instance's: "
            + kafkaOfB.size() + " " + kafkaOfB.keySet());
        System.out.println("MetricsIT: after B stopped, the survivor exports " + survivor.keySet().stream()
            .filter(k -> k.startsWith("featuremon_windows_closed_total")).map(k -> k + " " + survivor.get(k)).toList());
      } finally {
        other.close(Duration.ofSeconds(60));
      }
    }
  }

  /** Per model, one event every 2 s from second {@code from} to {@code to} (exclusive) after T0; three features. */
  private static List<String> events(List<String> models, int from, int to) {
    List<String> lines = new ArrayList<>();
    for (int s = from; s < to; s += 2) {
      for (int m = 0; m < models.size(); m++) {
        double x = Math.sin(s * 0.37 + m);
        lines.add("{\"type\":\"features\",\"model\":\"" + models.get(m) + "\",\"timestamp\":" + (T0 + s * 1000L)
            + ",\"features\":{\"x\":" + x + ",\"y\":" + (2 * x + Math.cos(s * 1.3)) + ",\"z\":" + ((s * 7 + m) % 11) + "}}");
      }
    }
    return lines;
  }

  /** Every PromQL expression of the dashboard's panels, in panel order. */
  static List<String> dashboardQueries() throws java.io.IOException {
    JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        exprs.add(target.path("expr").asText());
      }
    }
    assertThat(exprs).as("queries in " + DASHBOARD).isNotEmpty();
    return exprs;
  }

  private static Map<String, Double> scrape(io.prometheus.metrics.model.registry.MultiCollector metrics) {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(metrics);
    return samples(registry.scrape());
  }

  /** The label sets (as printed) of {@code name}'s series. */
  private static Set<String> groups(Map<String, Double> samples, String name) {
    return samples.keySet().stream().filter(k -> k.startsWith(name + "{")).map(k -> k.substring(name.length()))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static final Pattern SAMPLE = Pattern.compile("^(\\S+?(?:\\{.*\\})?) (\\S+)$");

  /** The scrape's samples, series → value; fails on a series exported twice. */
  static Map<String, Double> samples(String scrape) {
    Map<String, Double> out = new TreeMap<>();
    for (String line : scrape.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("sample line " + line).isTrue();
      Double before = out.put(m.group(1), Double.parseDouble(m.group(2)));
      assertThat(before).as("series exported twice: " + m.group(1)).isNull();
    }
    return out;
  }
}
