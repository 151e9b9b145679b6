package io.featuremon.cli;

import io.featuremon.serdes.Redaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ServiceLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code featuremon} command line. Run it through the {@code ./featuremon} launcher at the repository root,
 * which builds the project when needed: {@code ./featuremon --help}.
 */
@Command(
    name = "featuremon",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
        "Online feature and embedding monitoring on Kafka Streams: per model, segment",
        "and event-time window, exact redundancy statistics, feature-elimination masks",
        "and alerts.",
        ""},
    subcommands = {RunCommand.class, ReplayCommand.class, BacktestCommand.class, ProfileCommand.class,
        ScoreCommand.class,
        ReportCommand.class,
        ConfigCommand.class,
        CommandLine.HelpCommand.class},
    footer = {"", "Start with:  ./featuremon demo     (embedded broker and registry, ~2 minutes)",
        "Offline:     ./featuremon replay --input events.jsonl --out results/ \\",
        "                 --set window.size=1h"})
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    // demo lives in featuremon-embedded (a broker and a registry do not belong in the production artifact); it
    // joins when that jar is on the classpath, as with ./featuremon, and is absent from the Docker image.
    for (OptionalCommand command : ServiceLoader.load(OptionalCommand.class, Main.class.getClassLoader())) {
      cli.addSubcommand(command);
    }
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      // Config mistakes and unreadable files are the user's to fix: one clear line, no stack trace.
      // Both go through Redaction: a message may quote a URL with credentials or a JAAS line.
      commandLine.getErr().println(commandLine.getColorScheme().errorText("featuremon: " + Redaction.text(e.getMessage())));
      if (!(e instanceof org.apache.kafka.common.config.ConfigException || e instanceof java.io.IOException
          || e instanceof java.io.UncheckedIOException || e instanceof IllegalArgumentException)) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        commandLine.getErr().print(Redaction.text(trace.toString()));
        commandLine.getErr().flush();
      }
      return 2;
    });
    return cli;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"featuremon " + (v == null ? "development build" : v) + " (Kafka Streams "
          + org.apache.kafka.common.utils.AppInfoParser.getVersion() + ", Java " + System.getProperty("java.version") + ")"};
    }
  }
}
