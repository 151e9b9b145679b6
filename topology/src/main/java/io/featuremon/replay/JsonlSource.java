package io.featuremon.replay;

import java.io.IOException;
import java.nio.file.Path;

/** The events of a JSON Lines file: one per non-blank line (see {@link JsonlEvent}). */
final class JsonlSource implements EventSource {
  private final LineReader lines;
  private final int maxChars;

  JsonlSource(Path path, int maxChars) throws IOException {
    this.lines = new LineReader(path, maxChars);
    this.maxChars = maxChars;
  }

  @Override
  public Item next() throws IOException {
    LineReader.Line line;
    do {
      line = lines.next();
      if (line == null) {
        return null;
      }
    } while (!line.tooLong() && line.text().isBlank());
    if (line.tooLong()) {
      return Item.failure(line.number(), line.text(), "line of " + line.length() + " characters, more than "
          + maxChars + " (its first " + line.text().length() + " are in this dead letter's value)");
    }
    try {
      return new Item(line.number(), JsonlEvent.parse(line.text()), line.text(), null);
    } catch (JsonlEvent.MalformedLineException e) {
      return Item.failure(line.number(), line.text(), e.getMessage());
    }
  }

  @Override
  public long lines() {
    return lines.lines();
  }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
