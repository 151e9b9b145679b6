package io.featuremon.bench;

import io.featuremon.stats.CoMoments;
import io.featuremon.stats.Mask;
import io.featuremon.stats.MaskOptions;
import io.featuremon.stats.MaskRule;
import io.featuremon.stats.Redundancy;
import io.featuremon.stats.RedundancyReport;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the default {@code mask.linearCombinations=true} costs per window: {@link MaskRule#apply} with the
 * linear-combination test (an incrementally grown Cholesky factor of the kept dimensions, O(k²) per candidate) against
 * the pairwise rule alone, on one window of synthetic embeddings. The window has 8,192 events, so at d = 768 the test
 * may use every kept dimension (it takes ten events per kept dimension): the worst case. Paid once per window and
 * group, beside {@link RedundancyBenchmark}'s analyze.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MaskRuleBenchmark {
  static final int ROWS = 8192;

  @Param({"384", "768"})
  public int dimensions;

  @Param({"false", "true"})
  public boolean linearCombinations;

  private RedundancyReport report;
  private MaskOptions options;

  @Setup(Level.Trial)
  public void setUp() {
    double[][] rows = new SyntheticEmbeddings(dimensions, 7).nextRows(ROWS);
    report = Redundancy.analyze(CoMoments.ofRows(rows, 256), 10);
    options = new MaskOptions(0.95, 0.05, 0, Set.of(), null, 1.0, 1, 2, linearCombinations);
  }

  @Benchmark
  public Mask rule() {
    return MaskRule.apply(report, null, options);
  }
}
