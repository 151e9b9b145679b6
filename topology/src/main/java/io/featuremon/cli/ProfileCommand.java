package io.featuremon.cli;

import io.featuremon.replay.Replay;
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
        "Build a reference profile from a training file (JSON Lines, the replay format): per (model, segment, type),",
        "the statistics a window keeps (quantile sketches, category counts, mean vector, redundancy) over the whole",
        "file. Use it with --set reference.mode=profile --set reference.profile=FILE in run or replay.",
        ""},
    footer = {"", "Example: featuremon profile --input train.jsonl --out train.profile",
        "         featuremon replay --input live.jsonl --out out/ --set reference.mode=profile --set reference.profile=train.profile"})
final class ProfileCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--input", required = true, paramLabel = "FILE.jsonl", description = "Training events, one JSON object per line.")
  Path input;

  @Option(names = "--out", required = true, paramLabel = "PROFILE", description = "Profile file to write.")
  Path out;

  @Mixin
  ConfigOptions config;

  @Override
  public Integer call() throws Exception {
    LineProgress progress = new LineProgress(spec.commandLine().getErr());
    Replay.Summary s = Replay.profile(config.load(Map.of()), LineProgress.readable(input), out, progress);
    progress.done();
    var w = spec.commandLine().getOut();
    w.printf("profiled %,d events (%,d dead letters) into %s (%,d bytes)%n", s.events(), s.deadLetters(),
        out.toAbsolutePath().normalize(), Files.size(out));
    w.flush();
    return 0;
  }
}
