package io.featuremon.cli;

import io.featuremon.config.FeaturemonConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --config FILE} and repeated {@code --set key=value}, shared by every command that takes settings. */
final class ConfigOptions {
  @Option(names = "--config", paramLabel = "FILE",
      description = "Properties file of settings (see `featuremon config` for every key).")
  Path file;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one setting; repeatable; wins over --config. Example: --set window.size=40d")
  Map<String, String> overrides = new LinkedHashMap<>();

  FeaturemonConfig load(Map<String, String> defaults) {
    return FeaturemonConfig.load(defaults, file, overrides);
  }
}
