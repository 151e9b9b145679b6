package io.featuremon.replay;

import java.nio.file.Path;
import java.util.Locale;

/** What an input file of replay and profile holds: JSON Lines of events, or CSV rows of tabular features. */
public enum InputFormat {
  JSONL,
  CSV;

  /** By the file name: {@code *.csv} and {@code *.tsv} are CSV; any other (*.jsonl, *.json, *.ndjson) JSON Lines. */
  public static InputFormat of(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".csv") || name.endsWith(".tsv") ? CSV : JSONL;
  }

  /** {@code csv} or {@code jsonl} (also {@code json}, {@code ndjson}), any case. */
  public static InputFormat parse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "csv" -> CSV;
      case "jsonl", "json", "ndjson" -> JSONL;
      default -> throw new IllegalArgumentException("--format " + text + ": expected csv or jsonl");
    };
  }

  /** The delimiter a CSV file of this name has when none is given: a tab for {@code *.tsv}, else a comma. */
  static char defaultDelimiter(Path path) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".tsv") ? '\t' : ',';
  }

  public String label() {
    return this == CSV ? "CSV" : "JSON Lines";
  }
}
