package io.featuremon.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/** What replay and profile share: a readable --input, and "N lines read" on stderr while a long file runs. */
final class LineProgress implements Consumer<Long> {
  private final PrintWriter err;

  LineProgress(PrintWriter err) {
    this.err = err;
  }

  static Path readable(Path input) throws IOException {
    if (!Files.isReadable(input)) {
      throw new IOException("cannot read --input " + input);
    }
    return input;
  }

  @Override
  public void accept(Long lines) {
    err.printf("\r  %,d lines read", lines);
    err.flush();
  }

  void done() {
    err.println();
  }
}
