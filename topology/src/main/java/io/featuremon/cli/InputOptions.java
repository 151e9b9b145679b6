package io.featuremon.cli;

import io.featuremon.replay.CsvOptions;
import io.featuremon.replay.InputFormat;
import io.featuremon.replay.ReplayInput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** The input file of replay and profile, and how to read it: the format and, for CSV, what the columns are. */
final class InputOptions {
  @Option(names = "--input", required = true, paramLabel = "FILE",
      description = "Events: JSON Lines (*.jsonl, *.json, *.ndjson: one event object a line) or CSV (*.csv, *.tsv:"
          + " a header row, then one row of tabular features a line).")
  Path input;

  @Option(names = "--format", paramLabel = "jsonl|csv",
      description = "Read --input as this whatever its name (default: by its name; JSON Lines when the name says"
          + " neither).")
  String format;

  @Option(names = "--model", paramLabel = "NAME",
      description = "CSV: the model of every row, for a file without a model column.")
  String model;

  @Option(names = "--column", paramLabel = "NAME=KIND",
      description = "CSV: what a column is, over its name or values; repeatable. KIND: numeric, categorical, model,"
          + " segment, time, ingest-time, id, ignore. Example: --column zip=categorical")
  Map<String, String> columns = new LinkedHashMap<>();

  @Option(names = "--missing", paramLabel = "TEXT", split = ",",
      description = "CSV: a cell text that means a missing value, like an empty cell; repeatable or comma-separated."
          + " Example: --missing NA,null")
  List<String> missing = new ArrayList<>();

  @Option(names = "--delimiter", paramLabel = "CHAR",
      description = "CSV: the cell separator (default: a comma; a tab for *.tsv). One character, or tab.")
  String delimiter;

  /** The input as given; notes about reading it (what each CSV column was taken to be) go to {@code notes}. */
  ReplayInput resolve(Consumer<String> notes) throws IOException {
    LineProgress.readable(input);
    InputFormat f = format == null ? InputFormat.of(input) : InputFormat.parse(format);
    Map<String, CsvOptions.Kind> kinds = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : columns.entrySet()) {
      try {
        kinds.put(e.getKey(), CsvOptions.Kind.parse(e.getValue()));
      } catch (IllegalArgumentException x) {
        throw new IllegalArgumentException("--column " + e.getKey() + "=" + e.getValue() + ": " + x.getMessage());
      }
    }
    CsvOptions csv = new CsvOptions(model, kinds, new LinkedHashSet<>(missing), delimiter());
    return new ReplayInput(input, f, csv, ReplayInput.MAX_CHARS, notes);
  }

  private Character delimiter() {
    if (delimiter == null) {
      return null;
    }
    if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) {
      return '\t';
    }
    if (delimiter.length() != 1 || delimiter.equals("\"") || delimiter.equals("\n") || delimiter.equals("\r")) {
      throw new IllegalArgumentException("--delimiter '" + delimiter + "': one character (not a quote or a line"
          + " break), or tab");
    }
    return delimiter.charAt(0);
  }
}
