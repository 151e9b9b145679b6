package io.featuremon.cli;

import io.featuremon.config.Durations;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.rest.RestServer;
import io.featuremon.serdes.SchemaRegistryClient;
import java.time.Duration;
import io.featuremon.metrics.MetricsEndpoint;
import io.featuremon.topology.FeaturemonApp;
import io.featuremon.topology.PipelineObserver;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run featuremon against a real Kafka cluster and Confluent-compatible schema",
        "registry until stopped (Ctrl-C). Needs bootstrap.servers and",
        "schema.registry.url. Processing guarantee: exactly_once_v2 unless",
        "processing.guarantee says otherwise. Any Kafka Streams or client key in the",
        "config is passed through. Serves Prometheus metrics at metrics.listen",
        "(127.0.0.1:9464 by default; off turns it off).",
        ""},
    footer = {"", "Example: featuremon run --config prod.properties --set num.stream.threads=2"})
final class RunCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  ConfigOptions config;

  @Option(names = "--create-topics", description = "Create missing input and output topics instead of refusing to start.")
  boolean createTopics;

  @Option(names = "--partitions", defaultValue = "6", description = "Partitions of topics created by --create-topics (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--replication-factor", defaultValue = "3", description = "Replication factor of created topics (default ${DEFAULT-VALUE}).")
  short replication;

  @Option(names = "--status-every", defaultValue = "30s", paramLabel = "DURATION",
      description = "Print a one-line status this often: events/s, input lag, windows closed, dead letters by reason,"
          + " and a warning naming models with late events (default ${DEFAULT-VALUE}; 0 turns it off).")
  String statusEvery;

  @Override
  public Integer call() throws Exception {
    FeaturemonConfig cfg = config.load(Map.of());
    // Every setting is checked before anything connects, so a bad one is named instead of hidden by a network error.
    FeaturemonApp.validate(cfg);
    spec.commandLine().getErr().println("featuremon: checking topics on " + cfg.bootstrapServers() + " ...");
    FeaturemonApp.ensureTopics(cfg, createTopics, partitions, replication);
    Duration status = statusInterval();
    SchemaRegistryClient registry = FeaturemonApp.registry(cfg);
    // Bound before the application starts, so a port in use stops start-up naming metrics.listen.
    MetricsEndpoint metrics = MetricsEndpoint.start(cfg);
    KafkaStreams streams = FeaturemonApp.create(cfg, registry, RestServer.streamsSettings(cfg),
        metrics == null ? PipelineObserver.NONE : metrics.pipeline());
    if (metrics != null) {
      metrics.bind(streams);
      spec.commandLine().getErr().println("featuremon: Prometheus metrics at " + metrics.url());
    }
    StatusLine statusLine = new StatusLine(cfg, registry, streams::metrics, spec.commandLine().getErr(), status);
    CountDownLatch stopped = new CountDownLatch(1);
    streams.setStateListener((now, before) -> {
      spec.commandLine().getErr().println("featuremon: " + before + " -> " + now);
      if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
        stopped.countDown();
      }
    });
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      streams.close(java.time.Duration.ofSeconds(30));
      stopped.countDown();
    }, "featuremon-shutdown"));
    // Before the streams start, so a port in use stops start-up at once, naming rest.listen; until the client runs,
    // every query answers 503 with Retry-After.
    RestServer rest = cfg.restEnabled() ? RestServer.start(cfg, streams) : null;
    if (rest != null) {
      spec.commandLine().getErr().println("featuremon: REST queries on http://" + cfg.getString(FeaturemonConfig.REST_LISTEN)
          + " (advertised as " + cfg.restAdvertised() + (cfg.restToken() == null ? ", no token" : ", bearer token")
          + "; see /openapi.yaml)");
    }
    streams.start();
    if (!status.isZero()) {
      statusLine.start();
    }
    stopped.await();
    statusLine.close();
    if (rest != null) {
      rest.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
  }

  private Duration statusInterval() {
    try {
      Duration d = Durations.parse(statusEvery);
      if (d.isNegative()) {
        throw new IllegalArgumentException("negative");
      }
      return d;
    } catch (RuntimeException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for --status-every: '" + statusEvery
          + "' (a duration such as 30s, 1m or 0 to turn the status line off)");
    }
  }
}
