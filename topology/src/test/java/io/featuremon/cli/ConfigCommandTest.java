package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.featuremon.alerts.AlertRules;
import io.featuremon.alerts.RuleSet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {

  @Test
  void checkShouldPrintEverySettingWithSecretsHidden(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secure.properties");
    Files.writeString(file, String.join("\n",
        "bootstrap.servers=127.0.0.1:9093",
        "security.protocol=SASL_SSL",
        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"fm\" password=\"k4fka-s3cret\";",
        "ssl.truststore.password=trust-s3cret",
        "schema.registry.url=https://alice:url-s3cret@127.0.0.1:1/apis?token=abc",
        "basic.auth.credentials.source=USER_INFO",
        "basic.auth.user.info=alice:info-s3cret"));

    CliRun run = CliRun.of("config", "--check", "--config", file.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.out())
        .contains("sasl.jaas.config=[hidden]   (passed to Kafka)")
        .contains("ssl.truststore.password=[hidden]   (passed to Kafka)")
        .contains("basic.auth.user.info=[hidden]   (passed to Kafka)")
        .contains("security.protocol=SASL_SSL   (passed to Kafka)")
        .contains("schema.registry.url=https://[hidden]@127.0.0.1:1/apis?token=[hidden]\n")
        .contains("window.size=1h\n")
        .doesNotContain("s3cret", "alice", "token=abc");
  }

  @Test
  void anErrorShouldNotShowCredentialsItQuotes() {
    CliRun run = CliRun.of("config", "--check", "--set", "window.size=https://alice:s3cret@127.0.0.1:1/?token=abc");

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).contains("window.size").contains("https://[hidden]@127.0.0.1:1/?token=[hidden]")
        .doesNotContain("s3cret", "token=abc");
  }

  @Test
  void checkShouldReadAYamlFileWithNestedKeys(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("featuremon.yaml");
    Files.writeString(file, String.join("\n",
        "window:",
        "  size: 40d",
        "mask:",
        "  threshold: 0.9",
        "processing.guarantee: at_least_once"));

    CliRun run = CliRun.of("config", "--check", "--config", file.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("window.size=40d\n", "mask.threshold=0.9\n",
        "processing.guarantee=at_least_once   (passed to Kafka)", "# alert rules: ", "settings valid");
  }

  @Test
  void checkShouldRefuseYamlInAPropertiesFileAndAListInYaml(@TempDir Path dir) throws Exception {
    Path properties = dir.resolve("featuremon.properties");
    Files.writeString(properties, "window:\n  size: 40d\n");
    Path yaml = dir.resolve("featuremon.yml");
    Files.writeString(yaml, "topic:\n  embeddings: [a, b]\n");

    CliRun indented = CliRun.of("config", "--check", "--config", properties.toString());
    CliRun list = CliRun.of("config", "--check", "--config", yaml.toString());

    assertThat(indented.exit()).isEqualTo(2);
    assertThat(indented.err()).contains("--config", "'size: 40d'", "*.yaml");
    assertThat(list.exit()).isEqualTo(2);
    assertThat(list.err()).contains("topic.embeddings", "a list");
  }

  @Test
  void checkShouldRefuseAMissingOrMalformedAlertRulesFile(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("no-such-rules.yaml");
    Path malformed = dir.resolve("rules.yaml");
    Files.writeString(malformed, "version: 1\nrules:\n  - name: Broken\n    metric: redundancy.meanAbsCorr\n");
    Path good = dir.resolve("good.yaml");
    Files.writeString(good, CliRun.of("config", "--alert-rules").out());

    CliRun none = CliRun.of("config", "--check", "--set", "alert.rules=" + missing);
    CliRun bad = CliRun.of("config", "--check", "--set", "alert.rules=" + malformed);
    CliRun ok = CliRun.of("config", "--check", "--set", "alert.rules=" + good);

    assertThat(none.exit()).isEqualTo(2);
    assertThat(none.err()).contains("alert.rules", "no-such-rules.yaml", "no such file");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("rules.yaml", "rules[0]", "level, relative, trend");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).contains("# alert rules: ", " from " + good);
  }

  @Test
  void theBuiltInRulesShowTheirAnnotationsAndWhereTheRunbookLinkGoes(@TempDir Path dir) throws Exception {
    String builtIn = CliRun.of("config", "--alert-rules").out();
    assertThat(builtIn).contains("    annotations:\n      summary: \"", "{{details}}", "{{top}}", "{{referenceWindow}}")
        .contains("      # runbook_url: \"https://runbooks.example.com/featuremon/FeatureDrift\"");

    // Uncommented, the printed file is a rules file whose every alert carries its runbook link.
    Path withRunbooks = dir.resolve("rules.yaml");
    Files.writeString(withRunbooks, builtIn.replaceAll("# (runbook_url: \"[^\"]*\").*", "$1"));
    CliRun ok = CliRun.of("config", "--check", "--set", "alert.rules=" + withRunbooks);
    assertThat(ok.exit()).as(ok.err()).isZero();
    RuleSet rules = AlertRules.load(withRunbooks);
    assertThat(rules.rules()).isNotEmpty().allSatisfy(r -> assertThat(r.annotationTemplates())
        .containsEntry("runbook_url", "https://runbooks.example.com/featuremon/" + r.name())
        .containsKeys("summary", "description"));
  }

  @Test
  void aPassThroughKeyNoComponentKnowsShouldBeWarnedAboutWithTheNearestKey() {
    CliRun run = CliRun.of("config", "--check", "--set", "comit.interval.ms=5000", "--set", "consumer.max.pol.records=5",
        "--set", "windw.size=1h", "--set", "zzz.unrelated=1",
        // known: Kafka Streams, a client key under a Streams prefix, security, the registry client and serde
        "--set", "num.stream.threads=2", "--set", "main.consumer.max.poll.records=500",
        "--set", "security.protocol=PLAINTEXT", "--set", "basic.auth.user.info=a:b",
        "--set", "auto.register.schemas=false", "--set", "schema.registry.request.timeout.ms=5000");

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.err())
        .contains("'comit.interval.ms' is not a Kafka Streams, Kafka client or schema-registry setting, so it does"
            + " nothing (did you mean commit.interval.ms?)")
        .contains("'consumer.max.pol.records' is not", "(did you mean consumer.max.poll.records?)")
        .contains("'windw.size' is not", "(did you mean window.size?)")
        .contains("'zzz.unrelated' is not a Kafka Streams, Kafka client or schema-registry setting, so it does nothing\n")
        .doesNotContain("num.stream.threads", "main.consumer.max.poll.records", "security.protocol",
            "basic.auth.user.info", "auto.register.schemas", "schema.registry.request.timeout.ms");
  }
}
