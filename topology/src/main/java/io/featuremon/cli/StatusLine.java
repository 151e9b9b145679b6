package io.featuremon.cli;

import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.Durations;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.FeaturemonApp;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The one-line status {@code run} prints every interval, so an operator sees at a glance that events flow and what
 * is refused: input events a second and lag (from the Kafka Streams consumer's metrics), windows closed and dead
 * letters by reason (read back from the output topics, committed records only, so the counts are what downstream
 * sees), and a warning naming the models whose events arrived late.
 *
 * <pre>
 * featuremon: 12:00:30 1,204 events/s, input lag 310; since start: 12 windows, 5 dead letters (late 3, validate 2)
 * featuremon: warning: late events (after window.grace=2m): churn 3; ...
 * </pre>
 */
final class StatusLine implements AutoCloseable {
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  /** What one interval saw. */
  record Snapshot(double eventsPerSecond, long lag, long windows, SortedMap<String, Long> deadByReason,
      SortedMap<String, Long> lateByModel) {}

  private final FeaturemonConfig config;
  private final SchemaRegistryClient registry;
  private final Supplier<Map<MetricName, ? extends Metric>> metrics;
  private final PrintWriter err;
  private final Duration every;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final Thread thread;

  private long windows;
  private final SortedMap<String, Long> deadByReason = new TreeMap<>();
  private final SortedMap<String, Long> lateByModel = new TreeMap<>();

  StatusLine(FeaturemonConfig config, SchemaRegistryClient registry,
      Supplier<Map<MetricName, ? extends Metric>> metrics, PrintWriter err, Duration every) {
    this.config = config;
    this.registry = registry;
    this.metrics = metrics;
    this.err = err;
    this.every = every;
    this.thread = new Thread(this::loop, "featuremon-status");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The status line (and the late warning, when any model had late events), without a trailing newline. */
  static String format(Instant now, Snapshot s, String grace, String deadLetterTopic) {
    String dead = s.deadByReason().isEmpty() ? "0 dead letters"
        : s.deadByReason().values().stream().mapToLong(Long::longValue).sum() + " dead letters ("
            + s.deadByReason().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")) + ")";
    String line = String.format("featuremon: %s %,.0f events/s, input lag %s; since start: %,d windows, %s",
        CLOCK.format(now), s.eventsPerSecond(), s.lag() < 0 ? "unknown" : String.format("%,d", s.lag()),
        s.windows(), dead);
    if (!s.lateByModel().isEmpty()) {
      line += String.format("%nfeaturemon: warning: late events (after window.grace=%s) by model: %s; each is a dead"
          + " letter on %s; a producer or partition running behind: raise window.grace", grace,
          s.lateByModel().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
              .collect(Collectors.joining(", ")), deadLetterTopic);
    }
    return line;
  }

  /** The dead letter's reason code: "late" for late events, otherwise the stage that refused it. */
  static String reasonCode(DeadLetter letter) {
    return letter.getReason() != null && letter.getReason().startsWith("late:") ? "late" : letter.getStage();
  }

  private void loop() {
    Properties props = new Properties();
    props.putAll(FeaturemonApp.readerSettings(config, "status"));
    AvroSerde<WindowStats> stats = new AvroSerde<>(WindowStats.class, registry);
    AvroSerde<DeadLetter> dead = new AvroSerde<>(DeadLetter.class, registry);
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(config.windowStatsTopic(), config.deadLettersTopic())) {
        for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
      }
      consumer.assign(partitions);
      consumer.seekToEnd(partitions); // counts since this start: earlier runs' outputs are not this run's news
      long lastConsumed = consumedInput();
      long lastNanos = System.nanoTime();
      long due = lastNanos + every.toNanos();
      while (!stop.get()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.value() == null) {
            continue;
          }
          try {
            if (r.topic().equals(config.windowStatsTopic())) {
              stats.deserializer().deserialize(r.topic(), r.value());
              windows++;
            } else {
              DeadLetter letter = dead.deserializer().deserialize(r.topic(), r.value());
              String code = reasonCode(letter);
              deadByReason.merge(code, 1L, Long::sum);
              if ("late".equals(code)) {
                lateByModel.merge(String.valueOf(letter.getModel()), 1L, Long::sum);
              }
            }
          } catch (RuntimeException e) {
            // Another writer's record on an output topic is not the status line's business.
          }
        }
        long now = System.nanoTime();
        if (now >= due) {
          long consumed = consumedInput();
          double rate = (consumed - lastConsumed) / ((now - lastNanos) / 1e9);
          err.println(format(Instant.now(), new Snapshot(rate, inputLag(), windows, deadByReason, lateByModel),
              Durations.format(config.windowGrace()), config.deadLettersTopic()));
          err.flush();
          lateByModel.clear(); // the warning says what is new; the dead-letter counts stay cumulative
          lastConsumed = consumed;
          lastNanos = now;
          due = now + every.toNanos();
        }
      }
    } catch (RuntimeException e) {
      err.println("featuremon: the status line stopped (" + e + "); processing goes on");
    }
  }

  private boolean isInput(Metric m) {
    String topic = m.metricName().tags().get("topic");
    return topic != null && inputTopics().contains(topic);
  }

  private Set<String> inputTopics() {
    // Per-topic fetch metrics name a topic with its dots replaced by underscores.
    return Stream.of(config.featuresTopic(), config.embeddingsTopic()).flatMap(t -> Stream.of(t, t.replace('.', '_')))
        .collect(Collectors.toSet());
  }

  private long consumedInput() {
    double sum = 0;
    for (Metric m : metrics.get().values()) {
      if (m.metricName().name().equals("records-consumed-total") && isInput(m)
          && !m.metricName().tags().containsKey("partition") && m.metricValue() instanceof Number n) {
        sum += n.doubleValue();
      }
    }
    return (long) sum;
  }

  private long inputLag() {
    double sum = 0;
    boolean any = false;
    for (Metric m : metrics.get().values()) {
      if (m.metricName().name().equals("records-lag") && isInput(m) && m.metricValue() instanceof Number n
          && !Double.isNaN(n.doubleValue())) {
        sum += n.doubleValue();
        any = true;
      }
    }
    return any ? (long) sum : -1;
  }

  @Override
  public void close() {
    stop.set(true);
  }
}
