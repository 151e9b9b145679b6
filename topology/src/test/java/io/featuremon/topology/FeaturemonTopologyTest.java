package io.featuremon.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroJson;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.header.internals.RecordHeaders;
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

class FeaturemonTopologyTest {
  static final long HOUR = 3_600_000L;
  static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a window boundary for 1h windows

  @TempDir
  Path stateDir;

  private final SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final TestEvents events = new TestEvents(registry);
  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> embeddings;
  private TestInputTopic<byte[], byte[]> features;
  private TestOutputTopic<String, WindowStats> stats;
  private TestOutputTopic<String, FeatureMask> masks;
  private TestOutputTopic<String, Alert> alerts;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  private void start(Map<String, String> settings) {
    start(settings, registry);
  }

  private void start(Map<String, String> settings, SchemaRegistryClient registry) {
    // Quorum 1: these tests place events at window boundaries and expect the window to close on the event that
    // passes end + grace (PoisonPillTest covers the default quorum).
    Map<String, String> all = new HashMap<>(Map.of(FeaturemonConfig.WINDOW_SIZE, "1h", FeaturemonConfig.WINDOW_GRACE, "10m",
        FeaturemonConfig.FOLD_BATCH_SIZE, "16", FeaturemonConfig.WINDOW_CLOSE_QUORUM, "1"));
    all.putAll(settings);
    FeaturemonConfig config = FeaturemonConfig.load(all, null, Map.of());
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "featuremon-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "test:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    config.passThrough().forEach(props::put);
    driver = new TopologyTestDriver(FeaturemonTopology.build(config, registry, true), props);
    embeddings = driver.createInputTopic(config.embeddingsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    features = driver.createInputTopic(config.featuresTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    StringDeserializer keys = new StringDeserializer();
    stats = driver.createOutputTopic(config.windowStatsTopic(), keys, new AvroSerde<>(WindowStats.class, registry).deserializer());
    masks = driver.createOutputTopic(config.masksTopic(), keys, new AvroSerde<>(FeatureMask.class, registry).deserializer());
    alerts = driver.createOutputTopic(config.alertsTopic(), keys, new AvroSerde<>(Alert.class, registry).deserializer());
    deadLetters = driver.createOutputTopic(config.deadLettersTopic(), keys, new AvroSerde<>(DeadLetter.class, registry).deserializer());
  }

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  private void pipeEmbedding(String model, long ts, float[] v) {
    embeddings.pipeInput(new TestRecord<>(model.getBytes(), events.embedding(model, ts, v), null, ts));
  }

  private void endOfInput(String model) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, model.getBytes());
    embeddings.pipeInput(new TestRecord<>(null, new byte[0], headers, T0));
  }

  @Test
  void shouldCloseWindowOnlyWhenStreamTimePassesEndPlusGrace() {
    start(Map.of());
    Random random = new Random(1);
    for (int i = 0; i < 40; i++) {
      pipeEmbedding("m", T0 + i * 60_000L, TestEvents.structured(random, 6));
    }
    pipeEmbedding("m", T0 + HOUR + 9 * 60_000L, TestEvents.structured(random, 6)); // within grace of window 1
    assertThat(stats.isEmpty()).isTrue();
    pipeEmbedding("m", T0 + HOUR + 10 * 60_000L, TestEvents.structured(random, 6)); // end + grace reached
    List<WindowStats> closed = stats.readValuesToList();
    assertThat(closed).hasSize(1);
    WindowStats w = closed.get(0);
    assertThat(w.getWindowStart()).isEqualTo(T0);
    assertThat(w.getWindowEnd()).isEqualTo(T0 + HOUR);
    assertThat(w.getCount()).isEqualTo(40);
    assertThat(w.getDimensions()).isEqualTo(6);
    assertThat(w.getConstant()).containsExactly("5");
    assertThat(w.getRedundancy().getNonConstant()).isEqualTo(5);
    assertThat(w.getRedundancy().getPairs().get(0).getA()).isEqualTo("0");
    assertThat(w.getRedundancy().getPairs().get(0).getB()).isEqualTo("1");
    assertThat(w.getRedundancy().getPairs().get(0).getCorr()).isGreaterThan(0.999999);

    FeatureMask mask = masks.readValue();
    assertThat(mask.getDropped()).extracting(d -> d.getFeature() + ":" + d.getReason())
        .containsExactly(mask.getDropped().get(0).getFeature() + ":redundant", "5:constant");
    assertThat(mask.getDropped().get(0).getFeature()).isIn("0", "1");
    assertThat(mask.getDropped().get(0).getRedundantWith()).isIn("0", "1")
        .isNotEqualTo(mask.getDropped().get(0).getFeature());
    assertThat(mask.getKept()).hasSize(4);
  }

