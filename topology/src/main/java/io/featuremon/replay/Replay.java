package io.featuremon.replay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.FeatureImportance;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroJson;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.AlertRulesConfig;
import io.featuremon.topology.EventType;
import io.featuremon.topology.FeaturemonTopology;
import io.featuremon.topology.WhatIfRules;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Offline replay: the production topology, driven by {@link TopologyTestDriver} over a JSON Lines or CSV file
 * ({@link ReplayInput}), no broker.
 *
 * <p>Each line (or CSV row) becomes the Avro record (Confluent wire format, in-memory registry) a producer would
 * have written and goes through decode, validation, repartition and the window stage exactly as in {@code run}. At
 * the end of the input every group receives an end-of-input marker, which closes its open windows. Outputs are
 * written as JSON Lines; the same input gives byte-identical files.
 */
public final class Replay {
  public static final String WINDOW_STATS_FILE = "window-stats.jsonl";
  public static final String MASKS_FILE = "masks.jsonl";
  public static final String ALERTS_FILE = "alerts.jsonl";
  public static final String DEAD_LETTERS_FILE = "dead-letters.jsonl";
  /** The folder of the what-if rule sets' alerts, one {@code NAME.alerts.jsonl} per set. */
  public static final String WHAT_IF_DIR = "what-if";
  public static final String WHAT_IF_SUFFIX = ".alerts.jsonl";
  /** The rules each alerts file came from, copied beside it: {@code alert-rules.yaml}, {@code what-if/NAME.rules.yaml}. */
  public static final String RULES_FILE = "alert-rules.yaml";
  public static final String WHAT_IF_RULES_SUFFIX = ".rules.yaml";
  static final String PARSE_STAGE = "parse";

  /**
   * What a replay read and wrote: the file's lines; its records (non-blank lines of JSON Lines, rows of CSV after
   * the header); the events among them (sent to the topology); windows, masks, alerts and dead letters written; of
   * the dead letters, those of records that are not events ({@code parseFailures}) and those the topology wrote
   * ({@code refused}, one per refused event); and the first dead letter ("line N: reason"), or null.
   */
  public record Summary(long lines, long records, long events, long windows, long masks, long alerts,
      long deadLetters, long parseFailures, long refused, String firstDeadLetter) {

    /** Events the topology took into its statistics: neither refused at once nor later. */
    public long accepted() {
      return events - refused;
    }
  }

  private final FeaturemonConfig config;
  private final WhatIfRules whatIf;

  public Replay(FeaturemonConfig config) {
    this(config, WhatIfRules.NONE);
  }

  /**
   * @param whatIf rule sets evaluated beside {@code alert.rules} over the same window statistics; each set's alerts
   *     go to {@code what-if/NAME.alerts.jsonl}
   */
  public Replay(FeaturemonConfig config, WhatIfRules whatIf) {
    this.config = config;
    this.whatIf = whatIf;
  }

  /** The alerts file of what-if set {@code name} in an output directory. */
  public static Path whatIfAlerts(Path outDir, String name) {
    return outDir.resolve(WHAT_IF_DIR).resolve(name + WHAT_IF_SUFFIX);
  }

  /**
   * @param progress called with the number of lines read, every 10,000 lines and at the end
   */
  public Summary run(Path input, Path outDir, Consumer<Long> progress) throws IOException {
    return run(ReplayInput.of(input), outDir, progress, null);
  }

  /**
   * @param progress called with the number of lines read, every 10,000 lines and at the end
   */
  public Summary run(ReplayInput input, Path outDir, Consumer<Long> progress) throws IOException {
    return run(input, outDir, progress, null);
  }

  /**
   * Builds a reference profile: the input as one window per (model, segment, type) — the same statistics a window
   * would keep — written as the reference-store entries {@code reference.mode=profile} reads.
   */
  public static Summary profile(FeaturemonConfig config, Path input, Path profile, Consumer<Long> progress)
      throws IOException {
    return profile(config, ReplayInput.of(input), profile, progress);
  }

