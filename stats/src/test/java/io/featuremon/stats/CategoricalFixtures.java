package io.featuremon.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BinaryOperator;

/** Test data, pane groupings and the numpy oracle shared by the categorical statistics tests. */
final class CategoricalFixtures {
  static final Path ORACLE = Path.of("../scripts/categorical_oracle.py");
  /** Debian's interpreter, with python3-sklearn (the AMI reference); .ci/run installs it. */
  static final String PYTHON = java.nio.file.Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3"
      : "python3";
  private static final ObjectMapper JSON = new ObjectMapper();

  private CategoricalFixtures() {}

  /** n values drawn from {@code cardinality} categories with Zipf-like frequencies; a share of them null. */
  static String[] values(Random random, int n, int cardinality, double nullShare, String prefix) {
    String[] v = new String[n];
    for (int i = 0; i < n; i++) {
      if (random.nextDouble() < nullShare) {
        continue;
      }
      // Skewed: category j with probability ∝ 1/(j+1), so counts differ and ties are rare.
      double u = random.nextDouble() * harmonic(cardinality);
      int j = 0;
      double acc = 1.0;
      while (acc < u && j < cardinality - 1) {
        j++;
        acc += 1.0 / (j + 1);
      }
      v[i] = prefix + j;
    }
    return v;
  }

  private static double harmonic(int n) {
    double h = 0;
    for (int j = 1; j <= n; j++) {
      h += 1.0 / j;
    }
    return h;
  }

  /** Cut points of {@code n} rows into {@code parts} contiguous panes (some possibly empty). */
  static int[] cuts(Random random, int n, int parts) {
    int[] cuts = new int[parts + 1];
    for (int p = 1; p < parts; p++) {
      cuts[p] = random.nextInt(n + 1);
    }
    cuts[parts] = n;
    java.util.Arrays.sort(cuts, 1, parts);
    return cuts;
  }

  /**
   * The same parts merged in three groupings that keep their order: ((p1 p2) p3)…, p1 (p2 (p3 …)), and a random
   * binary tree.
   */
  static <T> List<T> groupings(List<T> parts, BinaryOperator<T> merge, Random random) {
    T left = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      left = merge.apply(left, parts.get(i));
    }
    T right = parts.get(parts.size() - 1);
    for (int i = parts.size() - 2; i >= 0; i--) {
      right = merge.apply(parts.get(i), right);
    }
    return List.of(left, right, tree(parts, 0, parts.size(), merge, random));
  }

  private static <T> T tree(List<T> parts, int from, int to, BinaryOperator<T> merge, Random random) {
    if (to - from == 1) {
      return parts.get(from);
    }
    int mid = from + 1 + random.nextInt(to - from - 1);
    return merge.apply(tree(parts, from, mid, merge, random), tree(parts, mid, to, merge, random));
  }

  /** Fisher–Yates permutation of 0..n-1. */
  static int[] permutation(Random random, int n) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** A table with exactly these counts: row i is value "a" + i, column j is "b" + j. */
  static Contingency table(long[][] counts) {
    Contingency t = Contingency.empty(Math.max(counts.length, counts[0].length));
    for (int i = 0; i < counts.length; i++) {
      for (int j = 0; j < counts[i].length; j++) {
        for (long c = 0; c < counts[i][j]; c++) {
          t.add("a" + i, "b" + j);
        }
      }
    }
    return t;
  }

  static long[][] randomTable(Random random, int rows, int columns, int maxCount) {
    long[][] t = new long[rows][columns];
    for (long[] row : t) {
      for (int j = 0; j < columns; j++) {
        row[j] = random.nextInt(3) == 0 ? 0 : random.nextInt(maxCount + 1);
      }
    }
    return t;
  }

  /** |a − b| ≤ relative · max(|a|, |b|, floor). */
  static boolean close(double a, double b, double relative, double floor) {
    return Math.abs(a - b) <= relative * Math.max(floor, Math.max(Math.abs(a), Math.abs(b)));
  }

  /** Runs scripts/categorical_oracle.py on JSON cases, one answer per case. */
  static List<JsonNode> oracle(List<?> cases) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(PYTHON, ORACLE.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream in = p.getOutputStream()) {
      for (Object c : cases) {
        in.write(JSON.writeValueAsBytes(c));
        in.write('\n');
      }
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("categorical_oracle.py exit status; output:\n%s", out).isZero();
    List<JsonNode> answers = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        answers.add(JSON.readTree(line));
      }
    }
    assertThat(answers).hasSameSizeAs(cases);
    return answers;
  }
}
