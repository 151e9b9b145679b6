package io.featuremon.backtest;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.Replay;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.EventType;
import io.featuremon.topology.FeaturemonApp;
import io.featuremon.topology.WhatIfRules;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Properties;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A replay of the input topics over an event-time range [from, to), on a real cluster and registry.
 *
 * <p>A plain consumer, without a group ({@code assign}, no commits, read_committed), reads each partition of the
 * embeddings and features topics from the first record whose timestamp is at least {@code from − grace − skew}
 * ({@code offsetsForTimes}) up to the end offsets taken when the backtest starts, so it ends by itself. A record
 * is kept when the event it decodes to has its event time in [from, to) (a record that does not decode is kept when
 * its record timestamp is in range: it becomes the same dead letter as live). The kept records go, unchanged, through
 * {@link Replay#runRecords}: the production topology in a TopologyTestDriver, then every open window is closed. So
 * the backtest creates no consumer group, internal topic, state or output record on the cluster, and registers no
 * schema.
 *
 * <p>Order: partitions one after another (topic, then partition number), each in offset order. The live window
 * stage keeps per group (model, segment, type) its own stream time and state, and one group's events are in one
 * input partition (producers key by model), so each group sees its events in the live order and its windows, masks
 * and alerts are those of the live run; only the interleaving of different groups in the output files differs.
 * Feature-importance records with a timestamp before {@code to} are read first, from the start of their topic.
 */
public final class Backtest {

  /** The partitions' offset range and how far the backtest is through it. */
  public interface Progress {
    void update(long records, long offsetsDone, long offsetsTotal);
  }

  private final FeaturemonConfig config;
  private final WhatIfRules whatIf;
  private final long from;
  private final long to;
  private final Duration skew;
  private final Set<String> models;

  /**
   * @param models the models to keep (their events; records that decode to no event are kept too), or empty for all
   */
  public Backtest(FeaturemonConfig config, WhatIfRules whatIf, long from, long to, Duration skew, Set<String> models) {
    if (to <= from) {
      throw new IllegalArgumentException("--to must be after --from");
    }
    this.config = config;
    this.whatIf = whatIf;
    this.from = from;
    this.to = to;
    this.skew = skew;
    this.models = models;
  }

  public Replay.Summary run(SchemaRegistryClient registry, Path outDir, Progress progress) throws IOException {
    Properties props = new Properties();
    props.putAll(FeaturemonApp.readerSettings(config, "backtest"));
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      Duration timeout = Duration.ofSeconds(60);
      long start = from - config.windowGrace().toMillis() - skew.toMillis();
      List<Range> ranges = new ArrayList<>();
      List<TopicPartition> importance = partitions(consumer, config.featureImportanceTopic(), timeout, false);
      Map<TopicPartition, Long> importanceStarts = consumer.beginningOffsets(importance, timeout);
      Map<TopicPartition, Long> importanceEnds = consumer.endOffsets(importance, timeout);
      for (TopicPartition tp : importance) {
        ranges.add(new Range(tp, importanceStarts.get(tp), importanceEnds.get(tp), null));
      }
      for (EventType type : List.of(EventType.EMBEDDING, EventType.FEATURES)) {
        String topic = type == EventType.EMBEDDING ? config.embeddingsTopic() : config.featuresTopic();
        List<TopicPartition> tps = partitions(consumer, topic, timeout, true);
        Map<TopicPartition, Long> ends = consumer.endOffsets(tps, timeout);
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, Math.max(0, start)));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, timeout);
        for (TopicPartition tp : tps) {
          OffsetAndTimestamp first = starts.get(tp);
          long end = ends.get(tp);
          ranges.add(new Range(tp, first == null ? end : first.offset(), end, type));
        }
      }
      long total = ranges.stream().mapToLong(r -> r.end - r.start).sum();
      Records records = new Records(consumer, ranges, registry, total, progress);
      Replay.Summary summary = new Replay(config, whatIf).runRecords(records, registry, outDir, n -> {});
      progress.update(records.kept, total, total);
      return summary;
    }
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout,
      boolean required) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
    if (infos == null || infos.isEmpty()) {
      if (required) {
        throw new IllegalArgumentException("topic " + topic + " does not exist on " + consumer.toString());
      }
      return List.of();
    }
    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition()))
        .sorted(Comparator.comparingInt(TopicPartition::partition)).toList();
  }

  /** Offsets [start, end) of one partition; {@code type} null for the feature-importance topic. */
  private record Range(TopicPartition tp, long start, long end, EventType type) {}

  /** The kept records, partition after partition, each in offset order, up to the snapshotted ends. */
  private final class Records implements Iterator<Replay.RawRecord> {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Deque<Range> ranges;
    private final Map<EventType, Deserializer<?>> decoders;
    private final long total;
    private final Progress progress;
    private final Deque<ConsumerRecord<byte[], byte[]>> buffer = new ArrayDeque<>();
    private Range current;
    private long done;
    private long kept;
    private Replay.RawRecord next;

    Records(KafkaConsumer<byte[], byte[]> consumer, List<Range> ranges, SchemaRegistryClient registry, long total,
        Progress progress) {
      this.consumer = consumer;
      this.ranges = new ArrayDeque<>(ranges);
      this.decoders = Map.of(EventType.EMBEDDING, new AvroSerde<>(EmbeddingEvent.class, registry).deserializer(),
          EventType.FEATURES, new AvroSerde<>(FeatureEvent.class, registry).deserializer());
      this.total = total;
      this.progress = progress;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        ConsumerRecord<byte[], byte[]> r = nextRecord();
        if (r == null) {
          return false;
        }
        next = keep(r);
      }
      return true;
    }

    @Override
    public Replay.RawRecord next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Replay.RawRecord r = next;
      next = null;
      kept++;
      if (kept % 10_000 == 0) {
        progress.update(kept, done, total);
      }
      return r;
    }

    private ConsumerRecord<byte[], byte[]> nextRecord() {
      while (true) {
        if (current != null && !buffer.isEmpty()) {
          ConsumerRecord<byte[], byte[]> r = buffer.poll();
          if (r.offset() >= current.end) {
            buffer.clear();
            finish();
            continue;
          }
          done = done + 1;
          return r;
        }
        if (current != null && consumer.position(current.tp) >= current.end) {
          finish();
          continue;
        }
        if (current == null) {
          current = ranges.poll();
          if (current == null) {
            return null;
          }
          if (current.start >= current.end) {
            current = null;
            continue;
          }
          consumer.assign(List.of(current.tp));
          consumer.seek(current.tp, current.start);
        }
        consumer.poll(Duration.ofMillis(500)).records(current.tp).forEach(buffer::add);
      }
    }

    private void finish() {
      // Offsets skipped over (transaction markers, aborted records) count as done too.
      current = null;
      done = total - ranges.stream().mapToLong(r -> r.end - r.start).sum();
      progress.update(kept, done, total);
    }

    /** The record as the topology's input, or null when it is out of range or of a model not asked for. */
    private Replay.RawRecord keep(ConsumerRecord<byte[], byte[]> r) {
      EventType type = current.type;
      String model = null;
      String segment = null;
      long time = r.timestamp();
      if (type == null) {
        if (time >= to) {
          return null;
        }
      } else {
        try {
          Object event = decoders.get(type).deserialize(r.topic(), r.value());
          if (event instanceof EmbeddingEvent e) {
            model = String.valueOf(e.getModel());
            segment = e.getSegment() == null ? null : e.getSegment().toString();
            time = e.getTimestamp();
          } else if (event instanceof FeatureEvent f) {
            model = String.valueOf(f.getModel());
            segment = f.getSegment() == null ? null : f.getSegment().toString();
            time = f.getTimestamp();
          }
        } catch (RuntimeException notAnEvent) {
          model = null;
        }
        if (time < from || time >= to || (model != null && !models.isEmpty() && !models.contains(model))) {
          return null;
        }
      }
      return new Replay.RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.headers(),
          r.timestamp(), model == null ? null : type, model, segment);
    }
  }
}
