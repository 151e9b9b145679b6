package io.featuremon.replay;

import io.featuremon.config.FeaturemonConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * An input file of replay or profile, with how to read it: its format, the CSV options, the longest line (or CSV
 * row) it may have, and where notes about the reading go (for a CSV file: what each column was taken to be).
 */
public record ReplayInput(Path path, InputFormat format, CsvOptions csv, int maxChars, Consumer<String> notes) {

  /**
   * The longest line of JSON Lines, and the longest CSV row, in characters: 16 Mi, far beyond any event
   * {@code input.max.record.bytes} admits, while a file that is not text (one endless line) cannot fill the heap.
   */
  public static final int MAX_CHARS = 16 * 1024 * 1024;

  /** The file in the format its name says, with no CSV options. */
  public static ReplayInput of(Path path) {
    return new ReplayInput(path, InputFormat.of(path), CsvOptions.DEFAULT, MAX_CHARS, note -> {});
  }

  public ReplayInput {
    if (format == InputFormat.JSONL && !csv.isDefault()) {
      throw new IllegalArgumentException("--model, --column, --missing and --delimiter are for CSV input, and " + path
          + " is read as JSON Lines (by its name; --format csv reads it as CSV)");
    }
  }

  /** Opens the file; a CSV file's header is read and, unless every feature's type is given, its column types. */
  EventSource open(FeaturemonConfig config) throws IOException {
    return open(config.maxFeatures());
  }

  /**
   * As {@link #open(FeaturemonConfig)} with only the setting reading needs ({@code input.max.features}: a CSV file
   * with more feature columns is refused at its header). Items come in increasing line order, each on its own
   * first line, so a line number is a resume point. The file source connector uses this one: it needs no
   * FeaturemonConfig (which would bring Kafka Streams' config classes onto a Connect worker).
   */
  public EventSource open(int maxFeatures) throws IOException {
    return format == InputFormat.CSV ? CsvEvents.open(this, maxFeatures) : new JsonlSource(path, maxChars);
  }
}
