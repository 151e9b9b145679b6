package io.featuremon.bench;

import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.embedded.EmbeddedKafka;
import io.featuremon.embedded.EmbeddedRegistry;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.HttpSchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryConfig;
import io.featuremon.topology.FeaturemonApp;
import io.featuremon.topology.FeaturemonTopology;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The live application against a plain consumer, on a real broker: what {@code featuremon run} sustains, as a share
 * of what the same broker hands a consumer that does nothing with the records.
 *
 * <p>One JVM holds a single-node KRaft broker ({@link EmbeddedKafka}, 127.0.0.1) and starts a real Apicurio registry
 * ({@link EmbeddedRegistry}, child process). For each layout (embeddings of d dimensions; tabular rows of 50 numeric
 * and 5 categorical features) N events are generated and Avro-encoded once with featuremon's serde against the real
 * registry (Confluent wire format, registered schema), outside anything timed. Each round produces them to a fresh
 * input topic, keyed by model as production does (one model, so one partition carries them all), then runs, in an
 * order that rotates from round to round:
 * <ul>
 *   <li><b>raw</b>: a plain {@link KafkaConsumer} in a fresh group, with the consumer settings Kafka Streams gives
 *       its own main consumer under exactly_once_v2 (max.poll.records 1000, read_committed, earliest), reading all N
 *       records and touching nothing but their lengths;</li>
 *   <li><b>eos</b> / <b>alos</b>: a fresh featuremon application (new application.id, state directory, output and
 *       internal topics), built and started as {@code featuremon run} does ({@link FeaturemonApp#validate},
 *       {@link FeaturemonApp#create}), defaults otherwise (drift against the first window is on), with
 *       processing.guarantee exactly_once_v2 or at_least_once;</li>
 *   <li><b>floor</b> (with {@code --guarantee eos,alos,floor}): Kafka Streams alone, with the application's
 *       settings under exactly_once_v2, reading every record, sending it through a repartition topic and reading it
 *       again, and doing nothing else ({@link #floorTopology}): the most any application of featuremon's shape
 *       (events repartitioned by model) can reach on this machine, so floor ÷ raw is the ceiling of live ÷ raw.</li>
 * </ul>
 *
 * <p><b>When a live run is done.</b> When its stream threads have processed 2N records: every input record once
 * (decode, validate, repartition) and every repartition record once (window stage). That is Kafka Streams' own
 * thread-level {@code process-total} metric, read in-process every few milliseconds. Committed offsets are not the
 * criterion because at_least_once commits every 30 s by default: timing to the next commit would measure the commit
 * interval, not the work. Every run is then closed (which commits; its time is reported apart) and checked: the
 * group's committed offsets must equal the input's end offsets, and dead letters are counted (a run meant to have
 * none that has some would never reach 2N and fails with a timeout that says so).
 *
 * <p><b>Rates.</b> "All-in" is N over the time from creating the client (raw) or {@code KafkaStreams.start()} (live)
 * to done: it includes joining the group and, for the application, creating its tasks and opening RocksDB.
 * "After start-up" is N over the time from the first record seen (raw: the first non-empty poll; live: the first
 * processed record) to done, i.e. throughput once both are reading; the targets are judged on it.
 *
 * <p><b>Bytes and memory.</b> Bytes written to the broker per topic are the broker's own
 * {@code BrokerTopicMetrics BytesInPerSec} counters (record batches as produced: the same definition for the input
 * and for the application's changelog and repartition topics). RocksDB size is the application's state directory on
 * disk after close. Peak RSS is this JVM's {@code VmHWM}, reset before each run through {@code /proc/self/clear_refs}:
 * it holds the broker, the clients and, in live runs, the application, so the difference between a live run's peak
 * and the raw run's is roughly what the application adds (a JVM rarely returns heap, so both include what earlier
 * runs grew).
 *
 * <p><b>One busy model on more threads.</b> {@code --spread true --partitions 4 --guarantee eos,eos2} sends event i
 * to partition i mod 4 (producers keyed by request, not by model) and runs the application with
 * {@code input.spread.partitions=4} (statistics per partition, partials merged; {@code --set
 * input.spread.partitions=0} measures the repartition of events instead) with 1 and with 2 stream threads ({@code eos2}: a digit after the guarantee is the thread count); the report adds the ratio of the
 * two and its target.
 *
 * <pre>
 * java -cp benchmarks/target/featuremon-benchmarks.jar io.featuremon.bench.LiveBenchmark \
 *     --events 20000 --dimensions 384 --layout embeddings,tabular [--rounds 3] [--warmup 1] \
 *     [--guarantee eos|alos|both|eos,eos2,...] [--spread true] [--rate 5000] [--partitions 6] [--set key=value]...
 * </pre>
 */
public final class LiveBenchmark {
  private static final String EMBEDDING_MODEL = "bench-encoder";
  private static final String TABULAR_MODEL = "bench-tabular";
  static final int NUMERIC_FEATURES = 50;
  static final int CATEGORICAL_FEATURES = 5;
  private static final Duration POLL = Duration.ofMillis(100);
  private static final long WATCH_MILLIS = 5;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);

  /** What to run. {@code rate} is events per hour of event time. */
  record Settings(long events, int dimensions, List<String> layouts, int rounds, int warmup, List<String> guarantees,
      int partitions, boolean spread, long rate, long seed, Map<String, String> overrides) {

    /** Warm-up rounds only need the code paths hot (JIT, broker, registry caches): a quarter of the input. */
    long warmupEvents() {
      return Math.max(1, Math.min(events, Math.max(events / 4, 2_000)));
    }
  }

  /** One plain-consumer run. Times in nanoseconds from creating the consumer. */
  record RawRun(long events, long firstNanos, long doneNanos, long peakRssKb) {
    double allInRate() {
      return events / (doneNanos / 1e9);
    }

    double steadyRate() {
      return events / (Math.max(1, doneNanos - firstNanos) / 1e9);
    }
  }

  /** One live run. Times in nanoseconds from {@code KafkaStreams.start()}; bytes as written to the broker. */
  record LiveRun(String guarantee, long events, long firstNanos, long doneNanos, long closeNanos, long processed,
      long committed, long windows, long deadLetters, long inputBytes, long changelogBytes, long repartitionBytes,
      long rocksDbBytes, long peakRssKb, long jvmCpuNanos, long streamCpuNanos) {
    double allInRate() {
      return events / (doneNanos / 1e9);
    }

    double steadyRate() {
      return events / (Math.max(1, doneNanos - firstNanos) / 1e9);
    }

    /** Cores this whole JVM kept busy from start to done: the app, the broker, the clients, GC, the harness. */
    double jvmCores() {
      return jvmCpuNanos / (double) doneNanos;
    }

    /** Cores the app's stream threads kept busy from start to done. */
    double streamCores() {
      return streamCpuNanos / (double) doneNanos;
    }

    double bytesRatio() {
      return (changelogBytes + repartitionBytes) / (double) inputBytes;
    }
  }

  /** The measured rounds of one layout (warm-up excluded). */
  record LayoutResult(String layout, int dimensions, List<RawRun> raw, Map<String, List<LiveRun>> live,
      Settings settings) {}

  private LiveBenchmark() {}

  public static void main(String[] args) {
    Settings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("LiveBenchmark: " + e.getMessage());
      System.err.println("usage: LiveBenchmark --events N [--dimensions D] [--layout embeddings|tabular|embeddings,tabular]"
          + " [--rounds R] [--warmup W] [--guarantee eos|alos|both] [--rate EVENTS_PER_HOUR] [--partitions P]"
          + " [--seed S] [--set key=value]...");
      System.exit(2);
      return;
    }
    run(settings, System.out);
    // The broker's and the clients' non-daemon threads are closed, but a stray one must not keep the JVM alive.
    System.exit(0);
  }

  static Settings parse(String[] args) {
    long events = 20_000;
    int dimensions = 384;
    List<String> layouts = List.of("embeddings");
    int rounds = 3;
    int warmup = 1;
    List<String> guarantees = List.of("eos", "alos");
    int partitions = 6;
    boolean spread = false;
    long rate = 5_000;
    long seed = 1;
    Map<String, String> overrides = new LinkedHashMap<>();
    for (Map.Entry<String, String> option : Options.pairs(args)) {
      String a = option.getKey();
      String v = option.getValue();
      switch (a) {
        case "--events" -> events = Options.count(v);
        case "--dimensions" -> dimensions = Integer.parseInt(v);
        case "--layout" -> {
          layouts = List.of(v.split(","));
          for (String l : layouts) {
            if (!l.equals("embeddings") && !l.equals("tabular")) {
              throw new IllegalArgumentException("--layout takes embeddings, tabular or both comma separated, not " + v);
            }
          }
        }
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--guarantee" -> {
          guarantees = v.equals("both") ? List.of("eos", "alos") : List.of(v.split(","));
          for (String g : guarantees) {
            if (!g.matches("(eos|alos)[1-8]?|floor")) {
              throw new IllegalArgumentException("--guarantee takes eos, alos, both, or a comma-separated list of runs"
                  + " such as eos,eos2 (a digit: that many stream threads) or eos,floor (Kafka Streams' own floor),"
                  + " not " + v);
            }
          }
        }
        case "--spread" -> spread = Boolean.parseBoolean(v);
        case "--rate" -> rate = Options.count(v);
        case "--partitions" -> partitions = Integer.parseInt(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--set" -> Options.set(overrides, v);
        default -> throw new IllegalArgumentException("unknown argument " + a);
      }
    }
    if (events <= 0 || dimensions <= 0 || rounds <= 0 || warmup < 0 || partitions <= 0 || rate <= 0) {
      throw new IllegalArgumentException("--events, --dimensions, --rounds, --partitions and --rate must be positive,"
          + " --warmup ≥ 0");
    }
    return new Settings(events, dimensions, layouts, rounds, warmup, guarantees, partitions, spread, rate, seed,
        overrides);
  }

  /** Runs everything and prints the report; returns the measured rounds per layout. */
  static List<LayoutResult> run(Settings s, PrintStream out) {
    Path work;
    try {
      work = Files.createTempDirectory("featuremon-livebench-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"));
        EmbeddedRegistry registry = EmbeddedRegistry.start(Files.createDirectories(work.resolve("registry")))) {
      Stack stack = new Stack(kafka, registry, work);
      printHeader(out, s, kafka, registry);
      List<LayoutResult> results = new ArrayList<>();
      for (String layout : s.layouts()) {
        results.add(runLayout(stack, s, layout, out));
      }
      out.println();
      out.println("targets (issue 9; printed, never asserted): median over the measured rounds [min – max]");
      for (LayoutResult r : results) {
        printTargets(out, r);
      }
      stack.close();
      return results;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      deleteRecursively(work);
    }
  }

  private static void printHeader(PrintStream out, Settings s, EmbeddedKafka kafka, EmbeddedRegistry registry) {
    out.println("featuremon live benchmark: `featuremon run` against a plain KafkaConsumer on the same topic,"
        + " interleaved per round");
    out.println("machine: " + MachineInfo.describe());
    out.printf("stack:   embedded KRaft broker %s (in this JVM), Apicurio registry %s (child process)%n",
        kafka.bootstrapServers(), registry.confluentUrl());
    out.printf("events:  %,d per run (warm-up %,d), one model, keyed by model (one partition of %d carries them), %,d"
        + " events per hour of event time; layouts %s%n", s.events(), s.warmupEvents(), s.partitions(), s.rate(),
        s.layouts().stream().map(l -> l.equals("embeddings") ? "embeddings d = " + s.dimensions()
            : "tabular " + NUMERIC_FEATURES + " numeric + " + CATEGORICAL_FEATURES + " categorical").toList());
    out.println("runs:    raw = plain KafkaConsumer, fresh group, Streams' main-consumer settings (read_committed,"
        + " max.poll.records 1000), reads values' lengths only;");
    out.println("         eos / alos = fresh featuremon app as `featuremon run` builds it (1 stream thread, defaults,"
        + " drift on), processing.guarantee exactly_once_v2 / at_least_once;");
    if (s.guarantees().contains("floor")) {
      out.println("         floor = Kafka Streams alone with the app's settings (exactly_once_v2): "
          + (s.spread() ? "read" : "read, repartition, read again") + ", nothing else: the ceiling of live ÷ raw"
          + " for an app of that shape;");
    }
    out.println("         done = the app's threads processed 2N records (N input + N repartition; Streams'"
        + " process-total), then close (commits) and check committed offsets = input end");
    out.println("rates:   all-in = N / (client start → done); after start-up = N / (first record → done)");
    out.println("memory:  peak RSS = this JVM's VmHWM per run (reset via /proc/self/clear_refs): broker + clients"
        + " (+ the app in live runs)");
    if (!s.overrides().isEmpty()) {
      out.println("settings: " + s.overrides());
    }
    out.printf("rounds:  %d warm-up + %d measured; order rotates per round%n", s.warmup(), s.rounds());
  }

  private static LayoutResult runLayout(Stack stack, Settings s, String layout, PrintStream out) {
    int dims = layout.equals("embeddings") ? s.dimensions() : NUMERIC_FEATURES + CATEGORICAL_FEATURES;
    Input input = Input.generate(stack.schemaRegistry, layout, s.dimensions(), s.events(), s.rate(), s.seed());
    out.println();
    out.printf("== %s: %,d events, %.0f bytes per value on average ==%n",
        layout.equals("embeddings") ? "embeddings d = " + s.dimensions()
            : "tabular " + NUMERIC_FEATURES + " numeric + " + CATEGORICAL_FEATURES + " categorical",
        s.events(), input.meanValueBytes());
    out.printf("%-16s %-5s %8s %10s %11s %10s %11s %8s %6s %6s %8s %8s %8s%n", "run", "", "start s", "all-in s",
        "all-in ev/s", "steady s", "steady ev/s", "close s", "wins", "dead", "int÷in", "RocksDB", "peakRSS");
    List<String> order = new ArrayList<>();
    order.add("raw");
    order.addAll(s.guarantees());
    List<RawRun> raw = new ArrayList<>();
    Map<String, List<LiveRun>> live = new LinkedHashMap<>();
    s.guarantees().forEach(g -> live.put(g, new ArrayList<>()));
    for (int round = -s.warmup(); round < s.rounds(); round++) {
      boolean warm = round < 0;
      long n = warm ? s.warmupEvents() : s.events();
      String label = warm ? "warm-up" : "round " + (round + 1);
      String topic = stack.prefix(layout + "-r" + (round + s.warmup() + 1)) + "-input";
      stack.produce(topic, input, n, s.partitions(), s.spread());
      RawRun rawRun = null;
      Map<String, LiveRun> liveRuns = new HashMap<>();
      int shift = Math.floorMod(round, order.size());
      for (int k = 0; k < order.size(); k++) {
        String what = order.get((k + shift) % order.size());
        if (what.equals("raw")) {
          rawRun = stack.raw(topic, n, s);
          printRaw(out, label, rawRun);
        } else {
          LiveRun r = stack.live(topic, layout, n, what, s);
          liveRuns.put(what, r);
          printLive(out, label, r);
        }
      }
      for (String g : s.guarantees()) {
        out.printf("%-16s %-5s %s%n", label, g + "÷raw", String.format("all-in %.3f, after start-up %.3f",
            liveRuns.get(g).allInRate() / rawRun.allInRate(), liveRuns.get(g).steadyRate() / rawRun.steadyRate()));
      }
      if (liveRuns.containsKey("eos") && liveRuns.containsKey("alos")) {
        out.printf("%-16s %-5s after start-up %.3f%n", label, "e÷a", liveRuns.get("eos").steadyRate()
            / liveRuns.get("alos").steadyRate());
      }
      if (liveRuns.containsKey("eos") && liveRuns.containsKey("eos2")) {
        out.printf("%-16s %-5s after start-up %.3f%n", label, "2t÷1t", liveRuns.get("eos2").steadyRate()
            / liveRuns.get("eos").steadyRate());
      }
      out.flush();
      stack.deleteTopics(List.of(topic));
      if (!warm) {
        raw.add(rawRun);
        liveRuns.forEach((g, r) -> live.get(g).add(r));
      }
    }
    LayoutResult result = new LayoutResult(layout, layout.equals("embeddings") ? dims : 0, raw, live, s);
    printSummary(out, result);
    return result;
  }

  private static void printRaw(PrintStream out, String label, RawRun r) {
    out.printf("%-16s %-5s %8.2f %10.2f %,11.0f %10.3f %,11.0f %8s %6s %6s %8s %8s %7.0fM%n", label, "raw",
        r.firstNanos() / 1e9, r.doneNanos() / 1e9, r.allInRate(), (r.doneNanos() - r.firstNanos()) / 1e9,
        r.steadyRate(), "", "", "", "", "", r.peakRssKb() / 1024.0);
    out.flush();
  }

  private static void printLive(PrintStream out, String label, LiveRun r) {
    out.printf("%-16s %-5s %8.2f %10.2f %,11.0f %10.3f %,11.0f %8.2f %6d %6d %8.2f %7.0fM %7.0fM%n", label,
        r.guarantee(), r.firstNanos() / 1e9, r.doneNanos() / 1e9, r.allInRate(), (r.doneNanos() - r.firstNanos()) / 1e9,
        r.steadyRate(), r.closeNanos() / 1e9, r.windows(), r.deadLetters(), r.bytesRatio(), r.rocksDbBytes() / 1e6,
        r.peakRssKb() / 1024.0);
    out.flush();
  }

  private static void printSummary(PrintStream out, LayoutResult r) {
    out.println();
    out.printf("summary, %s, %d measured round(s): median [min – max]%n", name(r), r.raw().size());
    out.printf("  %-44s %s%n", "raw consumer events/s after start-up",
        Spread.of(r.raw().stream().mapToDouble(RawRun::steadyRate).toArray(), "%,.0f"));
    out.printf("  %-44s %s%n", "raw consumer events/s all-in",
        Spread.of(r.raw().stream().mapToDouble(RawRun::allInRate).toArray(), "%,.0f"));
    for (Map.Entry<String, List<LiveRun>> e : r.live().entrySet()) {
      String g = e.getKey();
      List<LiveRun> runs = e.getValue();
      String who = g.equals("floor") ? "Kafka Streams floor" : "featuremon " + g;
      out.printf("  %-44s %s%n", who + " events/s after start-up",
          Spread.of(runs.stream().mapToDouble(LiveRun::steadyRate).toArray(), "%,.0f"));
      out.printf("  %-44s %s%n", who + " events/s all-in",
          Spread.of(runs.stream().mapToDouble(LiveRun::allInRate).toArray(), "%,.0f"));
      out.printf("  %-44s %s%n", "  ratio " + g + " ÷ raw, after start-up", Spread.of(steadyRatios(r, g), "%.3f"));
      out.printf("  %-44s %s%n", "  ratio " + g + " ÷ raw, all-in", Spread.of(allInRatios(r, g), "%.3f"));
      out.printf("  %-44s %s%n", "  (changelog + repartition) ÷ input bytes",
          Spread.of(runs.stream().mapToDouble(LiveRun::bytesRatio).toArray(), "%.2f"));
      out.printf("  %-44s %s%n", "  changelog ÷ input bytes",
          Spread.of(runs.stream().mapToDouble(x -> x.changelogBytes() / (double) x.inputBytes()).toArray(), "%.2f"));
      out.printf("  %-44s %s%n", "  repartition ÷ input bytes",
          Spread.of(runs.stream().mapToDouble(x -> x.repartitionBytes() / (double) x.inputBytes()).toArray(), "%.2f"));
      out.printf("  %-44s %s%n", "  input MB written",
          Spread.of(runs.stream().mapToDouble(x -> x.inputBytes() / 1e6).toArray(), "%.1f"));
      out.printf("  %-44s %s%n", "  RocksDB state dir after close (MB)",
          Spread.of(runs.stream().mapToDouble(x -> x.rocksDbBytes() / 1e6).toArray(), "%.1f"));
      out.printf("  %-44s %s%n", "  peak RSS of the JVM (MB)",
          Spread.of(runs.stream().mapToDouble(x -> x.peakRssKb() / 1024.0).toArray(), "%.0f"));
      out.printf("  %-44s %s%n", "  cores busy, whole JVM (of " + Runtime.getRuntime().availableProcessors() + ")",
          Spread.of(runs.stream().mapToDouble(LiveRun::jvmCores).toArray(), "%.2f"));
      out.printf("  %-44s %s%n", "  cores busy, the app's stream threads",
          Spread.of(runs.stream().mapToDouble(LiveRun::streamCores).toArray(), "%.2f"));
      out.printf("  %-44s %s%n", "  close (commit, RocksDB) (s)",
          Spread.of(runs.stream().mapToDouble(x -> x.closeNanos() / 1e9).toArray(), "%.2f"));
      out.printf("  %-44s %d%n", "  windows emitted per run", runs.get(0).windows());
    }
    out.printf("  %-44s %s%n", "peak RSS of the JVM in raw runs (MB)",
        Spread.of(r.raw().stream().mapToDouble(x -> x.peakRssKb() / 1024.0).toArray(), "%.0f"));
    if (r.live().containsKey("eos") && r.live().containsKey("alos")) {
      out.printf("  %-44s %s%n", "ratio eos ÷ alos, after start-up", Spread.of(eosOverAlos(r), "%.3f"));
    }
    if (r.live().containsKey("eos") && r.live().containsKey("eos2")) {
      out.printf("  %-44s %s%n", "ratio 2 threads ÷ 1 thread, after start-up", Spread.of(threadsRatio(r), "%.3f"));
    }
  }

  private static void printTargets(PrintStream out, LayoutResult r) {
    Double target = r.layout().equals("tabular") ? Double.valueOf(0.30)
        : r.dimensions() == 384 ? Double.valueOf(0.25) : r.dimensions() == 768 ? Double.valueOf(0.10) : null;
    for (String g : r.live().keySet()) {
      if (g.equals("floor")) {
        out.println("  " + targetLine("Kafka Streams floor (" + (r.settings().spread() ? "read"
            : "read, repartition, read") + "; nothing else) ÷ raw consumer, " + name(r) + ", exactly_once_v2"
            + (r.settings().spread() ? ", events over " + r.settings().partitions() + " partitions" : "")
            + ": the ceiling of live ÷ raw", steadyRatios(r, g), null, true));
        continue;
      }
      String gName = (g.startsWith("eos") ? "exactly_once_v2" : "at_least_once")
          + (threads(g) > 1 ? ", " + threads(g) + " stream threads" : "")
          + (r.settings().spread() ? ", events over " + r.settings().partitions() + " partitions" : "");
      double[] ratios = steadyRatios(r, g);
      out.println("  " + targetLine("live ÷ raw consumer, " + name(r) + ", " + gName, ratios, target, true));
      out.println("  " + targetLine("(changelog + repartition) ÷ input bytes, " + name(r) + ", " + gName,
          r.live().get(g).stream().mapToDouble(LiveRun::bytesRatio).toArray(), 0.25, false));
    }
    if (r.live().containsKey("eos") && r.live().containsKey("alos")) {
      out.println("  " + targetLine("exactly_once_v2 ÷ at_least_once, " + name(r), eosOverAlos(r), 0.9, true));
    }
    if (r.live().containsKey("eos") && r.live().containsKey("eos2")) {
      out.println("  " + targetLine("one model over " + r.settings().partitions() + " partitions, 2 stream threads ÷ 1, "
          + name(r) + ", exactly_once_v2", threadsRatio(r), r.settings().spread() ? 1.7 : null, true));
    }
  }

  /** The floor run's repartition (its topic: application id + "-floor-repartition"). */
  private static final String FLOOR_REPARTITION = "floor";

  /**
   * Kafka Streams' own floor for featuremon's shape: every input record read, sent through a repartition topic and
   * read again (with spread input: read once), under the application's client settings
   * ({@link FeaturemonApp#streamsProperties}, exactly_once_v2), and nothing else: no decode, no state, no statistics.
   * Its rate ÷ the raw consumer's bounds live ÷ raw from above for any application of that shape, on this machine.
   */
  static Topology floorTopology(String inputTopic, boolean repartition) {
    StreamsBuilder builder = new StreamsBuilder();
    Serde<byte[]> bytes = Serdes.ByteArray();
    KStream<byte[], byte[]> events = builder.stream(inputTopic,
        Consumed.with(bytes, bytes).withName("floor-source"));
    if (repartition) {
      events = events.repartition(Repartitioned.with(bytes, bytes)
          .withName(FLOOR_REPARTITION));
    }
    events.process(Nothing::new, Named.as("floor-nothing"));
    return builder.build();
  }

  /** The floor's last processor: takes each record and does nothing with it. */
  private static final class Nothing
      implements Processor<byte[], byte[], Void, Void> {
    @Override
    public void process(Record<byte[], byte[]> record) {}
  }

  /** Stream threads of a run named like eos2 (no digit: 1). */
  static int threads(String run) {
    char last = run.charAt(run.length() - 1);
    return Character.isDigit(last) ? last - '0' : 1;
  }

  private static double[] threadsRatio(LayoutResult r) {
    return perRoundRatios(r.live().get("eos2"), r.live().get("eos"));
  }

  /** Per round, the steady rate of {@code a}'s run ÷ that of {@code b}'s (the runs of a round are interleaved). */
  private static double[] perRoundRatios(List<LiveRun> a, List<LiveRun> b) {
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).steadyRate() / b.get(i).steadyRate();
    }
    return out;
  }

  static String targetLine(String what, double[] values, Double target, boolean atLeast) {
    String measured = what + ": median " + Spread.of(values, "%.3f");
    if (target == null) {
      return measured + " (no target)";
    }
    boolean met = atLeast ? Spread.median(values) >= target : Spread.median(values) <= target;
    return measured + String.format(" target %s %.2f: %s", atLeast ? "≥" : "≤", target, met ? "MET" : "MISSED");
  }

  private static String name(LayoutResult r) {
    return r.layout().equals("embeddings") ? "d=" + r.dimensions()
        : "tabular " + NUMERIC_FEATURES + "+" + CATEGORICAL_FEATURES;
  }

  static double[] steadyRatios(LayoutResult r, String g) {
    List<LiveRun> runs = r.live().get(g);
    double[] out = new double[runs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = runs.get(i).steadyRate() / r.raw().get(i).steadyRate();
    }
    return out;
  }

  private static double[] allInRatios(LayoutResult r, String g) {
    List<LiveRun> runs = r.live().get(g);
    double[] out = new double[runs.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = runs.get(i).allInRate() / r.raw().get(i).allInRate();
    }
    return out;
  }

  private static double[] eosOverAlos(LayoutResult r) {
    return perRoundRatios(r.live().get("eos"), r.live().get("alos"));
  }



  /** The events of one layout, Avro-encoded once (Confluent wire format, registered schema), with their times. */
  record Input(String layout, String model, byte[][] values, long[] times, SpecificRecord first,
      Serializer<SpecificRecord> serializer) {

    double meanValueBytes() {
      return Arrays.stream(values).mapToLong(v -> v.length).average().orElse(0);
    }

    /**
     * Event times end an hour before now at {@code rate} per hour: in the past, as logged events are, and so no
     * record's time is refused by the broker or aged out by the default seven-day retention of output topics.
     */
    static Input generate(SchemaRegistryClient registry, String layout, int dimensions, long events, long rate,
        long seed) {
      long spanMs = (long) Math.ceil(events * 3_600_000.0 / rate);
      long start = (System.currentTimeMillis() - spanMs - 3_600_000L) / 3_600_000L * 3_600_000L;
      byte[][] values = new byte[(int) events][];
      long[] times = new long[(int) events];
      SpecificRecord first = null;
      Serializer<SpecificRecord> serializer;
      if (layout.equals("embeddings")) {
        serializer = cast(new AvroSerde<>(EmbeddingEvent.class, registry).serializer());
        SyntheticEmbeddings gen = new SyntheticEmbeddings(dimensions, seed);
        float[] v = new float[dimensions];
        List<Float> boxed = new ArrayList<>(dimensions);
        for (int i = 0; i < events; i++) {
          times[i] = start + (long) Math.floor(i * 3_600_000.0 / rate);
          gen.next(v);
          boxed.clear();
          for (float f : v) {
            boxed.add(f);
          }
          EmbeddingEvent e = EmbeddingEvent.newBuilder().setModel(EMBEDDING_MODEL).setSegment(null)
              .setTimestamp(times[i]).setRequestId("r" + i).setVector(boxed).build();
          values[i] = serializer.serialize("bench-encode", e);
          first = first == null ? e : first;
        }
        return new Input(layout, EMBEDDING_MODEL, values, times, first, serializer);
      }
      serializer = cast(new AvroSerde<>(FeatureEvent.class, registry).serializer());
      // Correlated numeric columns (the same generator as the embeddings) and categoricals of 3 to 40 values,
      // some tied to a numeric column, so associations of every kind have something to find.
      SyntheticEmbeddings gen = new SyntheticEmbeddings(NUMERIC_FEATURES, seed);
      SplittableRandom random = new SplittableRandom(seed + 1);
      float[] v = new float[NUMERIC_FEATURES];
      int[] cardinality = {3, 5, 12, 40, 8};
      for (int i = 0; i < events; i++) {
        times[i] = start + (long) Math.floor(i * 3_600_000.0 / rate);
        gen.next(v);
        Map<String, Object> features = new LinkedHashMap<>();
        for (int j = 0; j < NUMERIC_FEATURES; j++) {
          features.put(String.format("n%02d", j), (double) v[j]);
        }
        for (int c = 0; c < CATEGORICAL_FEATURES; c++) {
          int value = c % 2 == 0 ? (int) Math.floorMod((long) Math.floor(v[c] * 2), cardinality[c])
              : random.nextInt(cardinality[c]);
          features.put("c" + c, "v" + value);
        }
        FeatureEvent e = FeatureEvent.newBuilder().setModel(TABULAR_MODEL).setSegment(null).setTimestamp(times[i])
            .setRequestId("r" + i).setFeatures(features).build();
        values[i] = serializer.serialize("bench-encode", e);
        first = first == null ? e : first;
      }
      return new Input(layout, TABULAR_MODEL, values, times, first, serializer);
    }

    @SuppressWarnings("unchecked")
    private static Serializer<SpecificRecord> cast(Serializer<? extends SpecificRecord> s) {
      return (Serializer<SpecificRecord>) s;
    }
  }

  /** The broker, registry and admin client shared by every run, and the runs themselves. */
  private static final class Stack implements AutoCloseable {
    private final EmbeddedKafka kafka;
    private final EmbeddedRegistry registry;
    private final SchemaRegistryClient schemaRegistry;
    private final Admin admin;
    private final Path work;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);
    private final KafkaProducer<byte[], byte[]> producer;
    private int apps;

    Stack(EmbeddedKafka kafka, EmbeddedRegistry registry, Path work) {
      this.kafka = kafka;
      this.registry = registry;
      this.work = work;
      this.schemaRegistry = new HttpSchemaRegistryClient(Map.of(SchemaRegistryConfig.URL, registry.confluentUrl()));
      this.admin = kafka.admin();
      Map<String, Object> p = kafka.clientConfig();
      // acks=all, idempotent (the defaults); large batches so that producing is quick and untimed anyway.
      p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
      p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
      p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
      producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    String prefix(String name) {
      return "lb-" + runId + "-" + name;
    }

    /**
     * A fresh input topic holding the first {@code n} events, keyed by model, stamped with their event time; with
     * {@code spread}, event i goes to partition i mod partitions, as when producers key by request, not by model.
     */
    void produce(String topic, Input input, long n, int partitions, boolean spread) {
      kafka.createTopics(List.of(keptForever(new NewTopic(topic, partitions, (short) 1))));
      // Registers the schema under this topic's subject, as a producer's serializer would; the bytes are the same.
      input.serializer().serialize(topic, input.first());
      byte[] key = input.model().getBytes(StandardCharsets.UTF_8);
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Integer partition = spread ? Integer.valueOf(i % partitions) : null;
        sent.add(producer.send(new ProducerRecord<>(topic, partition, input.times()[i], key, input.values()[i])));
      }
      producer.flush();
      try {
        for (Future<RecordMetadata> f : sent) {
          f.get();
        }
      } catch (ExecutionException e) {
        throw new IllegalStateException("cannot produce to " + topic, e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Consumer settings as Kafka Streams gives its main consumer under exactly_once_v2, less group and assignor. */
    Map<String, Object> rawConsumerConfig(Settings s) {
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "raw");
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      s.overrides().forEach(props::put);
      Map<String, Object> streams = new StreamsConfig(props).getMainConsumerConfigs("raw", "raw-client", 0);
      Map<String, Object> config = new HashMap<>();
      for (String key : ConsumerConfig.configNames()) {
        if (streams.containsKey(key) && !key.equals(ConsumerConfig.GROUP_ID_CONFIG)
            && !key.equals(ConsumerConfig.CLIENT_ID_CONFIG) && !key.equals(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
            && !key.equals(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG)
            && !key.equals(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG)) {
          config.put(key, streams.get(key));
        }
      }
      config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
      config.put(ConsumerConfig.GROUP_ID_CONFIG, prefix("raw-" + UUID.randomUUID()));
      return config;
    }

    RawRun raw(String topic, long n, Settings s) {
      Map<String, Object> config = rawConsumerConfig(s);
      Rss.reset();
      long t0 = System.nanoTime();
      long first = -1;
      long seen = 0;
      long bytes = 0;
      long deadline = t0 + TimeUnit.SECONDS.toNanos(120);
      KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
      try {
        consumer.subscribe(List.of(topic));
        while (seen < n) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("raw consumer read " + seen + " of " + n + " records of " + topic
                + " in 120 s");
          }
          ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
          if (!records.isEmpty() && first < 0) {
            first = System.nanoTime() - t0;
          }
          for (ConsumerRecord<byte[], byte[]> r : records) {
            bytes += r.value().length; // touch every record, as the application's decode does first
            seen++;
          }
        }
        long done = System.nanoTime() - t0;
        long peak = Rss.peakKb();
        if (seen != n || bytes <= 0) {
          throw new IllegalStateException("raw consumer read " + seen + " records, expected " + n);
        }
        return new RawRun(seen, first, done, peak);
      } finally {
        consumer.close(Duration.ofSeconds(5));
      }
    }

    LiveRun live(String inputTopic, String layout, long n, String guarantee, Settings s) {
      String appId = prefix(layout + "-" + guarantee + "-" + (++apps));
      Path stateDir = work.resolve("state-" + apps);
      Map<String, String> values = new LinkedHashMap<>();
      values.put(FeaturemonConfig.APPLICATION_ID, appId);
      values.put(FeaturemonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
      values.put(FeaturemonConfig.SCHEMA_REGISTRY_URL, registry.confluentUrl());
      // The other input topic exists and stays empty, as in a deployment that monitors one kind of event.
      values.put(FeaturemonConfig.TOPIC_EMBEDDINGS, layout.equals("embeddings") ? inputTopic : appId + "-embeddings");
      values.put(FeaturemonConfig.TOPIC_FEATURES, layout.equals("tabular") ? inputTopic : appId + "-features");
      values.put(FeaturemonConfig.TOPIC_WINDOW_STATS, appId + "-window-stats");
      values.put(FeaturemonConfig.TOPIC_MASKS, appId + "-masks");
      values.put(FeaturemonConfig.TOPIC_ALERTS, appId + "-alerts");
      values.put(FeaturemonConfig.TOPIC_DEAD_LETTERS, appId + "-dead-letters");
      values.put(FeaturemonConfig.TOPIC_FEATURE_IMPORTANCE, appId + "-feature-importance");
      values.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
          guarantee.startsWith("alos") ? StreamsConfig.AT_LEAST_ONCE : StreamsConfig.EXACTLY_ONCE_V2);
      values.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, String.valueOf(threads(guarantee)));
      values.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      if (s.spread()) {
        // A model over every partition: statistics per partition, partials merged (issue 9, item 3).
        values.put(FeaturemonConfig.INPUT_SPREAD_PARTITIONS, String.valueOf(s.partitions()));
      }
      values.putAll(s.overrides());
      FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, values);
      FeaturemonApp.validate(config); // as `featuremon run` does before anything connects
      boolean floor = guarantee.equals("floor");
      List<String> topics = floor ? createFloorTopics(appId, s.partitions(), s.spread())
          : createTopics(config, inputTopic, s.partitions());

      KafkaStreams streams = floor
          ? new KafkaStreams(floorTopology(inputTopic, !s.spread()), FeaturemonApp.streamsProperties(config))
          : FeaturemonApp.create(config, FeaturemonApp.registry(config));
      AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.CREATED);
      streams.setStateListener((now, before) -> state.set(now));
      // Records the stream threads take from topics: each input record, then what crossed the internal topic (every
      // event again when events are repartitioned; with spread input, the partials the window stages sent, counted
      // by their producers, so known only once the window stages are done: the run is done at the first sample
      // where every record sent so far has been processed, and stays so for a second).
      boolean spreadInput = !floor && config.spreadPartitions() > 0;
      String internalTopic = FeaturemonTopology.repartitionTopic(config);
      long expected = floor && s.spread() ? n : 2 * n; // the spread floor has no internal topic
      long doneSince = -1;
      long timeoutNanos = TimeUnit.SECONDS.toNanos(120) + n * TimeUnit.MILLISECONDS.toNanos(20);
      Rss.reset();
      long cpu0 = Cpu.jvm();
      long t0 = System.nanoTime();
      long first = -1;
      long processed = 0;
      long done;
      long jvmCpu;
      long streamCpu;
      long peak;
      long closeNanos;
      try {
        streams.start();
        ProcessCounter counter = new ProcessCounter(streams);
        while (true) {
          processed = counter.total();
          long now = System.nanoTime();
          if (processed > 0 && first < 0) {
            first = now - t0;
          }
          if (spreadInput) {
            long sent = counter.sent(internalTopic);
            if (processed >= n + sent && sent > 0) {
              if (doneSince < 0) {
                doneSince = now - t0;
              } else if (now - t0 - doneSince > TimeUnit.SECONDS.toNanos(1)) {
                done = doneSince;
                expected = n + sent;
                break;
              }
            } else {
              doneSince = -1;
            }
          } else if (processed >= expected) {
            done = now - t0;
            break;
          }
          KafkaStreams.State st = state.get();
          if (st == KafkaStreams.State.ERROR || st == KafkaStreams.State.PENDING_ERROR
              || st == KafkaStreams.State.NOT_RUNNING || st == KafkaStreams.State.PENDING_SHUTDOWN) {
            throw new IllegalStateException(appId + " stopped (" + st + ") after processing " + processed + " of "
                + expected + " records");
          }
          if (now - t0 > timeoutNanos) {
            throw new IllegalStateException(appId + " processed " + processed + " of " + expected + " records in "
                + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (N input + N repartition; dead letters would"
                + " explain a shortfall: " + countRecords(config.deadLettersTopic()) + ")");
          }
          Thread.sleep(WATCH_MILLIS);
        }
        peak = Rss.peakKb();
        jvmCpu = Cpu.jvm() - cpu0;
        streamCpu = Cpu.streamThreads(appId);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        long c0 = System.nanoTime();
        boolean closed = streams.close(CloseOptions.groupMembershipOperation(
            CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
        closeNanos = System.nanoTime() - c0;
        if (!closed) {
          throw new IllegalStateException(appId + " did not close within " + CLOSE_TIMEOUT);
        }
      }
      long committed = committedInput(appId, inputTopic);
      if (committed != n) {
        throw new IllegalStateException(appId + " committed " + committed + " input offsets, expected " + n);
      }
      long windows = floor ? 0 : countRecords(config.windowStatsTopic());
      long deadLetters = floor ? 0 : countRecords(config.deadLettersTopic());
      long changelog = 0;
      long repartition = 0;
      for (String t : topics) {
        if (t.endsWith("-changelog")) {
          changelog += BrokerBytes.in(t);
        } else if (t.endsWith("-repartition")) {
          repartition += BrokerBytes.in(t);
        }
      }
      long inputBytes = BrokerBytes.in(inputTopic);
      long rocksDb = sizeOf(stateDir);
      deleteTopics(topics);
      deleteRecursively(stateDir);
      return new LiveRun(guarantee, n, first, done, closeNanos, processed, committed, windows, deadLetters,
          inputBytes, changelog, repartition, rocksDb, peak, jvmCpu, streamCpu);
    }

    /** The floor's one internal topic (none for spread input), made up front as the application's are. */
    private List<String> createFloorTopics(String appId, int partitions, boolean spread) {
      if (spread) {
        return List.of();
      }
      NewTopic topic = new NewTopic(appId + "-" + FLOOR_REPARTITION + "-repartition", partitions, (short) 1);
      kafka.createTopics(List.of(topic));
      return List.of(topic.name());
    }

    /**
     * The application's outputs, the unused input and the importance topic, and its internal topics made up front
     * (KAFKA-15591, as the integration tests do): every one waited for until its partitions have leaders.
     */
    private List<String> createTopics(FeaturemonConfig config, String inputTopic, int partitions) {
      List<NewTopic> topics = new ArrayList<>();
      List<String> plain = new ArrayList<>(config.outputTopics());
      plain.add(config.embeddingsTopic());
      plain.add(config.featuresTopic());
      plain.remove(inputTopic);
      for (String t : plain) {
        NewTopic topic = new NewTopic(t, partitions, (short) 1);
        if (t.equals(config.masksTopic())) {
          topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        topics.add(topic);
      }
      topics.add(new NewTopic(config.featureImportanceTopic(), partitions, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
      topics.addAll(FeaturemonApp.internalTopics(config, partitions));
      kafka.createTopics(topics);
      return topics.stream().map(NewTopic::name).toList();
    }

    private long committedInput(String group, String topic) {
      try {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
            .mapToLong(e -> e.getValue().offset()).sum();
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the offsets of " + group, e);
      }
    }

    /** Committed records of a topic (read_committed, up to the last stable offsets). */
    private long countRecords(String topic) {
      Map<String, Object> config = kafka.clientConfig();
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
          new ByteArrayDeserializer())) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
            .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
        long count = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("cannot read " + topic + " to " + ends + " within 30 s");
          }
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
            if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
              count++;
            }
          }
        }
        return count;
      }
    }

    /** Keeps the broker's disk flat over many runs; deletion completes in the background. */
    void deleteTopics(List<String> topics) {
      try {
        admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new IllegalStateException("cannot delete " + topics, e);
      }
    }

    @Override
    public void close() {
      producer.close(Duration.ofSeconds(10));
      admin.close(Duration.ofSeconds(10));
    }
  }

  /** Every topic here keeps its records whatever their time (they carry past event times). */
  private static NewTopic keptForever(NewTopic topic) {
    return topic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
  }

  /**
   * Records processed by the application's stream threads: the sum of Streams' thread-level {@code process-total}
   * (recorded at the default INFO level), looked up again when threads come and go.
   */
  /**
   * Records the stream threads processed (their process-total) and records the client's producers sent to a topic
   * (record-send-total), read while a run goes on.
   */
  private static final class ProcessCounter {
    private final MetricSum processed;
    private final Map<String, MetricSum> sent = new HashMap<>();
    private final KafkaStreams streams;

    ProcessCounter(KafkaStreams streams) {
      this.streams = streams;
      this.processed = new MetricSum(streams,
          n -> n.group().equals("stream-thread-metrics") && n.name().equals("process-total"));
    }

    long total() {
      return processed.sum();
    }

    long sent(String topic) {
      return sent.computeIfAbsent(topic, t -> new MetricSum(streams, n -> n.group().equals("producer-topic-metrics")
          && n.name().equals("record-send-total") && t.equals(n.tags().get("topic")))).sum();
    }
  }

  /**
   * The sum of a client's metrics that match, looked up again once a second (threads and producers come and go);
   * listing all of a client's metrics every few milliseconds took a tenth of a core from the application.
   */
  private static final class MetricSum {
    private final KafkaStreams streams;
    private final java.util.function.Predicate<MetricName> which;
    private List<Metric> metrics = List.of();
    private long lookedUp;

    MetricSum(KafkaStreams streams, java.util.function.Predicate<MetricName> which) {
      this.streams = streams;
      this.which = which;
    }

    long sum() {
      long now = System.nanoTime();
      if (metrics.isEmpty() || now - lookedUp > TimeUnit.SECONDS.toNanos(1)) {
        List<Metric> found = new ArrayList<>();
        for (Map.Entry<MetricName, ? extends Metric> e : streams.metrics().entrySet()) {
          if (which.test(e.getKey())) {
            found.add(e.getValue());
          }
        }
        metrics = found;
        lookedUp = now;
      }
      double sum = 0;
      for (Metric m : metrics) {
        sum += ((Number) m.metricValue()).doubleValue();
      }
      return Math.round(sum);
    }
  }

  /** CPU time of this JVM and of some of its threads (HotSpot's own accounting). */
  static final class Cpu {
    static long jvm() {
      return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
          .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU time of an application's stream threads ({@code <app id>-<uuid>-StreamThread-<n>}), all of their life. */
    static long streamThreads(String appId) {
      java.lang.management.ThreadMXBean bean = java.lang.management.ManagementFactory.getThreadMXBean();
      long sum = 0;
      for (Thread t : Thread.getAllStackTraces().keySet()) {
        if (t.getName().startsWith(appId + "-") && t.getName().matches(".*-StreamThread-\\d+")) {
          long cpu = bean.getThreadCpuTime(t.getId());
          sum += Math.max(0, cpu);
        }
      }
      return sum;
    }
  }

  /** Bytes the in-process broker appended to a topic from produce requests (its own per-topic counter). */
  static final class BrokerBytes {
    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    static long in(String topic) {
      try {
        ObjectName name = new ObjectName("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=" + topic);
        if (!SERVER.isRegistered(name)) {
          return 0; // nothing was ever produced to it
        }
        return ((Number) SERVER.getAttribute(name, "Count")).longValue();
      } catch (Exception e) {
        throw new IllegalStateException("cannot read the broker's BytesInPerSec of " + topic, e);
      }
    }
  }

  /** This JVM's peak resident set, per run: reset through clear_refs (Linux ≥ 4.0), read from VmHWM. */
  static final class Rss {
    private static boolean resettable = true;

    static void reset() {
      if (!resettable) {
        return;
      }
      try {
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      } catch (IOException | UnsupportedOperationException e) {
        resettable = false; // then VmHWM is the peak since the JVM started
      }
    }

    static long peakKb() {
      try {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.replaceAll("[^0-9]", ""));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // not Linux: report 0
      }
      return 0;
    }
  }

  private static long sizeOf(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      return paths.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // a file RocksDB removed meanwhile
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
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
