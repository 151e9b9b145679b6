package io.featuremon.bench;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Times two whole commands against each other, interleaved round by round (A, B, then B, A, ...), so a noisy
 * neighbour slows both sides of a ratio alike; prints each side's wall times (min/median/max) and the speed ratio
 * B time ÷ A time with its target line. For the rows of issue 9 whose other side is a program, not a library
 * call: featuremon's {@code replay} against a numpy/scipy script reading the same file.
 *
 * <pre>
 * java -cp benchmarks/target/featuremon-benchmarks.jar io.featuremon.bench.CommandRace --rounds 3 \
 *     --what "wide replay ÷ numpy/scipy" --target 3 \
 *     --a "./featuremon replay --input wide.jsonl --out out --set window.size=1d" \
 *     --b "python3 benchmarks/scripts/numpy_side.py wide wide.jsonl" [--log race.log] [--timeout 900]
 * </pre>
 * Commands run under {@code bash -c}; each must exit 0. Before each run of A, its {@code --out} directory is not
 * touched: give a command that starts clean (e.g. {@code rm -rf out; ./featuremon replay ...}).
 */
public final class CommandRace {
  private CommandRace() {}

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    String what = "A ÷ B";
    Double target = null;
    String a = null;
    String b = null;
    File log = null;
    long timeoutSeconds = 900;
    for (int i = 0; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--what" -> what = v;
        case "--target" -> target = Double.parseDouble(v);
        case "--a" -> a = v;
        case "--b" -> b = v;
        case "--log" -> log = new File(v);
        case "--timeout" -> timeoutSeconds = Long.parseLong(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + "; usage: --a CMD --b CMD [--rounds 3] [--what TEXT] [--target X] [--log FILE] [--timeout S]");
      }
    }
    if (a == null || b == null) {
      throw new IllegalArgumentException("--a and --b are required");
    }
    race(System.out, what, a, b, rounds, target, log, timeoutSeconds);
  }

  static void race(PrintStream out, String what, String a, String b, int rounds, Double target, File log,
      long timeoutSeconds) throws IOException, InterruptedException {
    out.println("command race: " + what + ", " + rounds + " round(s), interleaved");
    out.println("machine: " + MachineInfo.describe());
    out.println("A: " + a);
    out.println("B: " + b);
    List<Double> timesA = new ArrayList<>();
    List<Double> timesB = new ArrayList<>();
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      boolean aFirst = r % 2 == 0;
      double ta = 0;
      double tb = 0;
      for (int k = 0; k < 2; k++) {
        boolean runA = (k == 0) == aFirst;
        double t = time(runA ? a : b, log, timeoutSeconds);
        if (runA) {
          ta = t;
        } else {
          tb = t;
        }
      }
      timesA.add(ta);
      timesB.add(tb);
      ratios[r] = tb / ta;
      out.printf("round %d: A %.2f s, B %.2f s, B ÷ A %.3f%n", r + 1, ta, tb, ratios[r]);
    }
    out.println("  A wall s: " + Spread.of(timesA.stream().mapToDouble(Double::doubleValue).toArray(), "%.2f"));
    out.println("  B wall s: " + Spread.of(timesB.stream().mapToDouble(Double::doubleValue).toArray(), "%.2f"));
    out.println("  " + LiveBenchmark.targetLine(what + " (speed: B's time ÷ A's)", ratios, target, true));
  }

  /** Wall seconds of one run of {@code command}; its output goes to {@code log} (or is discarded). */
  private static double time(String command, File log, long timeoutSeconds) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
    pb.redirectOutput(log == null ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.appendTo(log));
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("did not finish within " + timeoutSeconds + " s: " + command);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (p.exitValue() != 0) {
      throw new IllegalStateException("exit " + p.exitValue() + (log == null ? "" : " (see " + log + ")") + ": " + command);
    }
    return seconds;
  }
}
