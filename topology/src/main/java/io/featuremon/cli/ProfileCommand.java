package io.featuremon.cli;

import io.featuremon.config.FeaturemonConfig;
import io.featuremon.replay.Replay;
import io.featuremon.replay.ReplayInput;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description = {
        "Build a reference profile from a training file, JSON Lines or CSV, read as",
        "replay reads them (see replay --help): per (model, segment, type), the",
        "statistics a window keeps (quantile sketches, category counts, mean vector,",
        "redundancy) over the whole file. Use it with --set reference.mode=profile",
        "--set reference.profile=FILE in run or replay. When no line is an event, or",
        "none is accepted, profile exits 3, writes no profile and says why.",
        ""},
    footer = {"", "Example:",
        "  featuremon profile --input train.csv --model churn --out train.profile",
        "  featuremon replay --input live.csv --model churn --out out/ \\",
        "      --set reference.mode=profile --set reference.profile=train.profile"})
final class ProfileCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  InputOptions input;

  @Option(names = "--out", required = true, paramLabel = "PROFILE", description = "Profile file to write.")
  Path out;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    FeaturemonConfig settings = config.load(Map.of());
    ReplayInput in = input.resolve(ReplayCommand.notes(err));
    LineProgress progress = new LineProgress(err);
    Replay.Summary s = Replay.profile(settings, in, out, progress);
    progress.done();
    String failure = ReplayCommand.nothingUsable(s, in, "replay writes each one's reason to dead-letters.jsonl");
    if (failure != null) {
      Files.deleteIfExists(out);
      err.println("featuremon: " + failure + "; no profile written");
      err.flush();
      return ReplayCommand.NOTHING_PARSED;
    }
    var w = spec.commandLine().getOut();
    w.printf("profiled %,d events (%,d dead letters) into %s (%,d bytes)%n", s.events(), s.deadLetters(),
        out.toAbsolutePath().normalize(), Files.size(out));
    w.flush();
    return 0;
  }
}
