package io.featuremon.connect.file;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.FeatureImportance;
import io.featuremon.replay.EventSource;
import io.featuremon.replay.JsonlEvent;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryUnavailableException;
import io.featuremon.topology.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads this task's share of the files, one file at a time in order, and turns each line (CSV row) into the record
 * featuremon's own producer would write: key the model's UTF-8 bytes, value featuremon's {@link AvroSerde} bytes
 * (Confluent wire format, schema registered under the topic's value subject). Each record carries its file and
 * line as offset (see {@link FileOffsets}) and as headers {@code featuremon.file} and {@code featuremon.line}.
 *
 * <p>On start, and whenever it opens a file, the task asks the worker for the file's committed offset and
 * produces only records on later lines; the lines before are read again (parsed, not produced). That is what makes
 * a restart after a crash exact: with exactly-once support on the worker, the committed offset is the one in the
 * same transaction as the last records on the topic.
 */
public final class EventFileSourceTask extends SourceTask {
  static final Logger LOG = LoggerFactory.getLogger(EventFileSourceTask.class);
  static final String HEADER_FILE = "featuremon.file";
  static final String HEADER_LINE = "featuremon.line";
  static final String HEADER_REASON = "featuremon.reason";

  private final SchemaRegistryClient registryForTests;
  private EventFileSourceConfig config;
  private int taskIndex;
  private int taskCount;
  private Serializer<FeatureEvent> features;
  private Serializer<EmbeddingEvent> embeddings;
  private Serializer<FeatureImportance> importance;
  /** Files read to their end since this task started; they are not opened again until the next start. */
  private final Set<Path> finished = new HashSet<>();
  private OpenFile current;
  /** An item read but not yet turned into a record (the registry was unreachable): it goes first next time. */
  private EventSource.Item pending;
  private long nextScanMillis;

  /** What is known of the file being read. */
  private static final class OpenFile {
    final Path path;
    final Map<String, String> partition;
    final EventSource source;
    final long resumeAfter;
    long produced;
    long resumedPast;
    long parseErrors;

    OpenFile(Path path, EventSource source, long resumeAfter) {
      this.path = path;
      this.partition = FileOffsets.partition(path);
      this.source = source;
      this.resumeAfter = resumeAfter;
    }
  }

  public EventFileSourceTask() {
    this(null);
  }

  /** With a registry client of the test's (an in-memory one), instead of the one the settings describe. */
  EventFileSourceTask(SchemaRegistryClient registry) {
    this.registryForTests = registry;
  }

  @Override
  public String version() {
    return EventFileSourceConnector.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    config = new EventFileSourceConfig(props);
    taskIndex = Integer.parseInt(props.getOrDefault(EventFileSourceConfig.TASK_INDEX, "0"));
    taskCount = Integer.parseInt(props.getOrDefault(EventFileSourceConfig.TASK_COUNT, "1"));
    features = serializer(FeatureEvent.class);
    embeddings = serializer(EmbeddingEvent.class);
    importance = serializer(FeatureImportance.class);
    if (config.directory() != null && !Files.isDirectory(config.directory())) {
      throw new ConnectException(EventFileSourceConfig.DIRECTORY + "=" + config.directory() + " is not a directory"
          + " on this worker; every worker that may run the task needs it (a shared or copied folder)");
    }
    if (config.files() != null) {
      for (Path f : config.files()) {
        if (!Files.isRegularFile(f)) {
          throw new ConnectException(EventFileSourceConfig.FILES + ": " + f + " is not a file on this worker; every"
              + " worker that may run the task needs it");
        }
      }
    }
    LOG.info("event file source task {} of {} started", taskIndex + 1, taskCount);
  }

  private <T extends org.apache.avro.specific.SpecificRecord> Serializer<T> serializer(Class<T> type) {
    AvroSerde<T> serde = registryForTests != null ? new AvroSerde<>(type, registryForTests) : new AvroSerde<>(type);
    if (registryForTests == null) {
      serde.configure(config.registryConfig(), false);
    }
    return serde.serializer();
  }

  @Override
  public synchronized List<SourceRecord> poll() throws InterruptedException {
    // synchronized with stop(), which the worker calls from another thread: the file is closed between polls.
    if (current == null) {
      current = openNext();
      if (current == null) {
        // Nothing to read: wait a little (poll is called in a loop), then look for new files.
        long wait = Math.min(1_000, Math.max(0, nextScanMillis - System.currentTimeMillis()));
        Thread.sleep(wait);
        return null;
      }
    }
    List<SourceRecord> batch = new ArrayList<>();
    try {
      while (batch.size() < config.batchSize()) {
        EventSource.Item item = pending != null ? pending : current.source.next();
        pending = null;
        if (item == null) {
          finish();
          break;
        }
        if (FileOffsets.alreadyProduced(item.line(), current.resumeAfter)) {
          current.resumedPast++;
          continue;
        }
        try {
          SourceRecord record = record(item);
          if (record != null) {
            batch.add(record);
          }
        } catch (SchemaRegistryUnavailableException e) {
          // Not the line's fault: keep it for the next poll; what is built so far goes out.
          pending = item;
          LOG.warn("schema registry unavailable, {}:{} waits: {}", current.path, item.line(), e.getMessage());
          if (batch.isEmpty()) {
            Thread.sleep(1_000);
          }
          break;
        }
      }
    } catch (IOException e) {
      // Not UTF-8, or unreadable: stop with the file and line; fixing the file and restarting resumes after the offset.
      throw new ConnectException("cannot read " + current.path + ": " + e.getMessage(), e);
    }
    return batch;
  }

  /** The record for one item, or null for a parse error that is skipped (logged and counted). */
  SourceRecord record(EventSource.Item item) {
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString(HEADER_FILE, current.path.toString());
    headers.addLong(HEADER_LINE, item.line());
    Map<String, Long> offset = FileOffsets.offset(item.line());
    if (item.failure() != null) {
      current.parseErrors++;
      String errors = config.parseErrorsTopic();
      if (errors == null) {
        LOG.warn("{}:{} skipped, not an event: {}", current.path, item.line(), item.failure());
        return null;
      }
      headers.addString(HEADER_REASON, item.failure());
      return new SourceRecord(current.partition, offset, errors, null, null, null, Schema.BYTES_SCHEMA,
          item.text().getBytes(StandardCharsets.UTF_8), null, headers);
    }
    JsonlEvent event = item.event();
    String topic;
    byte[] value;
    if (event.isImportance()) {
      topic = config.importanceTopic();
      value = importance.serialize(topic, (FeatureImportance) event.avro());
    } else if (event.type() == EventType.EMBEDDING) {
      topic = config.embeddingsTopic();
      value = embeddings.serialize(topic, (EmbeddingEvent) event.avro());
    } else {
      topic = config.featuresTopic();
      value = features.serialize(topic, (FeatureEvent) event.avro());
    }
    current.produced++;
    // Key: the model, as featuremon's producers write it, so a model's events stay in order in one partition.
    // Timestamp: null, i.e. the time it is produced, as a live producer's would be: an event time from the file
    // could be older than the topic's retention, or ahead of the broker's clock, which fails the whole batch.
    return new SourceRecord(current.partition, offset, topic, null, Schema.BYTES_SCHEMA,
        event.model().getBytes(StandardCharsets.UTF_8), Schema.BYTES_SCHEMA, value, null, headers);
  }

  private void finish() throws IOException {
    OpenFile f = current;
    current = null;
    finished.add(f.path);
    f.source.close();
    LOG.info("{}: read to its end; {} records produced now, {} produced before (skipped on resume after line {}),"
            + " {} lines not events ({})", f.path, f.produced, f.resumedPast, f.resumeAfter, f.parseErrors,
        config.parseErrorsTopic() == null ? "skipped" : "sent to " + config.parseErrorsTopic());
  }

  /** Opens the first of this task's files not read yet, positioned after its committed offset; null if none. */
  private OpenFile openNext() {
    if (System.currentTimeMillis() < nextScanMillis) {
      return null;
    }
    for (Path file : candidates()) {
      if (finished.contains(file)) {
        continue;
      }
      Map<String, Object> stored = context.offsetStorageReader().offset(FileOffsets.partition(file));
      long resumeAfter;
      try {
        resumeAfter = FileOffsets.resumeAfter(stored);
      } catch (IllegalArgumentException e) {
        throw new ConnectException(file + ": the stored " + e.getMessage() + "; reset it with the worker's"
            + " offsets REST API (PATCH /connectors/<name>/offsets) or delete it");
      }
      try {
        EventSource source = config.input(file).open(config.maxFeatures());
        LOG.info("{}: reading{}", file, resumeAfter == 0 ? "" : ", producing the records after line " + resumeAfter
            + " (committed before)");
        return new OpenFile(file, source, resumeAfter);
      } catch (IllegalArgumentException e) {
        // A CSV file whose header cannot be read: nothing of it can be events. Stop, naming the file.
        throw new ConnectException(e.getMessage(), e);
      } catch (IOException e) {
        throw new ConnectException("cannot open " + file + ": " + e.getMessage(), e);
      }
    }
    nextScanMillis = System.currentTimeMillis() + config.scanIntervalMs();
    return null;
  }

  /** This task's files, in order. */
  List<Path> candidates() {
    List<Path> mine = new ArrayList<>();
    if (config.files() != null) {
      List<Path> files = config.files();
      for (int i = 0; i < files.size(); i++) {
        if (FileOffsets.owner(files.get(i), i, taskCount) == taskIndex) {
          mine.add(files.get(i));
        }
      }
      return mine;
    }
    TreeSet<Path> sorted = new TreeSet<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(config.directory())) {
      for (Path p : dir) {
        if (Files.isRegularFile(p) && config.matches(p)) {
          sorted.add(p.toAbsolutePath().normalize());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + config.directory(), e);
    }
    for (Path p : sorted) {
      if (FileOffsets.owner(p, -1, taskCount) == taskIndex) {
        mine.add(p);
      }
    }
    return mine;
  }

  @Override
  public synchronized void stop() {
    if (current != null) {
      try {
        current.source.close();
      } catch (IOException e) {
        LOG.warn("closing {}: {}", current.path, e.getMessage());
      }
      current = null;
    }
  }
}
