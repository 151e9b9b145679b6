package io.featuremon.connect.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventFileSourceTaskTest {
  @TempDir Path dir;
  private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  /** The worker's committed offsets, as the offset store would give them back. */
  private final Map<Map<String, ?>, Map<String, Object>> committed = new HashMap<>();

  private static String embedding(int i) {
    return "{\"type\":\"embedding\",\"model\":\"m" + (i % 3) + "\",\"timestamp\":" + (1_767_225_600_000L + i)
        + ",\"id\":\"e-" + i + "\",\"vector\":[" + i + ".0,0.5]}";
  }

  private Map<String, String> props(Path file, String... more) {
    Map<String, String> p = new HashMap<>(Map.of("files", file.toString(), "schema.registry.url",
        "http://127.0.0.1:1", "batch.size", "3", "key.converter", EventFileSourceConfig.BYTE_ARRAY_CONVERTER,
        "value.converter", EventFileSourceConfig.BYTE_ARRAY_CONVERTER));
    for (int i = 0; i < more.length; i += 2) {
      p.put(more[i], more[i + 1]);
    }
    return p;
  }

  private EventFileSourceTask task(Map<String, String> props) {
    EventFileSourceTask task = new EventFileSourceTask(registry);
    task.initialize(new SourceTaskContext() {
      @Override
      public Map<String, String> configs() {
        return props;
      }

      @Override
      public OffsetStorageReader offsetStorageReader() {
        return new OffsetStorageReader() {
          @Override
          public <T> Map<String, Object> offset(Map<String, T> partition) {
            return committed.get(partition);
          }

          @Override
          public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            throw new UnsupportedOperationException();
          }
        };
      }

      @Override
      public PluginMetrics pluginMetrics() {
        return null;
      }
    });
    task.start(props);
    return task;
  }

  /** Polls until the file is done (a null poll: nothing left to open). */
  private static List<SourceRecord> drain(EventFileSourceTask task) throws InterruptedException {
    List<SourceRecord> all = new ArrayList<>();
    for (int polls = 0; polls < 1_000; polls++) {
      List<SourceRecord> batch = task.poll();
      if (batch == null) {
        return all;
      }
      all.addAll(batch);
    }
    throw new AssertionError("the task did not finish the file in 1000 polls");
  }

  /** The worker's commit of a record's offset (with exactly-once: in the record's transaction). */
  private void commit(SourceRecord record) {
    committed.put(record.sourcePartition(), new HashMap<>(record.sourceOffset()));
  }

  private static long line(SourceRecord r) {
    return (Long) r.headers().lastWithName(EventFileSourceTask.HEADER_LINE).value();
  }

  @Test
  void shouldProduceEachLineExactlyOnceWhenRestartedAfterTheCommittedOffset() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      lines.add(i == 7 ? "not json" : i == 12 ? "" : embedding(i));
    }
    Path file = Files.write(dir.resolve("events.jsonl"), lines, StandardCharsets.UTF_8);

    EventFileSourceTask first = task(props(file));
    List<SourceRecord> beforeCrash = new ArrayList<>();
    beforeCrash.addAll(first.poll());
    beforeCrash.addAll(first.poll());
    // The worker committed the first batch only; the second was polled but its transaction never committed.
    commit(beforeCrash.get(2));
    first.stop();

    EventFileSourceTask second = task(props(file));
    List<SourceRecord> afterRestart = drain(second);

    List<Long> onTopic = new ArrayList<>(beforeCrash.subList(0, 3).stream().map(EventFileSourceTaskTest::line).toList());
    onTopic.addAll(afterRestart.stream().map(EventFileSourceTaskTest::line).toList());
    List<Long> expected = new ArrayList<>();
    for (long i = 1; i <= 20; i++) {
      if (i != 7 && i != 12) {
        expected.add(i);
      }
    }
    assertThat(onTopic).containsExactlyElementsOf(expected);
    assertThat(afterRestart.get(0).sourceOffset()).isEqualTo(Map.of("line", 4L));
  }

  @Test
  void shouldWriteWhatFeaturemonsSerdeReadsKeyedByModel() throws Exception {
    Path file = Files.write(dir.resolve("one.jsonl"), List.of(embedding(4)), StandardCharsets.UTF_8);
    List<SourceRecord> records = drain(task(props(file)));

    assertThat(records).hasSize(1);
    SourceRecord r = records.get(0);
    assertThat(r.topic()).isEqualTo("featuremon-embeddings");
    assertThat(new String((byte[]) r.key(), StandardCharsets.UTF_8)).isEqualTo("m1");
    EmbeddingEvent decoded = new AvroSerde<>(EmbeddingEvent.class, registry).deserializer()
        .deserialize(r.topic(), (byte[]) r.value());
    assertThat(decoded.getRequestId()).isEqualTo("e-4");
    assertThat(decoded.getVector()).containsExactly(4.0f, 0.5f);
    assertThat(r.sourcePartition()).isEqualTo(Map.of("file", file.toAbsolutePath().normalize().toString()));
  }

  @Test
  void shouldResumeACsvFileWhoseRowSpansLinesOnTheRowsFirstLine() throws Exception {
    Path file = Files.writeString(dir.resolve("rows.csv"), "model,timestamp,note,x\n"
        + "a,1767225600000,plain,1\n"
        + "a,1767225600001,\"two\nlines\",2\n"
        + "b,1767225600002,plain,3\n", StandardCharsets.UTF_8);
    List<SourceRecord> all = drain(task(props(file)));
    assertThat(all).extracting(EventFileSourceTaskTest::line).containsExactly(2L, 3L, 5L);

    commit(all.get(1)); // the two-line row, which starts on line 3
    List<SourceRecord> resumed = drain(task(props(file)));
    assertThat(resumed).extracting(EventFileSourceTaskTest::line).containsExactly(5L);
    FeatureEvent b = new AvroSerde<>(FeatureEvent.class, registry).deserializer()
        .deserialize(resumed.get(0).topic(), (byte[]) resumed.get(0).value());
    assertThat(b.getModel()).isEqualTo("b");
    assertThat(b.getFeatures()).containsEntry("x", 3.0);
  }

  @Test
  void shouldSendLinesThatAreNotEventsToTheErrorTopicWithTheirReasonWhenOneIsSet() throws Exception {
    Path file = Files.write(dir.resolve("bad.jsonl"), List.of(embedding(1), "{\"type\":\"audio\"}"),
        StandardCharsets.UTF_8);
    List<SourceRecord> records = drain(task(props(file, "parse.errors.topic", "file-errors")));

    assertThat(records).hasSize(2);
    SourceRecord error = records.get(1);
    assertThat(error.topic()).isEqualTo("file-errors");
    assertThat(new String((byte[]) error.value(), StandardCharsets.UTF_8)).isEqualTo("{\"type\":\"audio\"}");
    assertThat((String) error.headers().lastWithName(EventFileSourceTask.HEADER_REASON).value()).contains("audio");
    assertThat(error.sourceOffset()).isEqualTo(Map.of("line", 2L));
  }

  @Test
  void shouldRefuseAnUnknownKeyByName() {
    assertThatThrownBy(() -> new EventFileSourceConfig(props(dir, "batch.sise", "10")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("batch.sise").hasMessageContaining("batch.size");
  }

  @Test
  void shouldRefuseAConverterThatWouldWrapTheBytesAgain() {
    Map<String, String> p = props(dir, "value.converter", "org.apache.kafka.connect.json.JsonConverter");
    assertThatThrownBy(() -> EventFileSourceConnector.checkConverters(p))
        .hasMessageContaining("value.converter").hasMessageContaining("ByteArrayConverter");
  }

  @Test
  void shouldRefuseALineBoundAboveReplays() {
    assertThatThrownBy(() -> new EventFileSourceConfig(props(dir, "max.line.chars", "20000000")))
        .hasMessageContaining("max.line.chars");
  }

  @Test
  void shouldRefuseAnOffsetOfAnotherLayout() {
    assertThat(FileOffsets.resumeAfter(null)).isZero();
    assertThat(FileOffsets.resumeAfter(Map.of("line", 5))).isEqualTo(5);
    assertThatThrownBy(() -> FileOffsets.resumeAfter(Map.of("position", 5L))).hasMessageContaining("line");
    assertThatThrownBy(() -> FileOffsets.resumeAfter(Map.of("line", -1L))).hasMessageContaining("line");
  }
}
