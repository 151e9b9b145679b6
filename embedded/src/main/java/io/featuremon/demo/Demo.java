package io.featuremon.demo;

import io.featuremon.alerts.AlertText;
import io.featuremon.avro.Alert;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.DroppedFeature;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.FeatureMask;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.embedded.EmbeddedKafka;
import io.featuremon.embedded.EmbeddedRegistry;
import io.featuremon.serdes.AvroSerde;
import io.featuremon.serdes.SchemaRegistryClient;
import io.featuremon.topology.FeaturemonApp;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The whole pipeline on one machine: an embedded KRaft broker and a real Apicurio registry on 127.0.0.1, the
 * featuremon application (exactly-once), a generator whose embeddings grow more redundant and whose tabular basket
 * sizes shift halfway, and a console that prints windows, masks, alerts and dead letters as they arrive.
 */
public final class Demo implements AutoCloseable {
  /** The demo's own defaults: short windows so that something happens every few seconds. */
  public static final Map<String, String> DEFAULTS = Map.of(
      FeaturemonConfig.APPLICATION_ID, "featuremon-demo",
      FeaturemonConfig.WINDOW_SIZE, "10s",
      FeaturemonConfig.WINDOW_GRACE, "2s",
      FeaturemonConfig.ALERT_MEAN_ABS_CORR_ABOVE, "0.5",
      "commit.interval.ms", "500");

  /** What the console saw. */
  public record Summary(int windows, int masks, int alertsFiring, int alertsResolved, int deadLetters, long eventsSent) {}

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final PrintStream out;
  private final Path workDir;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private EmbeddedKafka kafka;
  private EmbeddedRegistry registry;
  private KafkaStreams streams;

  public Demo(PrintStream out, Path workDir) {
    this.out = out;
    this.workDir = workDir;
  }

  /** Runs for {@code duration} (or until {@link #close()}), then returns what was seen. */
  public Summary run(Duration duration, Map<String, String> overrides) throws Exception {
    long t0 = System.nanoTime();
    out.println("starting an embedded Kafka broker and an Apicurio schema registry on 127.0.0.1 ...");
    CompletableFuture<EmbeddedRegistry> registryStart = CompletableFuture.supplyAsync(() -> EmbeddedRegistry.start(workDir.resolve("registry")));
    kafka = EmbeddedKafka.start(workDir.resolve("kafka"));
    registry = registryStart.join();
    out.printf("  broker %s, registry %s (%.1f s)%n", kafka.bootstrapServers(), registry.confluentUrl(), seconds(t0));

    Map<String, String> settings = new HashMap<>(DEFAULTS);
    settings.put(FeaturemonConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    settings.put(FeaturemonConfig.SCHEMA_REGISTRY_URL, registry.confluentUrl());
    settings.put("state.dir", workDir.resolve("state").toString());
    settings.putAll(overrides);
    FeaturemonConfig config = FeaturemonConfig.load(settings, null, Map.of());
    List<NewTopic> topics = new ArrayList<>();
    for (String t : List.of(config.embeddingsTopic(), config.featuresTopic(), config.windowStatsTopic(),
        config.alertsTopic(), config.deadLettersTopic())) {
      topics.add(new NewTopic(t, 2, (short) 1));
    }
    for (String compacted : List.of(config.masksTopic(), config.featureImportanceTopic())) {
      topics.add(new NewTopic(compacted, 2, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }
    topics.addAll(FeaturemonApp.internalTopics(config, 2));
    kafka.createTopics(topics);

    SchemaRegistryClient registryClient = FeaturemonApp.registry(config);
    streams = FeaturemonApp.create(config, registryClient);
    streams.start();
    out.printf("featuremon is running (exactly_once_v2, window %s, grace %s, alert when meanAbsCorr >= %s); generating for %s%n%n",
        config.getString(FeaturemonConfig.WINDOW_SIZE), config.getString(FeaturemonConfig.WINDOW_GRACE),
        config.alertMeanAbsCorrAbove(), io.featuremon.config.Durations.format(duration));

    Console console = new Console(config, registryClient);
    Thread consoleThread = new Thread(console, "featuremon-demo-console");
    consoleThread.start();
    long sent = generate(config, duration);
    // Outputs of the last commit are still on their way: stop reading once nothing new arrived for 3 s.
    console.stopWhenIdle(Duration.ofSeconds(3));
    consoleThread.join(15_000);
    Summary summary = console.summary(sent);
    out.printf("%nsent %,d events; saw %d windows, %d masks, %d alerts firing, %d resolved, %d dead letters (%.0f s)%n",
        summary.eventsSent(), summary.windows(), summary.masks(), summary.alertsFiring(), summary.alertsResolved(),
        summary.deadLetters(), seconds(t0));
    return summary;
  }

  private long generate(FeaturemonConfig config, Duration duration) throws InterruptedException {
    Map<String, Object> producerConfig = new HashMap<>(kafka.clientConfig());
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    SchemaRegistryClient client = FeaturemonApp.registry(config);
    DemoGenerator generator = new DemoGenerator();
    long sent = 0;
    try (KafkaProducer<String, EmbeddingEvent> embeddings = new KafkaProducer<>(producerConfig, new StringSerializer(),
            new AvroSerde<>(EmbeddingEvent.class, client).serializer());
        KafkaProducer<String, FeatureEvent> features = new KafkaProducer<>(producerConfig, new StringSerializer(),
            new AvroSerde<>(FeatureEvent.class, client).serializer())) {
      long start = System.currentTimeMillis();
      long end = start + duration.toMillis();
      long tick = 0;
      boolean brokenSent = false;
      while (!stopping.get() && System.currentTimeMillis() < end) {
        long now = System.currentTimeMillis();
        double progress = (double) (now - start) / duration.toMillis();
        // 200 embeddings and 50 feature rows per second, keyed by model so each model keeps its order.
        for (int i = 0; i < 10; i++) {
          // One invalid event a quarter of the way in, to show a dead letter whatever the machine's speed.
          boolean broken = !brokenSent && progress >= 0.25;
          brokenSent |= broken;
          EmbeddingEvent e = broken ? generator.broken(now) : generator.embedding(now, progress);
          embeddings.send(new ProducerRecord<>(config.embeddingsTopic(), null, now, DemoGenerator.EMBEDDING_MODEL, e));
          sent++;
        }
        for (int i = 0; i < 3; i++) {
          features.send(new ProducerRecord<>(config.featuresTopic(), null, now, DemoGenerator.TABULAR_MODEL, generator.features(now, progress)));
          sent++;
        }
        tick++;
        Thread.sleep(50);
      }
    }
    return sent;
  }

  /** Prints every output record as it arrives (read_committed: only what exactly-once committed). */
  private final class Console implements Runnable {
    private final FeaturemonConfig config;
    private final Map<String, AvroSerde<? extends SpecificRecord>> serdes = new HashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private int windows;
    private int masks;
    private int firing;
    private int resolved;
    private int dead;

    Console(FeaturemonConfig config, SchemaRegistryClient client) {
      this.config = config;
      serdes.put(config.windowStatsTopic(), new AvroSerde<>(WindowStats.class, client));
      serdes.put(config.masksTopic(), new AvroSerde<>(FeatureMask.class, client));
      serdes.put(config.alertsTopic(), new AvroSerde<>(Alert.class, client));
      serdes.put(config.deadLettersTopic(), new AvroSerde<>(DeadLetter.class, client));
    }

    private volatile long lastRecordNanos = System.nanoTime();

    void stopWhenIdle(Duration idle) throws InterruptedException {
      while (System.nanoTime() - lastRecordNanos < idle.toNanos() && !stopping.get()) {
        Thread.sleep(100);
      }
      stop.set(true);
    }

    synchronized Summary summary(long sent) {
      return new Summary(windows, masks, firing, resolved, dead, sent);
    }

    @Override
    public void run() {
      Map<String, Object> consumerConfig = new HashMap<>(kafka.clientConfig());
      consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "featuremon-demo-console");
      consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        consumer.subscribe(List.copyOf(serdes.keySet()));
        while (!stop.get()) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            SpecificRecord value = serdes.get(r.topic()).deserializer().deserialize(r.topic(), r.value());
            print(value);
            lastRecordNanos = System.nanoTime();
          }
        }
      }
    }

