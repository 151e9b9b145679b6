package io.featuremon.cli;

import io.featuremon.alerts.RuleSet;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.serdes.InMemorySchemaRegistryClient;
import io.featuremon.topology.AlertRulesConfig;
import io.featuremon.topology.FeaturemonApp;
import io.featuremon.topology.FeaturemonTopology;
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
    description = {"List every setting with its default and meaning, or check a config file",
        "(--check). Keys that are not featuremon's are passed to Kafka Streams and its",
        "clients unchanged. --check shows passwords, sasl.jaas.config,",
        "basic.auth.user.info and tokens as [hidden].", ""})
final class ConfigCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--check", description = "Validate --config/--set and print the effective settings, secrets hidden.")
  boolean check;

  @Option(names = "--alert-rules", description = "Print the built-in alert rules (from the alert.* settings) as a"
      + " YAML file to start a rules file from (alert.rules=FILE).")
  boolean alertRules;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() {
    var out = spec.commandLine().getOut();
    if (alertRules) {
      out.print(AlertRulesConfig.builtIn(config.load(Map.of())));
      out.flush();
      return 0;
    }
    if (!check) {
      out.print(FeaturemonConfig.documentation());
      out.flush();
      return 0;
    }
    FeaturemonConfig effective = config.load(Map.of());
    // What `run` and `replay` would refuse at start-up, refused here: the alert rules file and every rule in it,
    // the reference profile, and (when a cluster is named) the Kafka and registry client settings.
    RuleSet rules = AlertRulesConfig.load(effective);
    FeaturemonTopology.build(effective, new InMemorySchemaRegistryClient(), false);
    if (!effective.bootstrapServers().isBlank() && !effective.schemaRegistryUrl().isBlank()) {
      FeaturemonApp.validate(effective);
    }
    // Printed only in redacted form: a config check is pasted into tickets and chats.
    effective.redacted().forEach((k, v) -> out.println(k + "=" + v
        + (effective.passThrough().containsKey(k) ? "   (passed to Kafka)" : "")));
    String file = effective.alertRulesFile();
    out.println("# alert rules: " + rules.rules().size() + " from " + (file.isBlank() ? "the built-in rules (alert.*)"
        : file) + "; settings valid" + (effective.bootstrapServers().isBlank() || effective.schemaRegistryUrl().isBlank()
        ? " (Kafka and registry client settings not checked: bootstrap.servers or schema.registry.url is unset)"
        : ""));
    out.flush();
    return 0;
  }
}
