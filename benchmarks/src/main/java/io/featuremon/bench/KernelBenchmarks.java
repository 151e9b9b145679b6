package io.featuremon.bench;

import io.featuremon.stats.Tiling;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH kernel benchmarks ({@link CoMomentKernelBenchmark}, {@link RedundancyBenchmark}) and prints what
 * they mean as ratios taken in the same run: batched events/s over naive events/s per (d, B), and the
 * once-per-window analysis spread over the events of a window.
 *
 * <pre>
 * java -cp benchmarks/target/featuremon-benchmarks.jar io.featuremon.bench.KernelBenchmarks
 *     [--dimensions 384,768] [--batch 64,256] [--forks 1] [--events-per-window 20000] [--quick]
 *     [--interleaved-rounds 15] [--skip-jmh]
 * </pre>
 *
 * After JMH, the three co-moment kernels are also timed interleaved ({@link InterleavedKernels}) as a cross-check
 * of the ratios that a noisy neighbour cannot bias ({@code --interleaved-rounds 0} skips it).
 *
 * Absolute numbers are this machine's, at this moment; only the ratios are meant to travel.
 */
public final class KernelBenchmarks {
  private KernelBenchmarks() {}

  public static void main(String[] args) throws RunnerException {
    String dimensions = "384,768";
    String batch = "64,256";
    int forks = 1;
    long eventsPerWindow = 20_000;
    boolean quick = false;
    boolean skipJmh = false;
    int interleavedRounds = 15;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dimensions" -> dimensions = args[++i];
        case "--batch" -> batch = args[++i];
        case "--forks" -> forks = Integer.parseInt(args[++i]);
        case "--events-per-window" -> eventsPerWindow = Long.parseLong(args[++i]);
        case "--quick" -> quick = true;
        case "--skip-jmh" -> skipJmh = true;
        case "--interleaved-rounds" -> interleavedRounds = Integer.parseInt(args[++i]);
        default -> {
          System.err.println("unknown argument " + args[i]
              + "; usage: KernelBenchmarks [--dimensions 384,768] [--batch 64,256] [--forks N] [--events-per-window N]"
              + " [--quick] [--interleaved-rounds N] [--skip-jmh]");
          System.exit(2);
        }
      }
    }
    System.out.println("machine: " + MachineInfo.describe());
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(CoMomentKernelBenchmark.class.getName() + "\\.")
        .include(RedundancyBenchmark.class.getName() + "\\.")
        .param("dimensions", dimensions.split(","))
        .param("batchSize", batch.split(","))
        .forks(forks);
    if (quick) {
      options.warmupIterations(1).warmupTime(TimeValue.seconds(1))
          .measurementIterations(2).measurementTime(TimeValue.seconds(1));
    }
    if (!skipJmh) {
      Collection<RunResult> results = new Runner(options.build()).run();
      print(results, eventsPerWindow);
    }
    if (interleavedRounds > 0) {
      System.out.println();
      InterleavedKernels.run(ints(dimensions), ints(batch), interleavedRounds, System.out);
    }
  }

  private static int[] ints(String list) {
    return java.util.Arrays.stream(list.split(",")).mapToInt(Integer::parseInt).toArray();
  }

  /** (d, B) → method → result; the Redundancy results have no batch size and use B = 0. */
  static void print(Collection<RunResult> results, long eventsPerWindow) {
    Map<Integer, Map<Integer, Map<String, Result<?>>>> byShape = new TreeMap<>();
    for (RunResult r : results) {
      String benchmark = r.getParams().getBenchmark();
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      int d = Integer.parseInt(r.getParams().getParam("dimensions"));
      String b = r.getParams().getParam("batchSize");
      int batch = b == null ? 0 : Integer.parseInt(b);
      byShape.computeIfAbsent(d, k -> new TreeMap<>()).computeIfAbsent(batch, k -> new TreeMap<>())
          .put(method, r.getPrimaryResult());
    }
    System.out.println();
    System.out.println("co-moment kernel: fold B events into every upper-triangle tile (one op = B events);");
    System.out.println("  naive = one exact rank-1 update per event; batched = BatchFold as the window stage runs it;");
    System.out.println("  streaming = BatchFold's previous loop, before register blocking (bit-identical tiles, StreamingFold); ± = JMH 99.9% error");
    System.out.printf("  %5s %4s %20s %20s %20s %14s %14s %11s%n", "d", "B", "naive events/s", "batched events/s",
        "streaming events/s", "batched/naive", "batched/streaming", "GMA/s n/b/s");
    Map<Integer, Double> batchedMicrosPerEvent = new TreeMap<>();
    for (var shape : byShape.entrySet()) {
      int d = shape.getKey();
      double fmaPerEvent = fmaPerEvent(d);
      for (var entry : shape.getValue().entrySet()) {
        int b = entry.getKey();
        Result<?> batched = entry.getValue().get("batched");
        Result<?> naive = entry.getValue().get("naiveRank1");
        Result<?> streaming = entry.getValue().get("streaming");
        if (b == 0 || batched == null) {
          continue;
        }
        double be = opsPerSecond(batched) * b;
        double ne = naive == null ? Double.NaN : opsPerSecond(naive) * b;
        double ke = streaming == null ? Double.NaN : opsPerSecond(streaming) * b;
        System.out.printf("  %5d %4d %20s %20s %20s %14s %14s %11s%n", d, b, rate(ne, naive), rate(be, batched),
            rate(ke, streaming), ratio(be, batched, ne, naive), ratio(be, batched, ke, streaming),
            String.format("%.1f/%.1f/%.1f", ne * fmaPerEvent / 1e9, be * fmaPerEvent / 1e9, ke * fmaPerEvent / 1e9));
        if (b == 256 || !batchedMicrosPerEvent.containsKey(d)) {
          batchedMicrosPerEvent.put(d, 1e6 / be);
        }
      }
    }
    System.out.println();
    System.out.printf("window analysis (once per emitted window), spread over %,d events per window%n", eventsPerWindow);
    System.out.printf("  %5s %16s %16s %16s %12s %14s %14s%n", "d", "analyze ms", "eigenvalues ms", "blocked-tridiag",
        "eig speed-up", "µs/event", "÷ batched");
    System.out.printf("  %5s %16s %16s %16s %12s %14s %14s%n", "", "", "(production)", "eigenvalues ms", "",
        "amortized", "kernel µs/ev");
    for (var shape : byShape.entrySet()) {
      Map<String, Result<?>> r = shape.getValue().get(0);
      if (r == null || r.get("analyze") == null) {
        continue;
      }
      Result<?> analyze = r.get("analyze");
      Result<?> eig = r.get("eigenvaluesOnly");
      Result<?> blockedEig = r.get("eigenvaluesBlockedTridiagonal");
      double perEvent = millis(analyze) * 1000 / eventsPerWindow;
      Double kernel = batchedMicrosPerEvent.get(shape.getKey());
      System.out.printf("  %5d %16s %16s %16s %12s %14.2f %14s%n", shape.getKey(), ms(analyze), ms(eig), ms(blockedEig),
          eig == null || blockedEig == null ? "-" : ratio(millis(eig), eig, millis(blockedEig), blockedEig), perEvent,
          kernel == null ? "-" : String.format("%.2f", perEvent / kernel));
    }
    System.out.println();
    System.out.println("Hopping windows with advance = size/k emit k windows per window length of events, so they pay");
    System.out.println("the analysis k times as often; the per-event kernel cost does not change (panes).");
  }

  private static String ms(Result<?> r) {
    return r == null ? "-" : String.format("%.1f ± %.0f%%", millis(r), 100 * relativeError(r));
  }

  private static String rate(double eventsPerSecond, Result<?> r) {
    if (r == null) {
      return "-";
    }
    return String.format("%,.0f ± %.0f%%", eventsPerSecond, 100 * relativeError(r));
  }

  private static String ratio(double a, Result<?> ra, double b, Result<?> rb) {
    if (ra == null || rb == null) {
      return "-";
    }
    double q = a / b;
    return String.format("%.2f ± %.2f", q, q * Math.hypot(relativeError(ra), relativeError(rb)));
  }

  /**
   * Useful multiply-adds per event: the upper triangle with its diagonal, d(d + 1)/2, the same count for every kernel
   * (the naive and streaming loops also compute diagonal tiles' lower halves, the production kernels do not: that
   * skipped work is part of their speed, not of the work done).
   */
  static double fmaPerEvent(int d) {
    return (double) d * (d + 1) / 2;
  }

  private static double opsPerSecond(Result<?> r) {
    return r.getScore() * perSecond(r.getScoreUnit());
  }

  private static double millis(Result<?> r) {
    String unit = r.getScoreUnit();
    double perOp = r.getScore();
    if (unit.startsWith("ms/")) {
      return perOp;
    } else if (unit.startsWith("us/")) {
      return perOp / 1000;
    } else if (unit.startsWith("s/")) {
      return perOp * 1000;
    } else if (unit.startsWith("ns/")) {
      return perOp / 1e6;
    }
    throw new IllegalArgumentException("unexpected unit " + unit);
  }

  private static double perSecond(String unit) {
    return switch (unit) {
      case "ops/s" -> 1;
      case "ops/ms" -> 1e3;
      case "ops/us" -> 1e6;
      case "ops/min" -> 1.0 / 60;
      default -> throw new IllegalArgumentException("unexpected unit " + unit);
    };
  }

  private static double relativeError(Result<?> r) {
    double e = r.getScoreError();
    return Double.isNaN(e) || r.getScore() == 0 ? 0 : Math.abs(e / r.getScore());
  }
}
