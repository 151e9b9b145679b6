package io.featuremon.replay;

import java.io.Closeable;
import java.io.IOException;

/**
 * Where a replay's events come from: the lines of a JSON Lines file or the rows of a CSV file. Public for the
 * file source connector (featuremon-connectors), which reads files the way replay does.
 */
public interface EventSource extends Closeable {

  /**
   * One record of the input, found on {@code line}: an event, or the record's text and why it is not one (it
   * becomes a parse-stage dead letter).
   */
  record Item(long line, JsonlEvent event, String text, String failure) {
    static Item failure(long line, String text, String reason) {
      return new Item(line, null, text, reason);
    }
  }

  /** The next record, or null at the end of the input. */
  Item next() throws IOException;

  /** Physical lines of the file read so far. */
  long lines();
}
