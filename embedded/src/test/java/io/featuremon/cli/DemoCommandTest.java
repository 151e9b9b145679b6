package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

class DemoCommandTest {

  @Test
  void mainShouldOfferDemoWhenTheEmbeddedModuleIsOnTheClasspath() {
    CommandLine cli = Main.commandLine();
    assertThat(cli.getSubcommands().keySet()).contains("demo");
    assertThat((Object) cli.getSubcommands().get("demo").getCommand()).isInstanceOf(DemoCommand.class);
    assertThat(cli.getUsageMessage()).contains("demo");
  }

  @Test
  void demoHelpLinesShouldFitEightyColumnsAsWritten() {
    // picocli wraps at 80 columns (ReplayCommandTest checks the production commands the same way).
    Command c = DemoCommand.class.getAnnotation(Command.class);
    for (String[] lines : new String[][] {c.description(), c.footer()}) {
      for (String line : lines) {
        assertThat(line.length()).as(line).isLessThanOrEqualTo(80);
      }
    }
  }
}