    private synchronized void print(SpecificRecord value) {
      if (value instanceof WindowStats s) {
        windows++;
        var red = s.getRedundancy();
        out.printf("%s window %s-%s  %-13s %-9s n=%-5d d'=%-3d meanAbsCorr=%.3f meanSqCorr=%.3f effRank=%.2f fretL1=%.1f%n",
            CLOCK.format(Instant.now()), CLOCK.format(Instant.ofEpochMilli(s.getWindowStart())),
            CLOCK.format(Instant.ofEpochMilli(s.getWindowEnd())), s.getModel(), s.getType(), s.getCount(),
            red.getNonConstant(), red.getMeanAbsCorr(), red.getMeanSqCorr(), red.getEffectiveRank(), red.getFretL1());
      } else if (value instanceof FeatureMask m) {
        masks++;
        String dropped = m.getDropped().stream().limit(6).map(Console::describe).collect(Collectors.joining(", "));
        out.printf("%s mask   v%-3d %-13s kept %d, dropped %d: %s%s%n", CLOCK.format(Instant.now()), m.getVersion(),
            m.getModel(), m.getKept().size(), m.getDropped().size(), dropped, m.getDropped().size() > 6 ? ", ..." : "");
      } else if (value instanceof Alert a) {
        if ("firing".equals(a.getStatus())) {
          firing++;
        } else {
          resolved++;
        }
        // The summary and description say what fired and why (the values, the threshold or the reference, the
        // features, dimensions or pairs behind it); indented under the time so the window lines stay readable.
        List<String> lines = AlertText.lines(a);
        out.printf("%s ALERT  %s%n", CLOCK.format(Instant.now()), lines.get(0));
        for (String line : lines.subList(1, lines.size())) {
          out.printf("%25s%s%n", "", line);
        }
      } else if (value instanceof DeadLetter d) {
        dead++;
        out.printf("%s dead letter %s/%d@%d (%s): %s%n", CLOCK.format(Instant.now()), d.getSourceTopic(),
            d.getSourcePartition(), d.getSourceOffset(), d.getStage(), d.getReason());
      }
    }

    private static String describe(DroppedFeature d) {
      return d.getRedundantWith() == null ? d.getFeature() + " (" + d.getReason() + ")"
          : String.format("%s (redundant with %s, ρ=%.3f)", d.getFeature(), d.getRedundantWith(), d.getCorr());
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Stops the generator and every server the demo started, and deletes its working directory. */
  @Override
  public void close() {
    stopping.set(true);
    if (closed.getAndSet(true)) {
      return;
    }
    if (streams != null) {
      streams.close(Duration.ofSeconds(20));
    }
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    try (var paths = Files.walk(workDir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      out.println("could not delete " + workDir + ": " + e.getMessage());
    }
  }
}
