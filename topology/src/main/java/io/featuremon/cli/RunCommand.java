package io.featuremon.cli;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.topology.FeaturemonApp;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
        "Run featuremon against a real Kafka cluster and Confluent-compatible schema registry until stopped (Ctrl-C).",
        "Needs bootstrap.servers and schema.registry.url. Processing guarantee: exactly_once_v2 unless",
        "processing.guarantee says otherwise. Any Kafka Streams or client key in the config is passed through.",
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

  @Override
  public Integer call() throws Exception {
    FeaturemonConfig cfg = config.load(Map.of());
    // Every setting is checked before anything connects, so a bad one is named instead of hidden by a network error.
    FeaturemonApp.validate(cfg);
    spec.commandLine().getErr().println("featuremon: checking topics on " + cfg.bootstrapServers() + " ...");
    FeaturemonApp.ensureTopics(cfg, createTopics, partitions, replication);
    KafkaStreams streams = FeaturemonApp.create(cfg, FeaturemonApp.registry(cfg));
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
    streams.start();
    stopped.await();
    return streams.state() == KafkaStreams.State.ERROR ? 1 : 0;
  }
}