  /** A reference profile from an input file in either format (see the other overload). */
  public static Summary profile(FeaturemonConfig config, ReplayInput input, Path profile, Consumer<Long> progress)
      throws IOException {
    Map<String, Object> values = new HashMap<>(config.originals());
    // One window holds everything: [0, 10^15 ms) spans every event time up to the year 33658.
    values.put(FeaturemonConfig.WINDOW_SIZE, "1000000000000000ms");
    values.put(FeaturemonConfig.WINDOW_ADVANCE, "");
    values.put(FeaturemonConfig.WINDOW_GRACE, "0s");
    values.put(FeaturemonConfig.REFERENCE_MODE, "window");
    Path out = Files.createTempDirectory("featuremon-profile-");
    try {
      return new Replay(new FeaturemonConfig(values)).run(input, out, progress, driver -> {
        Map<org.apache.kafka.common.utils.Bytes, byte[]> entries = new java.util.TreeMap<>();
        org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]> store =
            driver.getKeyValueStore(FeaturemonTopology.REFERENCE_STORE);
        try (var all = store.all()) {
          all.forEachRemaining(kv -> entries.put(kv.key, kv.value));
        }
        try {
          io.featuremon.topology.Profiles.write(profile, entries);
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    } finally {
      deleteRecursively(out);
    }
  }

  /**
   * One record read from an input topic as its producer wrote it: where it was (for dead letters), its key, value,
   * headers and record timestamp; and, when its value decodes to an event, the event's group ({@code type} null
   * otherwise), whose open windows are closed at the end.
   */
  public record RawRecord(String topic, int partition, long offset, byte[] key, byte[] value,
      org.apache.kafka.common.header.Headers headers, long timestamp, EventType type, String model, String segment) {}

  /**
   * Runs the production topology over records read from Kafka, unchanged (bytes, key, headers, timestamp), in the
   * order given, decoded with {@code registry}; then closes every open window as a file replay does. Dead letters
   * name the record's real partition and offset. The topology's own outputs are encoded with a private in-memory
   * registry, so nothing is registered in {@code registry}.
   *
   * @param progress called with the number of records read, every 10,000 records and at the end
   */
  public Summary runRecords(java.util.Iterator<RawRecord> records, SchemaRegistryClient registry, Path outDir,
      Consumer<Long> progress) throws IOException {
    Files.createDirectories(outDir);
    Path stateDir = Files.createTempDirectory("featuremon-backtest-");
    SchemaRegistryClient readOnly = new ReadOnlyRegistry(registry);
    try (TopologyTestDriver driver = new TopologyTestDriver(FeaturemonTopology.build(config, readOnly, true, whatIf),
        driverProperties(stateDir));
        Outputs out = new Outputs(driver, readOnly, outDir)) {
      Map<String, TestInputTopic<byte[], byte[]>> inputs = new HashMap<>();
      Map<String, Long> offsets = new HashMap<>();
      Map<List<Object>, String> groups = new java.util.LinkedHashMap<>();
      long read = 0;
      long events = 0;
      long lastTimestamp = 0;
      while (records.hasNext()) {
        RawRecord r = records.next();
        read++;
        if (read % 10_000 == 0) {
          progress.accept(read);
        }
        TestInputTopic<byte[], byte[]> topic = inputs.computeIfAbsent(r.topic(),
            t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()));
        long driverOffset = offsets.merge(r.topic(), 1L, Long::sum) - 1;
        out.sourceOf(r.topic(), driverOffset, r.partition(), r.offset());
        RecordHeaders headers = new RecordHeaders();
        if (r.headers() != null) {
          // A record that carries the marker header on the live topic must not close windows here.
          r.headers().forEach(h -> {
            if (!FeaturemonTopology.END_OF_INPUT_HEADER.equals(h.key())) {
              headers.add(h);
            }
          });
        }
        lastTimestamp = Math.max(lastTimestamp, r.timestamp());
        topic.pipeInput(new TestRecord<>(r.key(), r.value(), headers, r.timestamp()));
        if (r.type() != null) {
          events++;
          if (!r.model().isBlank()) {
            groups.putIfAbsent(java.util.Arrays.asList(r.type(), r.model(), r.segment()), r.topic());
          }
        }
        out.drain();
        if (read % 1_000 == 0) {
          out.discardInternalTopics();
        }
      }
      for (Map.Entry<List<Object>, String> group : groups.entrySet()) {
        String marker = group.getKey().get(1) + (group.getKey().get(2) == null ? "" : "\n" + group.getKey().get(2));
        RecordHeaders headers = new RecordHeaders();
        headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, marker.getBytes(StandardCharsets.UTF_8));
        inputs.get(group.getValue()).pipeInput(new TestRecord<>(null, new byte[0], headers, lastTimestamp));
        out.drain();
      }
      progress.accept(read);
      return new Summary(read, read, events, out.windows, out.masks, out.alerts, out.deadLetters,
          out.parseFailures, out.deadLetters - out.parseFailures, out.firstDeadLetter);
    } finally {
      deleteRecursively(stateDir);
    }
  }

