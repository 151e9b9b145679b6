package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 7's findings, one test each: records a hostile or broken producer can send, and what featuremon must do
 * with them (a dead letter with a reason, or statistics unharmed), at default settings unless a test says otherwise.
 */
class PoisonPillTest {
  static final long MINUTE = 60_000L;
  static final long HOUR = 60 * MINUTE;
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  @TempDir
  Path stateDir;

  private final SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final TestEvents events = new TestEvents(registry);
  private TopologyTestDriver driver;
  private FeaturemonConfig config;
  private TestInputTopic<byte[], byte[]> embeddings;
  private TestInputTopic<byte[], byte[]> features;
  private TestOutputTopic<String, WindowStats> stats;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  private void start(Map<String, String> settings) {
    start(settings, registry, true);
  }

  private void start(Map<String, String> settings, SchemaRegistryClient featuremonRegistry, boolean offline) {
    Map<String, String> all = new HashMap<>(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.FOLD_BATCH_SIZE,
        "16"));
    all.putAll(settings);
    config = FeaturemonConfig.load(all, null, Map.of());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "featuremon-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(FeaturemonTopology.build(config, featuremonRegistry, offline), props);
    embeddings = driver.createInputTopic(config.embeddingsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    features = driver.createInputTopic(config.featuresTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    StringDeserializer keys = new StringDeserializer();
    stats = driver.createOutputTopic(config.windowStatsTopic(), keys,
        new AvroSerde<>(WindowStats.class, featuremonRegistry).deserializer());
    deadLetters = driver.createOutputTopic(config.deadLettersTopic(), keys,
        new AvroSerde<>(DeadLetter.class, featuremonRegistry).deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void embedding(String model, long eventTime, long recordTime, float[] v) {
    embeddings.pipeInput(new TestRecord<>(model.getBytes(), events.embedding(model, eventTime, v), null, recordTime));
  }

  private void embedding(String model, long time, float[] v) {
    embedding(model, time, time, v);
  }

  private void endOfInput(String model) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, model.getBytes());
    embeddings.pipeInput(new TestRecord<>(null, new byte[0], headers, T0));
  }

  private static float[] vector(Random random, int d) {
    return TestEvents.structured(random, d);
  }

  /** Finding 1: a broker refuses records more than 1 h ahead of its clock, so no record may carry an event time. */
  @Test
  void shouldNeverStampAnInternalOrOutputRecordLaterThanTheInputRecordsTimestamp() {
    start(Map.of(FeaturemonConfig.INPUT_MAX_FUTURE, "1d"));
    Random random = new Random(1);
    long latestRecordTime = 0;
    for (int i = 0; i < 80; i++) {
      long recordTime = T0 + i * MINUTE;
      // every tenth event claims to be 23 hours ahead of its record: within input.max.future=1d, so it is valid
      long eventTime = i % 10 == 9 ? recordTime + 23 * HOUR : recordTime;
      embedding("m", eventTime, recordTime, vector(random, 4));
      latestRecordTime = recordTime;
    }
    endOfInput("m");
    String repartitionTopic = driver.producedTopicNames().stream()
        .filter(t -> t.contains(FeaturemonTopology.REPARTITION)).findFirst().orElseThrow();
    TestOutputTopic<byte[], byte[]> repartition = driver.createOutputTopic(repartitionTopic, new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    List<TestRecord<byte[], byte[]>> internal = repartition.readRecordsToList();
    List<TestRecord<String, WindowStats>> windows = stats.readRecordsToList();

    assertThat(internal).hasSizeGreaterThanOrEqualTo(80);
    assertThat(windows).isNotEmpty();
    for (TestRecord<?, ?> r : internal) {
      assertThat(r.timestamp()).isLessThanOrEqualTo(latestRecordTime);
    }
    for (TestRecord<String, WindowStats> r : windows) {
      assertThat(r.timestamp()).as("window [%s, %s)", r.value().getWindowStart(), r.value().getWindowEnd())
          .isLessThanOrEqualTo(latestRecordTime).isLessThanOrEqualTo(r.value().getWindowEnd());
    }
    assertThat(windows.stream().mapToLong(r -> r.value().getCount()).sum()).isEqualTo(80);
  }

  /** Finding 2: 1e308 overflowed the co-moments and the eigen decomposition failed at window close, for good. */
  @Test
  void shouldDeadLetterAValueWhoseSquareWouldOverflowAndKeepTheWindow() {
    start(Map.of());
    for (int i = 0; i < 30; i++) {
      double x = i;
      Map<String, Object> row = new TreeMap<>(Map.of("alcohol", i == 7 ? 1e308 : x, "ash", 2 * x + 1, "hue", (double) (i % 3)));
      features.pipeInput(new TestRecord<>("wine".getBytes(), events.features("wine", T0 + i * MINUTE, row), null,
          T0 + i * MINUTE));
    }
    features.pipeInput(new TestRecord<>("wine".getBytes(), events.features("wine", T0 + 3 * HOUR, Map.of("alcohol", 1.0,
        "ash", 3.0, "hue", 1.0)), null, T0 + 3 * HOUR));
    RecordHeaders headers = new RecordHeaders();
    headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, "wine".getBytes());
    features.pipeInput(new TestRecord<>(null, new byte[0], headers, T0));

    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).singleElement().satisfies(d -> {
      assertThat(d.getReason()).contains("'alcohol' is 1.0E308").contains("input.max.abs.value");
      assertThat(d.getSourceOffset()).isEqualTo(7);
    });
    WindowStats first = stats.readValuesToList().get(0);
    assertThat(first.getCount()).isEqualTo(29);
    assertThat(first.getError()).isNull();
    assertThat(first.getRedundancy().getPairs().get(0).getCorr()).isGreaterThan(0.999999);
  }

