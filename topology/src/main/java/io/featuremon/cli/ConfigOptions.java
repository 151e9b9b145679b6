package io.featuremon.cli;

import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --config FILE} and repeated {@code --set key=value}, shared by every command that takes settings. */
final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file of settings (see `featuremon config` for every key).")
  Path file;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting; repeatable; wins over --config. Example: --set window.size=40d")
  Map<String, String> overrides = new LinkedHashMap<>();

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  /** The settings; a pass-through key that no Kafka or registry component knows is warned about (it does nothing). */
  FeaturemonConfig load(Map<String, String> defaults) {
    FeaturemonConfig config = FeaturemonConfig.load(defaults, file, overrides);
    if (command != null) {
      for (String warning : config.passThroughWarnings()) {
        command.commandLine().getErr().println("featuremon: warning: " + warning);
      }
      command.commandLine().getErr().flush();
    }
    return config;
  }
}