  @Test
  void shouldAcceptLateEventWithinGraceAndDeadLetterItAfterwards() {
    start(Map.of());
    Random random = new Random(2);
    for (int i = 0; i < 20; i++) {
      pipeEmbedding("m", T0 + i * 60_000L, TestEvents.structured(random, 4));
    }
    pipeEmbedding("m", T0 + HOUR + 5 * 60_000L, TestEvents.structured(random, 4));
    pipeEmbedding("m", T0 + 30 * 60_000L, TestEvents.structured(random, 4)); // late but within grace: counted
    pipeEmbedding("m", T0 + HOUR + 10 * 60_000L, TestEvents.structured(random, 4)); // closes window 1
    pipeEmbedding("m", T0 + 31 * 60_000L, TestEvents.structured(random, 4)); // too late
    assertThat(stats.readValue().getCount()).isEqualTo(21);
    DeadLetter late = deadLetters.readValue();
    assertThat(late.getReason()).startsWith("late:");
    assertThat(late.getStage()).isEqualTo("window");
    assertThat(late.getSourceOffset()).isEqualTo(23);
    // The late event is counted in the window that was open when it came, so the next window's stats report it.
    pipeEmbedding("m", T0 + 3 * HOUR, TestEvents.structured(random, 4)); // closes window 2
    WindowStats next = stats.readValue();
    assertThat(next.getWindowStart()).isEqualTo(T0 + HOUR);
    assertThat(next.getQuality().getRejected()).containsEntry("late", 1L);
  }

  @Test
  void shouldCloseEveryOpenWindowAtEndOfInput() {
    start(Map.of());
    Random random = new Random(3);
    pipeEmbedding("m", T0, TestEvents.structured(random, 4));
    pipeEmbedding("m", T0 + 1, TestEvents.structured(random, 4));
    pipeEmbedding("m", T0 + 2 * HOUR, TestEvents.structured(random, 4));
    pipeEmbedding("m", T0 + 2 * HOUR + 1, TestEvents.structured(random, 4));
    endOfInput("m");
    assertThat(stats.readValuesToList()).extracting(WindowStats::getWindowStart).containsExactly(T0, T0 + 2 * HOUR);
  }

  @Test
  void shouldDeadLetterEveryKindOfBadRecordWithItsReasonAndCoordinates() {
    start(Map.of(FeaturemonConfig.INPUT_MAX_RECORD_BYTES, "2000"));
    Random random = new Random(4);
    pipeEmbedding("m", T0, TestEvents.structured(random, 4)); // offset 0 fixes the dimension at 4
    embeddings.pipeInput(new TestRecord<>(null, "{\"not\":\"avro\"}".getBytes(), null, T0)); // 1
    embeddings.pipeInput(new TestRecord<>(null, new byte[] {0, 0, 0, 0x7f, 0x7f, 2, 3}, null, T0)); // 2: unknown id
    pipeEmbedding("m", T0, new float[] {1, 2, 3}); // 3: wrong dimension
    pipeEmbedding("m", T0, new float[] {1, Float.NaN, 3, 4}); // 4
    pipeEmbedding("m", T0, new float[] {1, 2, Float.POSITIVE_INFINITY, 4}); // 5
    pipeEmbedding("", T0, new float[] {1, 2, 3, 4}); // 6: missing model
    embeddings.pipeInput(new TestRecord<>(null, events.embedding("m", -5, new float[] {1, 2, 3, 4}), null, T0)); // 7
    embeddings.pipeInput(new TestRecord<>(null, events.embedding("m", T0 + 25 * HOUR, new float[] {1, 2, 3, 4}), null, T0)); // 8
    pipeEmbedding("m", T0, new float[1000]); // 9: 4 KB > 2000 bytes
    embeddings.pipeInput(new TestRecord<>(null, java.util.Arrays.copyOf(events.embedding("m", T0, new float[] {1, 2, 3, 4}), 12), null, T0)); // 10: truncated
    embeddings.pipeInput(new TestRecord<>(null, null, null, T0)); // 11: tombstone
    features.pipeInput(new TestRecord<>(null, events.features("t", T0, Map.of("a", 1.0, "b", "x")), null, T0)); // features 0
    features.pipeInput(new TestRecord<>(null, events.features("t", T0, Map.of("a", "oops", "b", "x")), null, T0)); // 1
    // Events of an unconfirmed shape (3 and features 1) wait for confirmation; the end of input settles them.
    endOfInput("m");
    RecordHeaders headers = new RecordHeaders();
    headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, "t".getBytes());
    features.pipeInput(new TestRecord<>(null, new byte[0], headers, T0));

