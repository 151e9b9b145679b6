package io.featuremon.stats.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * The real data in topology/src/test/resources/data (see its README), read the way scripts/drift_oracle.py reads
 * it.
 */
final class RealData {
  // One copy, in the topology module: its replay tests, scripts/drift_oracle.py, oracle_suite.py and
  // split_drift_acceptance.sh all read it there. Tests run with the module directory (stats/) as working directory.
  static final Path DATA = Path.of("../topology/src/test/resources/data");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RealData() {}

  /** Numeric feature rows; names in the order of the first event's keys. */
  record Features(List<String> names, double[][] rows, List<String> ids) {
    double[] column(int j) {
      double[] c = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        c[i] = rows[i][j];
      }
      return c;
    }

    /** Population standard deviation of column j over all rows. */
    double standardDeviation(int j) {
      double[] c = column(j);
      double mean = 0;
      for (double v : c) {
        mean += v;
      }
      mean /= c.length;
      double ss = 0;
      for (double v : c) {
        ss += (v - mean) * (v - mean);
      }
      return Math.sqrt(ss / c.length);
    }
  }

  record Embeddings(double[][] vectors, long[] timestamps) {}

  static Features features(String file) {
    List<String> names = new ArrayList<>();
    List<double[]> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (JsonNode event : lines(file)) {
      JsonNode f = event.get("features");
      if (names.isEmpty()) {
        for (Iterator<String> it = f.fieldNames(); it.hasNext(); ) {
          names.add(it.next());
        }
      }
      double[] row = new double[names.size()];
      for (int j = 0; j < row.length; j++) {
        row[j] = f.get(names.get(j)).asDouble();
      }
      rows.add(row);
      ids.add(event.get("id").asText());
    }
    return new Features(List.copyOf(names), rows.toArray(double[][]::new), List.copyOf(ids));
  }

  static Embeddings embeddings(String file) {
    List<double[]> vectors = new ArrayList<>();
    List<Long> timestamps = new ArrayList<>();
    for (JsonNode event : lines(file)) {
      JsonNode v = event.get("vector");
      double[] vector = new double[v.size()];
      for (int j = 0; j < vector.length; j++) {
        vector[j] = v.get(j).asDouble();
      }
      vectors.add(vector);
      timestamps.add(event.get("timestamp").asLong());
    }
    return new Embeddings(vectors.toArray(double[][]::new), timestamps.stream().mapToLong(Long::longValue).toArray());
  }

  private static List<JsonNode> lines(String file) {
    try {
      List<JsonNode> events = new ArrayList<>();
      for (String line : Files.readAllLines(DATA.resolve(file))) {
        if (!line.isBlank()) {
          events.add(JSON.readTree(line));
        }
      }
      return events;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Rows [from, to) of a matrix, as one column per dimension. */
  static double[][] columns(double[][] rows, int from, int to) {
    int d = rows[0].length;
    double[][] columns = new double[d][to - from];
    for (int i = from; i < to; i++) {
      for (int j = 0; j < d; j++) {
        columns[j][i - from] = rows[i][j];
      }
    }
    return columns;
  }

  /** {@code count} row indices drawn uniformly with replacement. */
  static int[] resample(Random random, int rows, int count) {
    int[] picks = new int[count];
    for (int i = 0; i < count; i++) {
      picks[i] = random.nextInt(rows);
    }
    return picks;
  }

  /** One sketch per column of {@code rows} restricted to {@code picks}, each shifted by {@code shift[j]}. */
  static NumericSketch[] sketches(double[][] rows, int[] picks, double[] shift) {
    NumericSketch[] sketches = new NumericSketch[rows[0].length];
    for (int j = 0; j < sketches.length; j++) {
      sketches[j] = columnSketch(rows, picks, j, shift[j]);
    }
    return sketches;
  }

  /** The sketch of column j of the picked rows, plus {@code shift}. */
  static NumericSketch columnSketch(double[][] rows, int[] picks, int j, double shift) {
    double[] values = new double[picks.length];
    for (int i = 0; i < picks.length; i++) {
      values[i] = rows[picks[i]][j] + shift;
    }
    return sketch(values);
  }

  static NumericSketch sketch(double[] values) {
    return sketch(values, NumericSketch.DEFAULT_K);
  }

  static NumericSketch sketch(double[] values, int k) {
    NumericSketch s = NumericSketch.create(k);
    s.update(values);
    return s;
  }
}