  private Properties driverProperties(Path stateDir) {
    Properties props = new Properties();
    config.passThrough().forEach(props::put);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "replay.invalid:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    return props;
  }

  /**
   * Decodes inputs with the real registry and keeps the topology's output schemas to itself: they get negative ids
   * (never a real registry's) in a private in-memory registry, so a backtest registers nothing.
   */
  private static final class ReadOnlyRegistry implements SchemaRegistryClient {
    private final SchemaRegistryClient remote;
    private final InMemorySchemaRegistryClient local = new InMemorySchemaRegistryClient();

    ReadOnlyRegistry(SchemaRegistryClient remote) {
      this.remote = remote;
    }

    @Override
    public int register(String subject, org.apache.avro.Schema schema) {
      return -local.register(subject, schema);
    }

    @Override
    public int lookup(String subject, org.apache.avro.Schema schema) {
      return -local.lookup(subject, schema);
    }

    @Override
    public org.apache.avro.Schema getById(int id) {
      return id < 0 ? local.getById(-id) : remote.getById(id);
    }
  }

  private Summary run(ReplayInput input, Path outDir, Consumer<Long> progress, Consumer<TopologyTestDriver> atEnd)
      throws IOException {
    // Opened first: a CSV header that cannot be read stops the replay before it writes anything.
    try (EventSource source = input.open(config)) {
      return run(input.path(), source, outDir, progress, atEnd);
    }
  }