    Map<Long, String> reasons = new HashMap<>();
    List<DeadLetter> letters = deadLetters.readValuesToList();
    for (DeadLetter d : letters) {
      assertThat(d.getSourcePartition()).isZero();
      reasons.put(d.getSourceTopic().equals("featuremon-features") ? 100 + d.getSourceOffset() : d.getSourceOffset(), d.getReason());
    }
    assertThat(reasons).hasSize(12);
    assertThat(reasons.get(1L)).contains("magic byte");
    assertThat(reasons.get(2L)).contains("schema").contains(Integer.toString(0x7f7f));
    assertThat(reasons.get(3L)).contains("3 dimensions").contains("has 4");
    assertThat(reasons.get(4L)).isEqualTo("vector[1] is NaN");
    assertThat(reasons.get(5L)).isEqualTo("vector[2] is Infinity");
    assertThat(reasons.get(6L)).startsWith("missing model");
    assertThat(reasons.get(7L)).contains("before 1970");
    assertThat(reasons.get(8L)).contains("after the record's timestamp");
    assertThat(reasons.get(9L)).contains("exceeds input.max.record.bytes=2000");
    assertThat(reasons.get(10L)).startsWith("cannot decode");
    assertThat(reasons.get(11L)).isNotBlank();
    assertThat(reasons.get(101L)).contains("numeric").contains("oops");
    assertThat(letters.stream().filter(d -> d.getSourceOffset() == 1 && d.getSourceTopic().equals("featuremon-embeddings"))
        .findFirst().orElseThrow().getValue().array()).isEqualTo("{\"not\":\"avro\"}".getBytes());
  }

  /**
   * Only the decoder's verdicts on the bytes (malformed, unknown schema) make dead letters; an exception that is
   * nobody's verdict, like a bug in the registry client, propagates to the stream thread's handler instead of passing
   * valid records off as bad data.
   */
  @Test
  void aBugWhileDecodingShouldReachTheThreadInsteadOfMakingDeadLetters() {
    SchemaRegistryClient buggy = new SchemaRegistryClient() {
      @Override
      public int register(String subject, org.apache.avro.Schema schema) {
        return registry.register(subject, schema);
      }

      @Override
      public int lookup(String subject, org.apache.avro.Schema schema) {
        return registry.lookup(subject, schema);
      }

      @Override
      public org.apache.avro.Schema getById(int id) {
        throw new IllegalStateException("a bug in the registry client");
      }
    };
    start(Map.of(), buggy);
    assertThatThrownBy(() -> pipeEmbedding("m", T0, new float[] {1, 2, 3}))
        .hasStackTraceContaining("a bug in the registry client");
    Map<String, Object> row = new HashMap<>(Map.of("x", 1.0));
    assertThatThrownBy(() -> features.pipeInput(new TestRecord<>(null, events.features("t", T0, row), null, T0)))
        .hasStackTraceContaining("a bug in the registry client");
    assertThat(deadLetters.isEmpty()).as("no dead letter for a valid record").isTrue();
  }

  @Test
  void badRecordsShouldNotChangeTheResultsOfValidOnes() {
    List<String> clean = runWithOptionalNoise(false);
    driver.close();
    driver = null;
    refusedSeen = 0;
    List<String> noisy = runWithOptionalNoise(true);
    assertThat(noisy).isEqualTo(clean).isNotEmpty();
    assertThat(refusedSeen).as("NaN events counted in their windows' quality").isGreaterThan(50);
  }

  private List<String> runWithOptionalNoise(boolean noise) {
    start(Map.of());
    Random random = new Random(5);
    Random noiseRandom = new Random(6);
    for (int i = 0; i < 300; i++) {
      pipeEmbedding("m", T0 + i * 60_000L, TestEvents.structured(random, 8));
      if (noise && noiseRandom.nextInt(3) == 0) {
        pipeEmbedding("m", T0 + i * 60_000L, new float[] {1, Float.NaN, 0, 0, 0, 0, 0, 0});
        pipeEmbedding("m", T0 + i * 60_000L, new float[] {1, 2});
        embeddings.pipeInput(new TestRecord<>(null, new byte[] {1, 2, 3}, null, T0));
      }
    }
    endOfInput("m");
    List<String> out = new ArrayList<>();
    // The quality section counts refused events: everything else must not notice them.
    stats.readValuesToList().forEach(s -> {
      var json = AvroJson.toJson(s);
      var quality = json.remove("quality");
      out.add(json.toString());
      refusedSeen += quality.get("nonFinite").asLong();
    });
    masks.readValuesToList().forEach(m -> out.add(AvroJson.toJsonLine(m)));
    return out;
  }

  private long refusedSeen;

  @Test
  void outputsShouldBeByteIdenticalWhateverTheCacheSizeAndCommitInterval() {
    List<String> uncached = runFiveWindows(Map.of(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0"));
    driver.close();
    driver = null;
    List<String> cached = runFiveWindows(Map.of(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "100000000",
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "60000"));
    assertThat(cached).isEqualTo(uncached).hasSize(4); // 3 windows, 1 mask (published on change only)
  }

  /** 500 events of 20 dimensions over 3 windows. (Restarts are covered against a real broker, in the ITs.) */
  private List<String> runFiveWindows(Map<String, String> settings) {
    start(settings);
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      pipeEmbedding("m", T0 + i * 15_000L, TestEvents.structured(random, 20));
    }
    endOfInput("m");
    List<String> out = new ArrayList<>();
    stats.readValuesToList().forEach(s -> out.add(AvroJson.toJsonLine(s)));
    masks.readValuesToList().forEach(m -> out.add(AvroJson.toJsonLine(m)));
    alerts.readValuesToList().forEach(a -> out.add(AvroJson.toJsonLine(a)));
    return out;
  }

  @Test
  void shouldFireOnceWhenRedundancyCrossesThresholdAndResolveWhenItFalls() {
    start(Map.of(FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.6"));
    Random random = new Random(8);
    double[] shares = {0.1, 0.9, 0.9, 0.1};
    for (int w = 0; w < shares.length; w++) {
      for (int i = 0; i < 200; i++) {
        double common = random.nextGaussian();
        float[] v = new float[5];
        for (int j = 0; j < 5; j++) {
          v[j] = (float) (Math.sqrt(shares[w]) * common + Math.sqrt(1 - shares[w]) * random.nextGaussian());
        }
        pipeEmbedding("m", T0 + w * HOUR + i * 10_000L, v);
      }
    }
    endOfInput("m");
    List<Alert> changes = alerts.readValuesToList();
    assertThat(changes).extracting(Alert::getStatus).containsExactly("firing", "resolved");
    assertThat(changes.get(0).getWindowEnd()).isEqualTo(T0 + 2 * HOUR);
    assertThat(changes.get(1).getEndsAt()).isEqualTo(T0 + 4 * HOUR);
    assertThat(changes.get(1).getStartsAt()).isEqualTo(changes.get(0).getStartsAt());
    assertThat(changes.get(1).getFingerprint()).isEqualTo(changes.get(0).getFingerprint());
  }

  @Test
  void tabularFeaturesShouldUseNumericColumnsAndCountIncompleteRows() {
    start(Map.of());
    Random random = new Random(9);
    for (int i = 0; i < 50; i++) {
      double x = random.nextGaussian();
      Map<String, Object> row = new HashMap<>();
      row.put("x", x);
      row.put("x_cm", x * 100);
      row.put("y", random.nextGaussian());
      row.put("country", "DE");
      if (i % 10 == 0) {
        row.put("y", null);
      }
      features.pipeInput(new TestRecord<>(null, events.features("t", T0 + i, row), null, T0 + i));
    }
    RecordHeaders headers = new RecordHeaders();
    headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, "t".getBytes());
    features.pipeInput(new TestRecord<>(null, new byte[0], headers, T0));
    WindowStats w = stats.readValue();
    assertThat(w.getType()).isEqualTo("features");
    assertThat(w.getDimensions()).isEqualTo(3);
    assertThat(w.getCount()).isEqualTo(50);
    assertThat(w.getIncomplete()).isEqualTo(5);
    FeatureMask mask = masks.readValue();
    assertThat(mask.getDropped()).hasSize(2); // the always-"DE" country is a constant categorical feature
    var redundant = mask.getDropped().stream().filter(d -> d.getReason().equals("redundant")).findFirst().orElseThrow();
    assertThat(List.of(redundant.getFeature(), redundant.getRedundantWith())).containsExactlyInAnyOrder("x", "x_cm");
    assertThat(redundant.getMeasure()).isEqualTo("pearson");
    assertThat(mask.getDropped()).anyMatch(d -> d.getFeature().equals("country") && d.getReason().equals("constant"));
  }

  @Test
  void aWindowWithTooFewEventsReportsStatisticsButDecidesNothing() {
    start(Map.of(FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.1"));
    Random random = new Random(10);
    for (int i = 0; i < 3; i++) { // three events: any two dimensions look redundant
      pipeEmbedding("m", T0 + i, TestEvents.structured(random, 5));
    }
    for (int i = 0; i < 40; i++) {
      pipeEmbedding("m", T0 + HOUR + i * 60_000L, TestEvents.structured(random, 5));
    }
    endOfInput("m");
    List<WindowStats> windows = stats.readValuesToList();
    assertThat(windows).extracting(WindowStats::getCount).containsExactly(3L, 40L);
    List<FeatureMask> published = masks.readValuesToList();
    assertThat(published).hasSize(1);
    assertThat(published.get(0).getWindowStart()).isEqualTo(T0 + HOUR);
    assertThat(alerts.readValuesToList()).allMatch(a -> a.getWindowStart() == T0 + HOUR);
    assertThat(windows.get(1).getDrift()).as("the 3-event window did not become the reference").isNull();
  }
}