  /** Finding 4: features per event are bounded, numeric and categorical alike. */
  @Test
  void shouldRefuseAnEventWithMoreFeaturesThanTheLimitNamingIt() {
    start(Map.of());
    Map<String, Object> numeric = new TreeMap<>();
    Map<String, Object> categorical = new TreeMap<>();
    for (int i = 0; i < 10_000; i++) {
      numeric.put("f" + i, (double) i);
      categorical.put("c" + i, "v" + i);
    }
    features.pipeInput(new TestRecord<>(null, events.features("wide", T0, numeric), null, T0));
    features.pipeInput(new TestRecord<>(null, events.features("wide", T0, categorical), null, T0));

    assertThat(deadLetters.readValuesToList()).extracting(DeadLetter::getReason)
        .containsExactly("10000 features, more than input.max.features=4096",
            "10000 features, more than input.max.features=4096");
  }

  @Test
  void shouldRefuseGroupsBeyondThePartitionLimitAndNamesLongerThanTheLimit() {
    start(Map.of(FeaturemonConfig.LIMITS_GROUPS_PER_PARTITION, "5"));
    Random random = new Random(2);
    for (int m = 0; m < 8; m++) {
      embedding("model-" + m, T0, vector(random, 4));
    }
    embedding("x".repeat(300), T0, vector(random, 4));

    List<String> reasons = deadLetters.readValuesToList().stream().map(DeadLetter::getReason).toList();
    assertThat(reasons).hasSize(4);
    assertThat(reasons.subList(0, 3)).allSatisfy(r -> assertThat(r).startsWith("limit: model 'model-")
        .contains("limits.groups.per.partition=5"));
    assertThat(reasons.get(3)).contains("more than input.max.name.length=256");
  }

  @Test
  void shouldRefuseAShapeWhoseStateWouldExceedTheGroupBudget() {
    start(Map.of(FeaturemonConfig.LIMITS_GROUP_STATE_BYTES, Long.toString(64L << 20)));
    embedding("huge", T0, new float[4096]); // 4096² / 2 doubles = 67 MB of tiles per pane
    assertThat(deadLetters.readValue().getReason()).startsWith("limit: model 'huge' with 4096 dimensions needs about")
        .contains("limits.group.state.bytes=67108864");
  }

