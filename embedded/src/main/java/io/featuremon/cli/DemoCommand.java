package io.featuremon.cli;

import io.featuremon.config.Durations;
import io.featuremon.demo.Demo;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code featuremon demo}; found by {@link Main} through {@link OptionalCommand} (see that interface for why). */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
        "Run the whole pipeline on this machine: an embedded Kafka broker (KRaft) and",
        "a real Apicurio schema registry on 127.0.0.1, featuremon itself (exactly-once),",
        "and a generator whose embeddings grow more redundant and whose tabular basket",
        "sizes shift halfway (a drift alert, with the statistics that explain it).",
        "Prints windows, masks, alerts and dead letters as they arrive; stops after",
        "--duration or on Ctrl-C and removes everything it started.",
        ""},
    footer = {"", "Example: featuremon demo --duration 2m --set window.size=15s"})
public final class DemoCommand implements Callable<Integer>, OptionalCommand {
  @Option(names = "--duration", defaultValue = "90s", paramLabel = "DURATION",
      description = "How long to generate events, e.g. 90s, 2m, PT5M (default ${DEFAULT-VALUE}).")
  String duration;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a setting, e.g. --set window.size=20s.")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Override
  public Integer call() throws Exception {
    Duration d = Durations.parse(duration);
    Demo demo = new Demo(System.out, Files.createTempDirectory("featuremon-demo-"));
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      demo.close(); // Ctrl-C: stop the generator and every server, then let run() print its summary
      try {
        done.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "featuremon-demo-shutdown"));
    try {
      Demo.Summary s = demo.run(d, overrides);
      return s.windows() > 0 ? 0 : 1;
    } finally {
      demo.close();
      done.countDown();
    }
  }
}
