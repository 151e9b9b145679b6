package io.featuremon.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The Kafka Streams metrics operators watch, read from {@code KafkaStreams.metrics()} at each scrape.
 *
 * <p>Why not Micrometer's {@code KafkaStreamsMetrics} binder: it registers a meter per Kafka metric and re-checks the
 * set every minute, and metrics that Kafka Streams removes and re-creates on a rebalance (task, processor-node,
 * state-store and per-partition lag metrics) have shown up there as NaN (micrometer#2726: the meter keeps a weak
 * reference to the replaced metric) and as meters that pile up (micrometer#2843). Reading the live map at each scrape
 * exports exactly what Kafka Streams has now: a task's metrics leave with the task, and nothing is cached. Once the
 * client stops (closed, or shut down after an error) only its client-level metrics are exported: the closed
 * consumers' lag would be stale.
 *
 * <p>Only the metrics in {@link #EXPORTED} (group → names) are exported, with their tags as labels
 * ({@code thread-id} → {@code thread_id}); a value that is not a finite number (Kafka's NaN for a rate or average with
 * no samples yet, string metrics such as {@code state}) is left out. Names: {@code kafka_streams_} or
 * {@code kafka_consumer_} + the metric's name; Kafka's cumulative {@code *-total} metrics become Prometheus counters.
 */
public final class KafkaStreamsCollector implements MultiCollector {
  /** Group → metric names: throughput, end-to-end latency, consumer lag, RocksDB, thread health. */
  static final Map<String, Set<String>> EXPORTED = Map.of(
      "stream-metrics", Set.of("alive-stream-threads", "failed-stream-threads"),
      "stream-thread-metrics", Set.of("process-rate", "process-total", "process-latency-avg", "poll-rate",
          "commit-rate", "commit-latency-avg", "process-ratio", "punctuate-ratio", "commit-ratio", "poll-ratio"),
      "stream-task-metrics", Set.of("active-process-ratio", "dropped-records-total", "restore-remaining-records-total"),
      "stream-processor-node-metrics", Set.of("record-e2e-latency-avg", "record-e2e-latency-max",
          "record-e2e-latency-min"),
      "stream-state-metrics", Set.of("estimate-num-keys", "size-all-mem-tables", "block-cache-usage",
          "block-cache-pinned-usage", "total-sst-files-size", "live-sst-files-size", "num-running-compactions",
          "num-running-flushes", "estimate-pending-compaction-bytes", "cur-size-all-mem-tables"),
      "consumer-fetch-manager-metrics", Set.of("records-lag", "records-lag-max", "records-consumed-rate"));

  /**
   * States in which the client processes nothing and never will again: its clients are closed, but their metrics can
   * stay in the map (a closed client's consumer still lists the lag of the partitions it had), so exporting them
   * would show stale lag for partitions that another instance now consumes.
   */
  private static final Set<KafkaStreams.State> STOPPED = Set.of(KafkaStreams.State.PENDING_SHUTDOWN,
      KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.ERROR);
  /** Exported whatever the state: they say that nothing runs ({@code alive-stream-threads} 0). */
  private static final String CLIENT_GROUP = "stream-metrics";

  private final Supplier<Map<MetricName, ? extends Metric>> metrics;
  private final Supplier<KafkaStreams.State> state;

  public KafkaStreamsCollector(KafkaStreams streams) {
    this(streams::metrics, streams::state);
  }

  /** @param metrics {@code streams::metrics}; @param state {@code streams::state} */
  public KafkaStreamsCollector(Supplier<Map<MetricName, ? extends Metric>> metrics, Supplier<KafkaStreams.State> state) {
    this.metrics = metrics;
    this.state = state;
  }

  @Override
  public MetricSnapshots collect() {
    // Sorted, so a scrape lists the same series in the same order every time.
    Map<String, Map<Labels, Double>> gauges = new TreeMap<>();
    Map<String, Map<Labels, Double>> counters = new TreeMap<>();
    Map<String, String> help = new TreeMap<>();
    boolean stopped = STOPPED.contains(state.get());
    for (Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
      MetricName name = e.getKey();
      if (stopped && !name.group().equals(CLIENT_GROUP)) {
        continue;
      }
      Set<String> names = EXPORTED.get(name.group());
      if (names == null || !names.contains(name.name())) {
        continue;
      }
      Object value;
      try {
        value = e.getValue().metricValue();
      } catch (RuntimeException ex) {
        continue; // a metric being removed while read (a task closing): it is gone by the next scrape
      }
      if (!(value instanceof Number number) || !Double.isFinite(number.doubleValue())) {
        continue;
      }
      if (name.group().equals("consumer-fetch-manager-metrics") && name.name().equals("records-lag")
          && !name.tags().containsKey("partition")) {
        continue;
      }
      boolean counter = name.name().endsWith("-total");
      String base = prefix(name.group()) + sanitize(counter ? name.name().substring(0, name.name().length() - 6)
          : name.name());
      help.putIfAbsent(base, name.description() == null || name.description().isBlank() ? name.name()
          : name.description());
      // putIfAbsent: two Kafka metrics never share group, name and tags, but a scrape must not fail if they did.
      (counter ? counters : gauges).computeIfAbsent(base, k -> new LinkedHashMap<>())
          .putIfAbsent(labels(name.tags()), number.doubleValue());
    }
    List<MetricSnapshot> all = new ArrayList<>();
    gauges.forEach((name, points) -> {
      GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(help.get(name));
      points.forEach((labels, v) -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(v).build()));
      all.add(b.build());
    });
    counters.forEach((name, points) -> {
      CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help.get(name));
      points.forEach((labels, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(labels).value(v).build()));
      all.add(b.build());
    });
    return new MetricSnapshots(all);
  }

  private static String prefix(String group) {
    return group.startsWith("consumer-") ? "kafka_consumer_" : "kafka_streams_";
  }

  private static Labels labels(Map<String, String> tags) {
    Labels labels = Labels.EMPTY;
    for (Map.Entry<String, String> t : new TreeMap<>(tags).entrySet()) {
      labels = labels.add(PrometheusNaming.sanitizeLabelName(t.getKey().replace('-', '_')), t.getValue());
    }
    return labels;
  }

  static String sanitize(String name) {
    return PrometheusNaming.sanitizeMetricName(name.replace('-', '_').replace('.', '_'));
  }
}