  private Summary run(Path input, EventSource source, Path outDir, Consumer<Long> progress,
      Consumer<TopologyTestDriver> atEnd) throws IOException {
    Files.createDirectories(outDir);
    Path stateDir = Files.createTempDirectory("featuremon-replay-");
    SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    try (TopologyTestDriver driver = new TopologyTestDriver(FeaturemonTopology.build(config, registry, true, whatIf),
        driverProperties(stateDir));
        Outputs out = new Outputs(driver, registry, outDir)) {
      Map<EventType, TestInputTopic<byte[], byte[]>> inputs = Map.of(
          EventType.EMBEDDING, driver.createInputTopic(config.embeddingsTopic(), new ByteArraySerializer(), new ByteArraySerializer()),
          EventType.FEATURES, driver.createInputTopic(config.featuresTopic(), new ByteArraySerializer(), new ByteArraySerializer()));
      Map<EventType, Serializer<? extends SpecificRecord>> serializers = Map.of(
          EventType.EMBEDDING, new AvroSerde<>(EmbeddingEvent.class, registry).serializer(),
          EventType.FEATURES, new AvroSerde<>(FeatureEvent.class, registry).serializer());
      TestInputTopic<String, byte[]> importance = driver.createInputTopic(config.featureImportanceTopic(),
          new StringSerializer(), new ByteArraySerializer());
      Serializer<FeatureImportance> importanceSerializer = new AvroSerde<>(FeatureImportance.class, registry).serializer();
      Map<EventType, Long> offsets = new HashMap<>();
      Set<List<Object>> groups = new LinkedHashSet<>();
      long records = 0;
      long events = 0;
      long lastTimestamp = 0;
      long discardedAt = 0;
      long reportedAt = 0;
      EventSource.Item item;
      while ((item = source.next()) != null) {
        records++;
        long lines = source.lines();
        if (lines - reportedAt >= 10_000) {
          reportedAt = lines - lines % 10_000;
          progress.accept(reportedAt);
        }
        if (item.failure() != null) {
          out.parseFailure(input, item.line(), item.text(), item.failure());
          continue;
        }
        JsonlEvent event = item.event();
        if (event.isImportance()) {
          importance.pipeInput(new TestRecord<>(event.model(), importanceSerializer.serialize(
              config.featureImportanceTopic(), (FeatureImportance) event.avro()), null, event.recordTimestamp()));
          continue;
        }
        String topic = event.type() == EventType.EMBEDDING ? config.embeddingsTopic() : config.featuresTopic();
        byte[] value = serialize(serializers.get(event.type()), topic, event.avro());
        long offset = offsets.merge(event.type(), 1L, Long::sum) - 1;
        out.lineOf(topic, offset, item.line());
        lastTimestamp = Math.max(lastTimestamp, event.recordTimestamp());
        inputs.get(event.type()).pipeInput(new TestRecord<>(event.model().getBytes(StandardCharsets.UTF_8), value,
            null, event.recordTimestamp()));
        events++;
        if (!event.model().isBlank()) {
          groups.add(java.util.Arrays.asList(event.type(), event.model(), event.segment()));
        }
        out.drain();
        if (records - discardedAt >= 1_000) {
          discardedAt = records;
          out.discardInternalTopics();
        }
      }
      long lines = source.lines();
      for (List<Object> group : groups) {
        EventType type = (EventType) group.get(0);
        String marker = group.get(1) + (group.get(2) == null ? "" : "\n" + group.get(2));
        RecordHeaders headers = new RecordHeaders();
        headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, marker.getBytes(StandardCharsets.UTF_8));
        inputs.get(type).pipeInput(new TestRecord<>(null, new byte[0], headers, lastTimestamp));
        out.drain();
      }
      progress.accept(lines);
      if (atEnd != null) {
        atEnd.accept(driver);
      }
      return new Summary(lines, records, events, out.windows, out.masks, out.alerts, out.deadLetters,
          out.parseFailures, out.deadLetters - out.parseFailures, out.firstDeadLetter);
    } finally {
      deleteRecursively(stateDir);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> byte[] serialize(Serializer<T> serializer, String topic, SpecificRecord record) {
    return serializer.serialize(topic, (T) record);
  }

  /** The four output files, written as records arrive so they follow the input order. */
  private final class Outputs implements AutoCloseable {
    private final TestOutputTopic<String, WindowStats> statsTopic;
    private final TestOutputTopic<String, FeatureMask> masksTopic;
    private final TestOutputTopic<String, Alert> alertsTopic;
    private final TestOutputTopic<String, DeadLetter> deadTopic;
    private final BufferedWriter statsOut;
    private final BufferedWriter masksOut;
    private final BufferedWriter alertsOut;
    private final BufferedWriter deadOut;
    private final List<TestOutputTopic<String, Alert>> whatIfTopics = new java.util.ArrayList<>();
    private final List<BufferedWriter> whatIfOut = new java.util.ArrayList<>();
    /** (topic, offset) → line number, so that dead letters point back into the file. */
    private final Map<String, Map<Long, Long>> lines = new HashMap<>();
    long windows;
    long masks;
    long alerts;
    long deadLetters;
    long parseFailures;
    String firstDeadLetter;

    private final TopologyTestDriver driver;
    private final java.util.Set<String> outputs;

    Outputs(TopologyTestDriver driver, SchemaRegistryClient registry, Path dir) throws IOException {
      this.driver = driver;
      Set<String> outputs = new java.util.HashSet<>(List.of(config.windowStatsTopic(), config.masksTopic(),
          config.alertsTopic(), config.deadLettersTopic()));
      StringDeserializer keys = new StringDeserializer();
      statsTopic = driver.createOutputTopic(config.windowStatsTopic(), keys, new AvroSerde<>(WindowStats.class, registry).deserializer());
      masksTopic = driver.createOutputTopic(config.masksTopic(), keys, new AvroSerde<>(FeatureMask.class, registry).deserializer());
      alertsTopic = driver.createOutputTopic(config.alertsTopic(), keys, new AvroSerde<>(Alert.class, registry).deserializer());
      deadTopic = driver.createOutputTopic(config.deadLettersTopic(), keys, new AvroSerde<>(DeadLetter.class, registry).deserializer());
      statsOut = Files.newBufferedWriter(dir.resolve(WINDOW_STATS_FILE), StandardCharsets.UTF_8);
      masksOut = Files.newBufferedWriter(dir.resolve(MASKS_FILE), StandardCharsets.UTF_8);
      alertsOut = Files.newBufferedWriter(dir.resolve(ALERTS_FILE), StandardCharsets.UTF_8);
      deadOut = Files.newBufferedWriter(dir.resolve(DEAD_LETTERS_FILE), StandardCharsets.UTF_8);
      // A what-if file left by an earlier run with other rules would be scored as if this run had written it.
      deleteRecursively(dir.resolve(WHAT_IF_DIR));
      for (int i = 0; i < whatIf.size(); i++) {
        String topic = WhatIfRules.topic(config, i);
        outputs.add(topic);
        whatIfTopics.add(driver.createOutputTopic(topic, keys, new AvroSerde<>(Alert.class, registry).deserializer()));
        Path file = whatIfAlerts(dir, whatIf.name(i));
        Files.createDirectories(file.getParent());
        whatIfOut.add(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
        Files.writeString(dir.resolve(WHAT_IF_DIR).resolve(whatIf.name(i) + WHAT_IF_RULES_SUFFIX), whatIf.text(i),
            StandardCharsets.UTF_8);
      }
      String liveRules = config.alertRulesFile().isBlank() ? AlertRulesConfig.builtIn(config)
          : Files.readString(Path.of(config.alertRulesFile()), StandardCharsets.UTF_8);
      Files.writeString(dir.resolve(RULES_FILE), liveRules, StandardCharsets.UTF_8);
      this.outputs = Set.copyOf(outputs);
    }

    /**
     * For backtests: per topic, from each driver offset on where the record's real partition or the distance between
     * its real offset and the driver's changes, {partition, real offset − driver offset}. A dead letter may come long
     * after its record (the window stage settles a vector's shape later), so the map is kept whole; it grows with the
     * gaps in the read offsets, not with the records.
     */
    private final Map<String, java.util.TreeMap<Long, long[]>> sources = new HashMap<>();

    void sourceOf(String topic, long driverOffset, int partition, long offset) {
      java.util.TreeMap<Long, long[]> runs = sources.computeIfAbsent(topic, t -> new java.util.TreeMap<>());
      Map.Entry<Long, long[]> last = runs.lastEntry();
      if (last == null || last.getValue()[0] != partition || last.getValue()[1] != offset - driverOffset) {
        runs.put(driverOffset, new long[] {partition, offset - driverOffset});
      }
    }

    void lineOf(String topic, long offset, long line) {
      lines.computeIfAbsent(topic, t -> new HashMap<>()).put(offset, line);
    }

    void parseFailure(Path input, long line, String text, String reason) throws IOException {
      DeadLetter letter = DeadLetter.newBuilder()
          .setSourceTopic("file:" + input.getFileName())
          .setSourcePartition(0)
          .setSourceOffset(line)
          .setRecordTimestamp(0)
          .setStage(PARSE_STAGE)
          .setReason(reason)
          .setValue(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)))
          .build();
      parseFailures++;
      writeDead(letter, line);
    }

    /**
     * The driver keeps every record the topology produces until someone reads it, changelogs and the repartition
     * topic included: left alone they grow with the input (gigabytes for a long replay), so they are dropped here.
     */
    void discardInternalTopics() {
      for (String topic : driver.producedTopicNames()) {
        if (!outputs.contains(topic)) {
          driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
        }
      }
    }

    void drain() throws IOException {
      while (!statsTopic.isEmpty()) {
        write(statsOut, AvroJson.toJsonLine(statsTopic.readValue()));
        windows++;
      }
      while (!masksTopic.isEmpty()) {
        write(masksOut, AvroJson.toJsonLine(masksTopic.readValue()));
        masks++;
      }
      while (!alertsTopic.isEmpty()) {
        write(alertsOut, AvroJson.toJsonLine(alertsTopic.readValue()));
        alerts++;
      }
      for (int i = 0; i < whatIfTopics.size(); i++) {
        while (!whatIfTopics.get(i).isEmpty()) {
          write(whatIfOut.get(i), AvroJson.toJsonLine(whatIfTopics.get(i).readValue()));
        }
      }
      while (!deadTopic.isEmpty()) {
        DeadLetter letter = deadTopic.readValue();
        java.util.TreeMap<Long, long[]> runs = sources.get(letter.getSourceTopic());
        Map.Entry<Long, long[]> run = runs == null ? null : runs.floorEntry(letter.getSourceOffset());
        if (run != null) {
          letter.setSourcePartition((int) run.getValue()[0]);
          letter.setSourceOffset(letter.getSourceOffset() + run.getValue()[1]);
        }
        Long line = lines.getOrDefault(letter.getSourceTopic(), Map.of()).get(letter.getSourceOffset());
        writeDead(letter, line);
      }
    }

    private void writeDead(DeadLetter letter, Long line) throws IOException {
      ObjectNode json = AvroJson.toJson(letter);
      if (line != null) {
        json.put("line", line);
      }
      write(deadOut, AvroJson.toJsonLine(json));
      deadLetters++;
      if (firstDeadLetter == null) {
        firstDeadLetter = (line == null ? "" : "line " + line + ": ") + letter.getReason();
      }
    }

    private void write(BufferedWriter w, String line) throws IOException {
      w.write(line);
      w.write('\n');
    }

    @Override
    public void close() throws IOException {
      for (BufferedWriter w : new BufferedWriter[] {statsOut, masksOut, alertsOut, deadOut}) {
        w.close();
      }
      for (BufferedWriter w : whatIfOut) {
        w.close();
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
