package io.featuremon.cli;

import io.featuremon.config.FeaturemonConfig;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {"List every setting with its default and meaning, or check a config file (--check).",
        "Keys that are not featuremon's are passed to Kafka Streams and its clients unchanged.", ""})
final class ConfigCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--check", description = "Validate --config/--set and print the effective featuremon settings.")
  boolean check;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    if (!check) {
      out.print(FeaturemonConfig.documentation());
      out.flush();
      return 0;
    }
    FeaturemonConfig effective = config.load(Map.of());
    effective.values().entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> out.println(e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue())));
    effective.passThrough().forEach((k, v) -> out.println(k + "=" + v + "   (passed to Kafka)"));
    out.flush();
    return 0;
  }
}
