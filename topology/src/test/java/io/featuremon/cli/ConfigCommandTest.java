package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    Run run = run("config", "--check", "--config", file.toString());

    assertThat(run.exit).isZero();
    assertThat(run.out)
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
    Run run = run("config", "--check", "--set", "window.size=https://alice:s3cret@127.0.0.1:1/?token=abc");

    assertThat(run.exit).isEqualTo(2);
    assertThat(run.err).contains("window.size").contains("https://[hidden]@127.0.0.1:1/?token=[hidden]")
        .doesNotContain("s3cret", "token=abc");
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString().replace(System.lineSeparator(), "\n"), err.toString());
  }
}
