package io.featuremon.fuzz;

import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.EventType;
import io.featuremon.topology.FeaturemonTopology;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production topology ({@link FeaturemonTopology#build}, as {@code run} builds it: no end-of-input markers) in a
 * {@link TopologyTestDriver}, one partition per topic, in-memory registry.
 *
 * <p>What a broker would do is checked here too, since the driver does not: after each input record, every record
 * the topology produced (outputs, repartition, changelogs) must have a timestamp a broker accepts (at most
 * {@code log.message.timestamp.after.max.ms} = 1 h after the wall clock) and fit the producer's default
 * {@code max.request.size} (1 MiB). A record that breaks either, or an exception out of the driver, is a crash
 * attributed to that input record; the run then goes on with the next record, so one run finds every kind that
 * fails. A record that takes longer than {@code recordTimeout} (a 10,000-dimension window, say) stops the run.
 */
public final class DriverTarget implements FuzzTarget {
  /** Kafka's default {@code log.message.timestamp.after.max.ms}. */
  static final long BROKER_MAX_AHEAD_MS = 3_600_000L;
  /** Kafka's default producer {@code max.request.size}. */
  static final int MAX_REQUEST_SIZE = 1_048_576;

  private final FeaturemonConfig config;
  private final long nowMs;
  private final Duration recordTimeout;
  private final SchemaRegistryClient registry = new InMemorySchemaRegistryClient();
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "fuzz-driver");
    t.setDaemon(true);
    return t;
  });
  private final List<Crash> crashes = new CopyOnWriteArrayList<>();
  private final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();
  private final List<WindowStats> windowStats = new CopyOnWriteArrayList<>();
  private final List<FeatureMask> masks = new CopyOnWriteArrayList<>();
  private final List<Alert> alerts = new CopyOnWriteArrayList<>();
  private final Map<EventType, Long> offsets = new HashMap<>();
  private final AvroSerde<DeadLetter> deadLetterSerde = new AvroSerde<>(DeadLetter.class, registry);
  private final AvroSerde<WindowStats> statsSerde = new AvroSerde<>(WindowStats.class, registry);
  private final AvroSerde<FeatureMask> maskSerde = new AvroSerde<>(FeatureMask.class, registry);
  private final AvroSerde<Alert> alertSerde = new AvroSerde<>(Alert.class, registry);
  private TopologyTestDriver driver;
  private Map<EventType, TestInputTopic<byte[], byte[]>> inputs;
  private volatile Coordinates current;
  private volatile long currentSince;
  private volatile boolean stuck;
  /** The record whose processing threw an Error; nothing after it is processed. */
  private volatile Coordinates fatal;
  /** Records piped into the driver (whether or not they threw). */
  private final java.util.Set<Coordinates> sent = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @SuppressWarnings("deprecation") // the global processing-exception-handler switch, set as FeaturemonApp and Replay do
  public DriverTarget(FeaturemonConfig config, Path stateDir, long nowMs, Duration recordTimeout) {
    this.config = config;
    this.nowMs = nowMs;
    this.recordTimeout = recordTimeout;
    Properties props = new Properties();
    config.passThrough().forEach(props::put);
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "fuzz.invalid:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    call(() -> {
      driver = new TopologyTestDriver(FeaturemonTopology.build(config, registry, false), props);
      inputs = Map.of(
          EventType.EMBEDDING, driver.createInputTopic(config.embeddingsTopic(), new ByteArraySerializer(), new ByteArraySerializer()),
          EventType.FEATURES, driver.createInputTopic(config.featuresTopic(), new ByteArraySerializer(), new ByteArraySerializer()));
      return null;
    });
  }

  @Override
  public FeaturemonConfig config() {
    return config;
  }

  @Override
  public SchemaRegistryClient registry() {
    return registry;
  }

  @Override
  public int partitions() {
    return 1;
  }

  @Override
  public List<Coordinates> send(List<FuzzRecord> records) {
    List<Coordinates> coordinates = new ArrayList<>();
    for (FuzzRecord r : records) {
      String topic = r.topic() == EventType.EMBEDDING ? config.embeddingsTopic() : config.featuresTopic();
      coordinates.add(new Coordinates(topic, 0, offsets.merge(r.topic(), 1L, Long::sum) - 1));
    }
    if (stuck || fatal != null) {
      return coordinates;
    }
    long[] nanos = new long[records.size()];
    Future<?> run = worker.submit(() -> {
      for (int i = 0; i < records.size(); i++) {
        FuzzRecord r = records.get(i);
        current = coordinates.get(i);
        currentSince = System.nanoTime();
        if (fatal != null) {
          break;
        }
        try {
          inputs.get(r.topic()).pipeInput(new TestRecord<>(r.key(), r.value(), null, r.recordTimestamp()));
        } catch (Exception e) {
          crashes.add(new Crash(chain(e), current, stackTrace(e)));
        } catch (Error e) {
          // An OutOfMemoryError: what a stream thread would die of. After it the JVM's heap may stay full (a decoder
          // keeps its largest buffer), so the run stops here, as the application would.
          crashes.add(new Crash(chain(e), current, stackTrace(e)));
          fatal = current;
        }
        sent.add(current);
        try {
          drain(current);
        } catch (RuntimeException e) {
          crashes.add(new Crash("an output cannot be read back: " + chain(e), current, stackTrace(e)));
        }
        nanos[i] = System.nanoTime() - currentSince;
      }
      current = null;
    });
    while (true) {
      try {
        run.get(1, TimeUnit.SECONDS);
        printSlowest(records, coordinates, nanos);
        return coordinates;
      } catch (TimeoutException e) {
        Coordinates now = current;
        long elapsed = System.nanoTime() - currentSince;
        if (now != null && elapsed > recordTimeout.toNanos()) {
          stuck = true;
          crashes.add(new Crash("still processing one record after " + recordTimeout.toSeconds() + " s", now,
              "the driver thread is abandoned; its stack:\n" + threadStack("fuzz-driver")));
          return coordinates;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("the fuzz driver failed outside the topology", e.getCause());
      }
    }
  }

  /** Where the time went: the five slowest records. */
  private static void printSlowest(List<FuzzRecord> records, List<Coordinates> coordinates, long[] nanos) {
    long total = java.util.Arrays.stream(nanos).sum();
    String slowest = java.util.stream.IntStream.range(0, nanos.length).boxed()
        .sorted((a, b) -> Long.compare(nanos[b], nanos[a])).limit(5)
        .map(i -> String.format("%.1f s %s %s", nanos[i] / 1e9, coordinates.get(i), records.get(i).describe()))
        .collect(java.util.stream.Collectors.joining("; "));
    System.out.printf("FUZZ driver: %d records in %.1f s; slowest: %s%n", records.size(), total / 1e9, slowest);
  }

  /** Reads everything the topology produced, checks it as a broker and producer would, keeps the outputs. */
  private void drain(Coordinates input) {
    for (String topic : driver.producedTopicNames()) {
      for (TestRecord<byte[], byte[]> out : driver.createOutputTopic(topic, new ByteArrayDeserializer(),
          new ByteArrayDeserializer()).readRecordsToList()) {
        long ts = out.timestamp();
        if (ts > nowMs + BROKER_MAX_AHEAD_MS) {
          crashes.add(new Crash("a broker would refuse a record to " + topic + ": timestamp " + ts + " is "
              + (ts - nowMs) / 1000 + " s after the wall clock (log.message.timestamp.after.max.ms = 1 h):"
              + " InvalidTimestampException stops the application", input, ""));
        }
        int size = (out.key() == null ? 0 : out.key().length) + (out.value() == null ? 0 : out.value().length);
        if (size > MAX_REQUEST_SIZE) {
          crashes.add(new Crash("the producer would refuse a record of " + size + " bytes to " + topic
              + " (max.request.size = 1 MiB): RecordTooLargeException stops the application", input, ""));
        }
        keep(topic, out.value());
      }
    }
  }

  private void keep(String topic, byte[] value) {
    if (topic.equals(config.deadLettersTopic())) {
      deadLetters.add(deadLetterSerde.deserializer().deserialize(topic, value));
    } else if (topic.equals(config.windowStatsTopic())) {
      windowStats.add(statsSerde.deserializer().deserialize(topic, value));
    } else if (topic.equals(config.masksTopic())) {
      masks.add(maskSerde.deserializer().deserialize(topic, value));
    } else if (topic.equals(config.alertsTopic())) {
      alerts.add(alertSerde.deserializer().deserialize(topic, value));
    }
  }

  @Override
  public Progress awaitProcessed(Duration timeout) {
    String lag = stuck ? "stuck on " + current : fatal != null ? "stopped after a fatal error at " + fatal : "";
    return new Progress(!stuck && fatal == null, lag, c -> sent.contains(c) && !c.equals(current));
  }

  @Override
  public List<Crash> crashes() {
    return List.copyOf(crashes);
  }

  @Override
  public List<DeadLetter> deadLetters() {
    return List.copyOf(deadLetters);
  }

  @Override
  public List<WindowStats> windowStats() {
    return List.copyOf(windowStats);
  }

  @Override
  public List<FeatureMask> masks() {
    return List.copyOf(masks);
  }

  @Override
  public List<Alert> alerts() {
    return List.copyOf(alerts);
  }

  /** After an Error or while stuck the driver is left as it is: closing would flush state that may be corrupt. */
  @Override
  public void close() {
    if (!stuck && fatal == null) {
      call(() -> {
        driver.close();
        return null;
      });
    }
    worker.shutdownNow();
  }

  private <T> T call(java.util.concurrent.Callable<T> task) {
    try {
      return worker.submit(task).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  /** The exception and its causes on one line: {@code Class: message <- Cause: message}. */
  public static String chain(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (s.length() > 0) {
        s.append(" <- ");
      }
      String message = String.valueOf(t.getMessage());
      s.append(t.getClass().getName()).append(": ").append(message.length() > 300 ? message.substring(0, 300) + "..." : message);
    }
    return s.toString();
  }

  public static String stackTrace(Throwable e) {
    StringWriter w = new StringWriter();
    e.printStackTrace(new PrintWriter(w));
    String text = w.toString();
    return text.length() > 6000 ? text.substring(0, 6000) + "\n..." : text;
  }

  private static String threadStack(String name) {
    StringBuilder s = new StringBuilder();
    Thread.getAllStackTraces().forEach((t, stack) -> {
      if (t.getName().equals(name)) {
        for (int i = 0; i < Math.min(stack.length, 25); i++) {
          s.append("    at ").append(stack[i]).append('\n');
        }
      }
    });
    return s.toString();
  }
}
