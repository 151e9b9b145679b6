package io.featuremon.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class KafkaStreamsCollectorTest {

  private static void put(Map<MetricName, Metric> metrics, String group, String name, Map<String, String> tags,
      Object value) {
    MetricName metricName = new MetricName(name, group, "", tags);
    metrics.put(metricName, new Metric() {
      @Override
      public MetricName metricName() {
        return metricName;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    });
  }

  @Test
  void shouldExportTheChosenMetricsLiveLeavingOutNonFiniteAndStringValuesAndAllButThreadCountsOnceStopped() {
    Map<MetricName, Metric> metrics = new LinkedHashMap<>();
    put(metrics, "stream-thread-metrics", "process-rate", Map.of("thread-id", "t1"), 12.5);
    put(metrics, "stream-thread-metrics", "process-total", Map.of("thread-id", "t1"), 100.0);
    put(metrics, "stream-thread-metrics", "process-latency-avg", Map.of("thread-id", "t1"), Double.NaN);
    put(metrics, "stream-metrics", "alive-stream-threads", Map.of("client-id", "c"), 1);
    put(metrics, "stream-metrics", "state", Map.of("client-id", "c"), "RUNNING");
    put(metrics, "stream-processor-node-metrics", "record-e2e-latency-max",
        Map.of("thread-id", "t1", "task-id", "1_0", "processor-node-id", "window-stats-sink"), 250.0);
    put(metrics, "consumer-fetch-manager-metrics", "records-lag",
        Map.of("client-id", "c-consumer", "topic", "in", "partition", "2"), 7.0);
    put(metrics, "producer-metrics", "record-send-rate", Map.of("client-id", "p"), 3.0); // not chosen
    AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.RUNNING);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.getPrometheusRegistry().register(new KafkaStreamsCollector(() -> metrics, state::get));

    Map<String, Double> running = PipelineMetricsTest.samples(registry.scrape());
    assertThat(running).containsOnly(
        Map.entry("kafka_streams_process_rate{thread_id=\"t1\"}", 12.5),
        Map.entry("kafka_streams_process_total{thread_id=\"t1\"}", 100.0),
        Map.entry("kafka_streams_alive_stream_threads{client_id=\"c\"}", 1.0),
        Map.entry("kafka_streams_record_e2e_latency_max{processor_node_id=\"window-stats-sink\",task_id=\"1_0\",thread_id=\"t1\"}", 250.0),
        Map.entry("kafka_consumer_records_lag{client_id=\"c-consumer\",partition=\"2\",topic=\"in\"}", 7.0));

    // A task closed: Kafka Streams removed its metrics, and the next scrape no longer has them.
    metrics.keySet().removeIf(n -> n.tags().containsKey("task-id"));
    assertThat(PipelineMetricsTest.samples(registry.scrape()).keySet()).noneMatch(k -> k.contains("task_id"));

    state.set(KafkaStreams.State.NOT_RUNNING);
    assertThat(PipelineMetricsTest.samples(registry.scrape()))
        .containsOnlyKeys("kafka_streams_alive_stream_threads{client_id=\"c\"}");
  }
}