  /** Finding 5: the first accepted event fixed the model's shape; one bit flip dead-lettered all valid events after it. */
  @Test
  void aCorruptFirstEventMustNotFixTheShapeOfAModel() {
    start(Map.of());
    Random random = new Random(3);
    embedding("enc", T0, vector(random, 11)); // corrupt: 11 dimensions
    for (int i = 1; i <= 221; i++) {
      embedding("enc", T0 + i * 10_000L, vector(random, 24));
    }
    endOfInput("enc");

    List<WindowStats> windows = stats.readValuesToList();
    assertThat(windows).extracting(WindowStats::getDimensions).containsOnly(24);
    assertThat(windows.stream().mapToLong(WindowStats::getCount).sum()).isEqualTo(221);
    assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
      assertThat(d.getSourceOffset()).isZero();
      assertThat(d.getReason()).startsWith("vector has 11 dimensions but model 'enc' has 24")
          .contains("not confirmed");
    });
  }

  /** Found by the fuzzer (seed 920600866): two stray shapes before any real event filled both waiting places. */
  @Test
  void twoStrayShapesBeforeTheFirstRealEventDoNotLockTheRealShapeOut() {
    start(Map.of());
    Random random = new Random(9);
    embedding("enc", T0, vector(random, 4));
    embedding("enc", T0 + 1_000, vector(random, 7));
    for (int i = 0; i < 100; i++) {
      embedding("enc", T0 + 2_000 + i * 10_000L, vector(random, 8));
    }
    endOfInput("enc");
    assertThat(stats.readValuesToList()).extracting(WindowStats::getDimensions).containsOnly(8);
    assertThat(deadLetters.readValuesToList()).extracting(DeadLetter::getSourceOffset).containsExactlyInAnyOrder(0L, 1L);
  }

  /**
   * Found by the fuzzer (seed 2652852151): a row with a null that came while the model's shape awaited confirmation
   * was counted without its missing value, so when the confirmation came (which other events can hasten) changed
   * the window's missingRate. It now waits with the shape and counts as any later row does.
   */
  @Test
  void aRowWithANullBeforeTheShapeIsConfirmedCountsItsMissingValue() {
    start(Map.of());
    for (int i = 0; i < 24; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("a", (double) i);
      row.put("b", i == 3 ? null : 2.0 * i + 1);
      row.put("c", "x" + i % 3);
      features.pipeInput(new TestRecord<>("t".getBytes(), events.features("t", T0 + i * MINUTE, row), null,
          T0 + i * MINUTE));
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, "t".getBytes());
    features.pipeInput(new TestRecord<>(null, new byte[0], headers, T0));
    WindowStats window = stats.readValuesToList().get(0);
    assertThat(window.getCount()).isEqualTo(24);
    assertThat(window.getIncomplete()).isEqualTo(1);
    assertThat(window.getQuality().getMissingRate().get("b")).isEqualTo(1.0 / 24);
  }

  @Test
  void aRealChangeOfShapeIsAdoptedAndTheWindowItFallsInIsReportedOncePerShape() {
    start(Map.of());
    Random random = new Random(4);
    for (int i = 0; i < 100; i++) {
      embedding("enc", T0 + i * MINUTE, vector(random, 8));        // 100 minutes of 8 dimensions
    }
    for (int i = 100; i < 300; i++) {
      embedding("enc", T0 + i * MINUTE, vector(random, 16));       // then the model is upgraded
    }
    endOfInput("enc");

    List<WindowStats> windows = stats.readValuesToList();
    assertThat(deadLetters.readValuesToList()).isEmpty();
    assertThat(windows.stream().mapToLong(WindowStats::getCount).sum()).isEqualTo(300);
    assertThat(windows).filteredOn(w -> w.getDimensions() == 8).extracting(WindowStats::getWindowStart)
        .containsExactly(T0, T0 + HOUR);
    assertThat(windows).filteredOn(w -> w.getDimensions() == 16).extracting(WindowStats::getWindowStart)
        .containsExactly(T0 + HOUR, T0 + 2 * HOUR, T0 + 3 * HOUR, T0 + 4 * HOUR);
    assertThat(windows.get(windows.size() - 1).getDrift()).as("drift against a 16-dimension reference").isNotNull();
  }

  @Test
  void aSteadyTrickleOfWrongShapeEventsNeverTakesAModelOver() {
    start(Map.of());
    Random random = new Random(5);
    int wrong = 0;
    for (int i = 0; i < 600; i++) {
      boolean bad = i % 3 == 2; // a third of the traffic from a misconfigured producer
      embedding("enc", T0 + i * 10_000L, vector(random, bad ? 5 : 8));
      wrong += bad ? 1 : 0;
    }
    endOfInput("enc");

    assertThat(stats.readValuesToList()).extracting(WindowStats::getDimensions).containsOnly(8);
    assertThat(deadLetters.readValuesToList()).hasSize(wrong)
        .allSatisfy(d -> assertThat(d.getReason()).startsWith("vector has 5 dimensions but model 'enc' has 8"));
  }

  /** Finding 6: one event 50 minutes ahead made every later event of its model late for 50 minutes. */
  @Test
  void oneEventWithAWrongClockMustNotMakeTheFollowingEventsLate() {
    start(Map.of());
    Random random = new Random(6);
    for (int i = 0; i < 40; i++) {
      long t = T0 + 30 * MINUTE + i * 30_000L;
      embedding("m", i == 5 ? t + 50 * MINUTE : t, t, vector(random, 4));
    }
    endOfInput("m");
    assertThat(deadLetters.readValuesToList()).isEmpty();
    assertThat(stats.readValuesToList().stream().mapToLong(WindowStats::getCount).sum()).isEqualTo(40);
  }

  @Test
  void aModelIdleForDaysStillClosesItsWindows() {
    start(Map.of());
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      embedding("m", T0 + i * MINUTE, vector(random, 4));
    }
    for (int i = 0; i < 20; i++) {
      embedding("m", T0 + 72 * HOUR + i * MINUTE, vector(random, 4));
    }
    assertThat(stats.readValuesToList()).extracting(WindowStats::getWindowStart).containsExactly(T0);
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldDeadLetterAnAbsurdTimestampWithAHint() {
    start(Map.of());
    long micros = T0 * 1000;
    embeddings.pipeInput(new TestRecord<>(null, events.embedding("m", micros, 1f, 2f), null, micros));
    assertThat(deadLetters.readValue().getReason()).contains("after 9999-12-31").contains("microseconds");
  }

  @Test
  void shouldDeadLetterSecondsAndMicrosecondsFromALiveProducerWithTheDateTheyMean() {
    start(Map.of());
    // The producer's record timestamp is right (T0); the event time is in the wrong unit.
    embeddings.pipeInput(new TestRecord<>(null, events.embedding("m", T0 / 1000, 1f, 2f), null, T0));
    embeddings.pipeInput(new TestRecord<>(null, events.embedding("m", T0 * 1000, 1f, 2f), null, T0));
    assertThat(deadLetters.readValue().getReason()).contains("looks like seconds: ×1000 gives 2026-01-01T00:00:00Z");
    assertThat(deadLetters.readValue().getReason()).contains("looks like microseconds: ÷1000 gives 2026-01-01T00:00:00Z");
  }

  /** Finding 7: a registry answering 404 (restored empty) turned valid records into dead letters at once. */
  @Test
  void anUnknownSchemaIdIsRetriedBeforeItBecomesADeadLetter() {
    InMemorySchemaRegistryClient empty = new InMemorySchemaRegistryClient(); // the registry after an empty restore
    start(Map.of(FeaturemonConfig.INPUT_UNKNOWN_SCHEMA_RETRY, "1h"), empty, false);
    byte[] record = events.embedding("m", T0, 1f, 2f, 3f);

    assertThatThrownBy(() -> embeddings.pipeInput(new TestRecord<>(null, record, null, T0)))
        .hasRootCauseInstanceOf(io.featuremon.serdes.SchemaNotFoundException.class)
        .hasStackTraceContaining("retrying for");
    assertThat(deadLetters.isEmpty()).isTrue();

    empty.register("featuremon-embeddings-value", EmbeddingEvent.getClassSchema()); // the producer re-registers
    embeddings.pipeInput(new TestRecord<>(null, record, null, T0));
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void anUnknownSchemaIdBecomesADeadLetterOnceItsRetryTimeIsOver() {
    start(Map.of(FeaturemonConfig.INPUT_UNKNOWN_SCHEMA_RETRY, "0s"), new InMemorySchemaRegistryClient(), false);
    embeddings.pipeInput(new TestRecord<>(null, events.embedding("m", T0, 1f, 2f, 3f), null, T0));
    assertThat(deadLetters.readValue().getReason()).contains("schema id 1 not found");
  }

  /** A model whose first event waits for confirmation while only rows with nulls follow still reports that event. */
  @Test
  void aLoneEventFollowedOnlyByRowsWithNullsIsCountedOnce() {
    start(Map.of(FeaturemonConfig.WINDOW_SIZE, "1m", FeaturemonConfig.WINDOW_GRACE, "5s"));
    features.pipeInput(new TestRecord<>(null, events.features("lone", T0 + 10_000, Map.of("a", 1.0, "b", "x")), null,
        T0 + 10_000));
    Map<String, Object> closer = new HashMap<>();
    closer.put("fuzz_closer", null);
    for (int i = 0; i < 3; i++) {
      features.pipeInput(new TestRecord<>(null, events.features("lone", T0 + MINUTE + 5_000, closer), null,
          T0 + MINUTE + 5_000));
    }
    List<DeadLetter> letters = deadLetters.readValuesToList();
    List<WindowStats> windows = stats.readValuesToList();
    assertThat(letters).isEmpty();
    assertThat(windows).singleElement().satisfies(w -> {
      assertThat(w.getWindowStart()).isEqualTo(T0);
      assertThat(w.getCount()).isEqualTo(1);
    });
  }

  /** Events ahead of the stream time each open a pane: past a bound, the far-ahead ones are refused, never the rest. */
  @Test
  void farAheadEventsCannotOpenPanesWithoutBoundWhileTheModelsOwnTrafficGoesOn() {
    start(Map.of(FeaturemonConfig.WINDOW_SIZE, "1m"));
    Random random = new Random(8);
    int ahead = 0;
    for (int i = 0; i < 600; i++) {
      long t = T0 + i * 6_000L; // an hour of traffic, ten events a minute
      boolean early = i % 15 == 7; // every 90 s an event whose clock runs 40 to 59 minutes ahead of its record
      embedding("m", early ? t + (40 + i % 20) * MINUTE : t, t, vector(random, 4));
      ahead += early ? 1 : 0;
    }
    endOfInput("m");
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).isNotEmpty().allSatisfy(d -> assertThat(d.getReason()).startsWith("limit: model 'm' already holds")
        .contains("open panes"));
    long counted = stats.readValuesToList().stream().mapToLong(WindowStats::getCount).sum();
    assertThat(counted + letters.size()).isEqualTo(600);
    assertThat(letters.size()).isLessThan(ahead);
  }
}
