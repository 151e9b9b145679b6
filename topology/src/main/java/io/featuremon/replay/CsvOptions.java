package io.featuremon.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How to read a CSV input: the model of every row when the file has no model column, what given columns are
 * (overriding names and inferred types), which cell texts besides an empty cell mean a missing value, and the
 * delimiter (null: a tab for *.tsv, else a comma).
 */
public record CsvOptions(String model, Map<String, Kind> columns, Set<String> missing, Character delimiter) {

  /** Nothing given: every column by its name or its values. */
  public static final CsvOptions DEFAULT = new CsvOptions(null, Map.of(), Set.of(), null);

  public CsvOptions {
    columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
    missing = Collections.unmodifiableSet(new LinkedHashSet<>(missing));
  }

  /** True when nothing is given (so the options can apply to a JSON Lines input too). */
  public boolean isDefault() {
    return model == null && columns.isEmpty() && missing.isEmpty() && delimiter == null;
  }

  /** What a column is. A row's features are the numeric and categorical columns, in the file's order. */
  public enum Kind {
    NUMERIC("numeric"),
    CATEGORICAL("categorical"),
    MODEL("model", "model"),
    SEGMENT("segment", "segment"),
    TIME("time", "timestamp", "ts", "time", "event_time"),
    INGEST_TIME("ingest-time", "ingest_time", "ingesttime"),
    ID("id", "id", "request_id", "requestid"),
    IGNORE("ignore");

    private final String label;
    private final List<String> conventionalNames;

    Kind(String label, String... conventionalNames) {
      this.label = label;
      this.conventionalNames = List.of(conventionalNames);
    }

    public String label() {
      return label;
    }

    /** The column names (compared ignoring case) that are this kind when no option says otherwise. */
    List<String> conventionalNames() {
      return conventionalNames;
    }

    boolean isFeature() {
      return this == NUMERIC || this == CATEGORICAL;
    }

    /** At most one column can be this kind. */
    boolean isRole() {
      return !isFeature() && this != IGNORE;
    }

    public static Kind parse(String text) {
      for (Kind k : values()) {
        if (k.label.equalsIgnoreCase(text.strip())) {
          return k;
        }
      }
      List<String> labels = new ArrayList<>();
      Arrays.stream(values()).forEach(k -> labels.add(k.label));
      throw new IllegalArgumentException("'" + text + "' is not a column kind; one of " + String.join(", ", labels));
    }

    @Override
    public String toString() {
      return label;
    }
  }
}
