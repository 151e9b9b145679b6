package io.featuremon.bench;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.FeaturemonTopology;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * End-to-end cost per event of the real topology, tumbling against hopping windows, on the same events.
 *
 * <p>Drives the production {@link FeaturemonTopology#build} offline exactly as {@code replay} does
 * ({@link TopologyTestDriver}, in-memory schema registry, RocksDB stores in a temporary directory, end-of-input
 * markers at the end), but generates the embedding events in memory and serializes them to Avro outside the timed
 * region, so what is timed is the pipeline: decode, validate, repartition, window stage, outputs. In each round
 * the two layouts run side by side on fresh state and are fed the same events in lockstep chunks (A B, B A, ...),
 * after a warm-up round; every number meant to be compared is a ratio of two runs taken at the same time, because
 * the machine this was written on is shared and noisy.
 *
 * <p>Each pipeInput is timed on its own; a call after which WindowStats came out is a <em>closing call</em> (it
 * also ingested its event). That splits the cost into per-event ingest and per-window close, so a ratio of
 * all-in costs cannot hide where the time goes.
 *
 * <pre>
 * java -cp benchmarks/target/featuremon-benchmarks.jar io.featuremon.bench.PipelineBenchmark \
 *     --events 200000 --dimensions 384 [--rate 20000] [--size 1h] [--advance 10m] [--rounds 3] [--warmup 1] \
 *     [--only tumbling|hopping] [--set key=value]...
 * </pre>
 */
public final class PipelineBenchmark {
  private static final String MODEL = "bench-encoder";
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final int CHUNK = 1024;

  /** What to run. {@code rate} is events per hour of event time. */
  record Settings(long events, int dimensions, long rate, Duration size, Duration advance, int rounds, int warmup,
      long seed, String only, Map<String, String> overrides) {

    long eventsPerWindow() {
      return Math.round((double) rate * size.toMillis() / 3_600_000);
    }

    /** Warm-up rounds only need every code path hot, not the whole input: three windows' worth. */
    Settings forWarmup() {
      long n = Math.min(events, Math.max(3 * eventsPerWindow(), 1));
      return new Settings(n, dimensions, rate, size, advance, rounds, warmup, seed, only, overrides);
    }
  }

  /** One run of one window layout. Times in nanoseconds. */
  record Run(String layout, long events, long totalNanos, long ingestNanos, long ingestCalls, long closingNanos,
      long closingCalls, long windowsInStream, long endNanos, long windowsAtEnd, long masks, long alerts,
      long deadLetters, long internalBytes) {

    long windows() {
      return windowsInStream + windowsAtEnd;
    }

    double allInMicrosPerEvent() {
      return totalNanos / 1e3 / events;
    }

    double ingestMicrosPerEvent() {
      return ingestNanos / 1e3 / Math.max(1, ingestCalls);
    }

    /** Closing calls minus the ingest of their own event, per window emitted by them. */
    double closeMillisPerWindow() {
      if (windowsInStream == 0) {
        return Double.NaN;
      }
      return (closingNanos - closingCalls * ingestNanos / (double) Math.max(1, ingestCalls)) / 1e6 / windowsInStream;
    }

    /** Share of the all-in time spent closing windows (in the stream and at the end of the input). */
    double closeShare() {
      double ingestPart = events * ingestNanos / (double) Math.max(1, ingestCalls);
      return 1 - ingestPart / totalNanos;
    }
  }

  /** Medians and spreads over the measured rounds. */
  record Summary(List<Run> tumbling, List<Run> hopping, double[] allInRatios, double[] ingestRatios,
      double[] closeRatios) {
    double medianAllInRatio() {
      return Spread.median(allInRatios);
    }
  }

  private PipelineBenchmark() {}

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("PipelineBenchmark: " + e.getMessage());
      System.err.println("usage: PipelineBenchmark --events N --dimensions D [--rate EVENTS_PER_HOUR] [--size 1h]"
          + " [--advance 10m] [--rounds R] [--warmup W] [--seed S] [--only tumbling|hopping] [--set key=value]...");
      System.exit(2);
      return;
    }
    run(settings, System.out);
  }

  static Settings parse(String[] args) {
    long events = 200_000;
    int dimensions = 384;
    long rate = 20_000;
    String size = "1h";
    String advance = "10m";
    int rounds = 3;
    int warmup = 1;
    long seed = 1;
    String only = null;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (Map.Entry<String, String> option : Options.pairs(args)) {
      String a = option.getKey();
      String v = option.getValue();
      switch (a) {
        case "--events" -> events = Options.count(v);
        case "--dimensions" -> dimensions = Integer.parseInt(v);
        case "--rate" -> rate = Options.count(v);
        case "--size" -> size = v;
        case "--advance" -> advance = v;
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--only" -> {
          if (!v.equals("tumbling") && !v.equals("hopping")) {
            throw new IllegalArgumentException("--only takes tumbling or hopping, not " + v);
          }
          only = v;
        }
        case "--set" -> Options.set(overrides, v);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (events <= 0 || dimensions <= 0 || rate <= 0 || rounds <= 0 || warmup < 0) {
      throw new IllegalArgumentException("--events, --dimensions, --rate and --rounds must be positive, --warmup ≥ 0");
    }
    // Let featuremon's own config parse the durations, so the harness accepts exactly what the application does.
    FeaturemonConfig check = config(size, advance, Map.of());
    return new Settings(events, dimensions, rate, check.windowSize(), check.windowAdvance(), rounds, warmup, seed,
        only, overrides);
  }

  private static FeaturemonConfig config(String size, String advance, Map<String, String> overrides) {
    Map<String, String> values = new LinkedHashMap<>();
    values.put(FeaturemonConfig.APPLICATION_ID, "featuremon-bench");
    values.put(FeaturemonConfig.WINDOW_SIZE, size);
    values.put(FeaturemonConfig.WINDOW_ADVANCE, advance);
    values.putAll(overrides);
    return FeaturemonConfig.load(Map.of(), null, values);
  }

  static Summary run(Settings s, PrintStream out) {
    long windowMs = s.size().toMillis();
    long advanceMs = s.advance().toMillis();
    long hops = windowMs / advanceMs;
    double hours = (double) s.events() / s.rate();
    out.println("featuremon pipeline benchmark: tumbling vs hopping windows, same events, interleaved in lockstep");
    out.println("machine: " + MachineInfo.describe());
    out.printf("events:  %,d embeddings, d = %d, one model, %,d events per hour of event time (%.1f/s), %.1f h of"
        + " event time%n", s.events(), s.dimensions(), s.rate(), s.rate() / 3600.0, hours);
    out.printf("windows: (A) tumbling %s; (B) hopping %s advance %s (size/%d); %,d events per window, %,d per pane of B;"
        + " stats.fold.batch.size %d%n", s.size(), s.size(), s.advance(), hops, s.eventsPerWindow(),
        s.eventsPerWindow() / hops, config(s.size().toString(), "", s.overrides()).foldBatchSize());
    if (!s.overrides().isEmpty()) {
      out.println("settings: " + s.overrides());
    }
    out.println("driver:  production FeaturemonTopology.build + TopologyTestDriver + in-memory registry, as replay;"
        + " Avro bytes made outside the timed region;");
    out.println("         the test driver commits (flushes every store cache to RocksDB and the changelog) after every"
        + " record, which a live run does once per commit.interval.ms.");
    if (s.eventsPerWindow() < 20_000) {
      out.printf("note:    %,d events per window is fewer than a monitored embedding model usually logs (≥ 20,000);"
          + " the per-window close cost weighs more per event than it would in production.%n", s.eventsPerWindow());
    }
    out.printf("rounds:  %d warm-up + %d measured; in each round A and B run side by side on fresh state, fed in"
        + " lockstep chunks of %,d events (A B, B A, A B, ...)%n%n", s.warmup(), s.rounds(), CHUNK);
    out.printf("%-18s %9s %12s %12s %8s %12s %12s %8s%n", "run", "total s", "µs/event", "µs/event", "windows",
        "ms/window", "end-of-input", "close");
    out.printf("%-18s %9s %12s %12s %8s %12s %12s %8s%n", "", "", "all-in", "ingest", "", "close", "ms", "share");

    List<String> layouts = s.only() == null ? List.of("tumbling", "hopping") : List.of(s.only());
    List<Run> tumbling = new ArrayList<>();
    List<Run> hopping = new ArrayList<>();
    for (int round = -s.warmup(); round < s.rounds(); round++) {
      boolean warm = round < 0;
      List<Run> runs = runRound(warm ? s.forWarmup() : s, layouts);
      for (Run r : runs) {
        print(out, (warm ? "warm-up " : "round " + (round + 1) + " ") + (r.layout().equals("tumbling") ? "A" : "B"), r);
        if (r.deadLetters() > 0) {
          out.printf("  warning: %d dead letters in a run meant to have none%n", r.deadLetters());
        }
        if (!warm) {
          (r.layout().equals("tumbling") ? tumbling : hopping).add(r);
        }
      }
      if (runs.size() == 2) {
        out.printf("%-18s %9s %12.2f %12.2f %8s %12.2f%n", "  ratio B/A", "",
            runs.get(1).allInMicrosPerEvent() / runs.get(0).allInMicrosPerEvent(),
            runs.get(1).ingestMicrosPerEvent() / runs.get(0).ingestMicrosPerEvent(), "",
            runs.get(1).closeMillisPerWindow() / runs.get(0).closeMillisPerWindow());
      }
    }
    Summary summary = summarize(tumbling, hopping);
    printSummary(out, s, summary, hops);
    return summary;
  }

  private static void print(PrintStream out, String label, Run r) {
    out.printf("%-18s %9.2f %12.1f %12.1f %8d %12.1f %12.1f %7.0f%%%n", label + " " + r.layout().charAt(0),
        r.totalNanos() / 1e9, r.allInMicrosPerEvent(), r.ingestMicrosPerEvent(), r.windows(),
        r.closeMillisPerWindow(), r.endNanos() / 1e6, 100 * r.closeShare());
    out.flush();
  }

  private static Summary summarize(List<Run> tumbling, List<Run> hopping) {
    int n = Math.min(tumbling.size(), hopping.size());
    double[] allIn = new double[n];
    double[] ingest = new double[n];
    double[] close = new double[n];
    for (int i = 0; i < n; i++) {
      Run a = tumbling.get(i);
      Run b = hopping.get(i);
      allIn[i] = b.allInMicrosPerEvent() / a.allInMicrosPerEvent();
      ingest[i] = b.ingestMicrosPerEvent() / a.ingestMicrosPerEvent();
      close[i] = b.closeMillisPerWindow() / a.closeMillisPerWindow();
    }
    return new Summary(tumbling, hopping, allIn, ingest, close);
  }

  private static void printSummary(PrintStream out, Settings s, Summary sum, long hops) {
    if (sum.allInRatios().length == 0) {
      out.println();
      out.println("(one layout only: no ratios; use this mode for profiling)");
      return;
    }
    List<Run> a = sum.tumbling();
    List<Run> b = sum.hopping();
    out.println();
    out.printf("summary over %d measured pair(s): median [min – max]; ratios are hopping/tumbling of the same round%n",
        sum.allInRatios().length);
    out.printf("  %-30s %22s %22s %20s%n", "", "A tumbling", "B hopping", "ratio B/A");
    row(out, "per event, all-in (µs)", a.stream().mapToDouble(Run::allInMicrosPerEvent).toArray(),
        b.stream().mapToDouble(Run::allInMicrosPerEvent).toArray(), sum.allInRatios());
    row(out, "per event, ingest only (µs)", a.stream().mapToDouble(Run::ingestMicrosPerEvent).toArray(),
        b.stream().mapToDouble(Run::ingestMicrosPerEvent).toArray(), sum.ingestRatios());
    row(out, "per window close (ms)", a.stream().mapToDouble(Run::closeMillisPerWindow).toArray(),
        b.stream().mapToDouble(Run::closeMillisPerWindow).toArray(), sum.closeRatios());
    out.printf("  %-30s %22d %22d %20s%n", "windows emitted per run", a.get(0).windows(), b.get(0).windows(), "");
    out.printf("  %-30s %21.0f%% %21.0f%% %20s%n", "share of all-in spent closing",
        100 * Spread.median(a.stream().mapToDouble(Run::closeShare).toArray()),
        100 * Spread.median(b.stream().mapToDouble(Run::closeShare).toArray()), "");
    out.printf("  %-30s %21.0f MB %21.0f MB %20s%n", "changelog+repartition captured",
        a.get(0).internalBytes() / 1e6, b.get(0).internalBytes() / 1e6, "(drained untimed)");
    double ratio = sum.medianAllInRatio();
    out.println();
    out.printf("acceptance (\"per-event cost with advance = size/%d is within 1.5x of tumbling\"): all-in ratio %.2f"
        + " [%.2f – %.2f] -> %s; ingest-only ratio %.2f%n", hops, ratio, Spread.min(sum.allInRatios()),
        Spread.max(sum.allInRatios()), ratio <= 1.5 ? "within" : "NOT within", Spread.median(sum.ingestRatios()));
    out.println("  " + LiveBenchmark.targetLine(String.format("hopping (advance = size/%d) ÷ tumbling per-event cost,"
        + " all-in, %,d events per window", hops, s.eventsPerWindow()), sum.allInRatios(), 1.3, false));
    // all-in per event at E events per window: A = iA + cA/E, B = iB + k·cB/E (B closes k windows per window length)
    double iA = Spread.median(a.stream().mapToDouble(Run::ingestMicrosPerEvent).toArray());
    double iB = Spread.median(b.stream().mapToDouble(Run::ingestMicrosPerEvent).toArray());
    double cA = 1000 * Spread.median(a.stream().mapToDouble(Run::closeMillisPerWindow).toArray());
    double cB = 1000 * Spread.median(b.stream().mapToDouble(Run::closeMillisPerWindow).toArray());
    out.printf("why: B closes %d windows per window length of events, A one; each close merges the window's panes and"
        + " computes correlations, eigenvalues, mask and outputs.%n", hops);
    out.printf("     modelled all-in ratio at E events per window = (iB + %d·cB/E) / (iA + cA/E):", hops);
    for (long e : new long[] {2_000, 5_000, 20_000, 100_000}) {
      out.printf("  E=%,d: %.2f", e, (iB + hops * cB / e) / (iA + cA / e));
    }
    out.println();
    if (iB < 1.5 * iA) {
      out.printf("     it stays within 1.5x for E ≥ %,.0f events per window (from this run's medians).%n",
          Math.max(0, (hops * cB - 1.5 * cA) / (1.5 * iA - iB)));
    }
  }

  private static void row(PrintStream out, String label, double[] a, double[] b, double[] ratio) {
    out.printf("  %-30s %22s %22s %20s%n", label, spread(a, "%.1f"), spread(b, "%.1f"), spread(ratio, "%.2f"));
  }

  private static String spread(double[] v, String format) {
    if (v.length == 1) {
      return String.format(format, v[0]);
    }
    return Spread.of(v, format);
  }







  /**
   * One round: a fresh topology and state directory per layout, both fed the same events in lockstep, chunk by
   * chunk, alternating which layout goes first; then end-of-input. Lockstep keeps the two layouts under the same
   * machine load at every moment, so their ratio survives a noisy neighbour that a run-after-run comparison
   * would not.
   */
  static List<Run> runRound(Settings s, List<String> layouts) {
    List<Lane> lanes = new ArrayList<>();
    try {
      for (String layout : layouts) {
        String advance = layout.equals("hopping") ? s.advance().toString() : s.size().toString();
        lanes.add(new Lane(layout, config(s.size().toString(), advance, s.overrides()), s.dimensions()));
      }
      SyntheticEmbeddings gen = new SyntheticEmbeddings(s.dimensions(), s.seed());
      float[][] vectors = new float[CHUNK][s.dimensions()];
      long[] times = new long[CHUNK];
      long start = START.toEpochMilli();
      long lastTimestamp = start;
      int chunk = 0;
      for (long from = 0; from < s.events(); from += CHUNK, chunk++) {
        int n = (int) Math.min(CHUNK, s.events() - from);
        for (int i = 0; i < n; i++) {
          times[i] = start + (long) Math.floor((from + i) * 3_600_000.0 / s.rate());
          gen.next(vectors[i]);
        }
        lastTimestamp = times[n - 1];
        for (Lane lane : lanes) {
          lane.prepare(vectors, times, from, n); // untimed: Avro bytes as a producer would have written them
        }
        for (int k = 0; k < lanes.size(); k++) {
          Lane lane = lanes.get(chunk % 2 == 0 ? k : lanes.size() - 1 - k);
          lane.pipe(n);
          lane.drain.all(); // untimed: the test driver keeps every changelog record until read
        }
      }
      List<Run> runs = new ArrayList<>();
      for (Lane lane : lanes) {
        lane.endOfInput(lastTimestamp);
        runs.add(lane.result(s.events()));
      }
      return runs;
    } finally {
      for (Lane lane : lanes) {
        lane.close();
      }
    }
  }

  /** One layout's topology, driven like replay drives it, with its timers. */
  private static final class Lane implements AutoCloseable {
    private final String layout;
    private final FeaturemonConfig config;
    private final Path stateDir;
    private final TopologyTestDriver driver;
    private final TestInputTopic<byte[], byte[]> input;
    private final TestOutputTopic<byte[], byte[]> stats;
    private final Serializer<EmbeddingEvent> serializer;
    private final Drain drain;
    private final byte[] key = MODEL.getBytes(StandardCharsets.UTF_8);
    private final List<Float> boxed;
    private final byte[][] values = new byte[CHUNK][];
    private final long[] times = new long[CHUNK];
    long ingestNanos;
    long ingestCalls;
    long closingNanos;
    long closingCalls;
    long windowsInStream;
    long endNanos;
    long windowsAtEnd;

    @SuppressWarnings("deprecation") // the same processing-exception setting replay uses
    Lane(String layout, FeaturemonConfig config, int dimensions) {
      this.layout = layout;
      this.config = config;
      try {
        stateDir = Files.createTempDirectory("featuremon-bench-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
      Properties props = new Properties();
      config.passThrough().forEach(props::put);
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "bench.invalid:9092");
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
      driver = new TopologyTestDriver(FeaturemonTopology.build(config, registry, true), props);
      input = driver.createInputTopic(config.embeddingsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
      stats = driver.createOutputTopic(config.windowStatsTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      serializer = new AvroSerde<>(EmbeddingEvent.class, registry).serializer();
      drain = new Drain(driver, config);
      boxed = new ArrayList<>(dimensions);
    }

    void prepare(float[][] vectors, long[] eventTimes, long firstIndex, int n) {
      for (int i = 0; i < n; i++) {
        boxed.clear();
        for (float f : vectors[i]) {
          boxed.add(f);
        }
        EmbeddingEvent event = EmbeddingEvent.newBuilder().setModel(MODEL).setSegment(null)
            .setTimestamp(eventTimes[i]).setRequestId("r" + (firstIndex + i)).setVector(boxed).build();
        values[i] = serializer.serialize(config.embeddingsTopic(), event);
        times[i] = eventTimes[i];
      }
    }

    void pipe(int n) {
      for (int i = 0; i < n; i++) {
        TestRecord<byte[], byte[]> record = new TestRecord<>(key, values[i], null, times[i]);
        long t0 = System.nanoTime();
        input.pipeInput(record);
        long elapsed = System.nanoTime() - t0;
        if (stats.isEmpty()) {
          ingestNanos += elapsed;
          ingestCalls++;
        } else {
          closingNanos += elapsed;
          closingCalls++;
          windowsInStream += stats.readRecordsToList().size();
        }
      }
    }

    void endOfInput(long lastTimestamp) {
      RecordHeaders headers = new RecordHeaders();
      headers.add(FeaturemonTopology.END_OF_INPUT_HEADER, MODEL.getBytes(StandardCharsets.UTF_8));
      TestRecord<byte[], byte[]> marker = new TestRecord<>(null, new byte[0], headers, lastTimestamp);
      long t0 = System.nanoTime();
      input.pipeInput(marker);
      endNanos = System.nanoTime() - t0;
      windowsAtEnd = stats.readRecordsToList().size();
      drain.all();
    }

    Run result(long events) {
      return new Run(layout, events, ingestNanos + closingNanos + endNanos, ingestNanos, ingestCalls, closingNanos,
          closingCalls, windowsInStream, endNanos, windowsAtEnd, drain.masks, drain.alerts, drain.deadLetters,
          drain.internalBytes);
    }

    @Override
    public void close() {
      try {
        driver.close();
      } finally {
        deleteRecursively(stateDir);
      }
    }
  }

  /**
   * Reads and drops what the test driver captured on every other topic. Replay reads only the four output topics,
   * so the driver's copies of every changelog and repartition record would otherwise pile up in memory for the
   * whole run (gigabytes for a long input) and skew the later part of a run with GC work.
   */
  private static final class Drain {
    private final TopologyTestDriver driver;
    private final FeaturemonConfig config;
    private final Map<String, TestOutputTopic<byte[], byte[]>> topics = new HashMap<>();
    long masks;
    long alerts;
    long deadLetters;
    long internalBytes;

    Drain(TopologyTestDriver driver, FeaturemonConfig config) {
      this.driver = driver;
      this.config = config;
    }

    void all() {
      for (String topic : driver.producedTopicNames()) {
        TestOutputTopic<byte[], byte[]> t = topics.computeIfAbsent(topic,
            name -> driver.createOutputTopic(name, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
        long n = t.getQueueSize();
        if (n == 0) {
          continue;
        }
        var records = t.readRecordsToList();
        if (!config.outputTopics().contains(topic)) {
          for (var r : records) {
            internalBytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
          }
        }
        if (topic.equals(config.masksTopic())) {
          masks += n;
        } else if (topic.equals(config.alertsTopic())) {
          alerts += n;
        } else if (topic.equals(config.deadLettersTopic())) {
          deadLetters += n;
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
