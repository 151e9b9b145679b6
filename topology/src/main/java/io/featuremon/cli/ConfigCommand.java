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
        "Keys that are not featuremon's are passed to Kafka Streams and its clients unchanged.",
        "--check shows passwords, sasl.jaas.config, basic.auth.user.info and tokens as [hidden].", ""})
final class ConfigCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--check", description = "Validate --config/--set and print the effective settings, secrets hidden.")
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
    // Printed only in redacted form: a config check is pasted into tickets and chats.
    effective.redacted().forEach((k, v) -> out.println(k + "=" + v
        + (effective.passThrough().containsKey(k) ? "   (passed to Kafka)" : "")));
    out.flush();
    return 0;
  }
}
