package io.featuremon.replay;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The records of a CSV file as RFC 4180 has them: cells separated by the delimiter; a cell that starts with a
 * double quote is quoted, may hold delimiters, line breaks (kept as written) and quotes written twice, and ends at
 * the next lone quote. A quote inside an unquoted cell is an ordinary character (as Python's csv module and
 * spreadsheets read it). Blank lines between records are skipped.
 *
 * <p>Bounded: a record may be at most {@code maxChars} characters, its line breaks included. A bad record (text
 * after a closing quote, a quote still open at the end of the file or past the bound, a line past the bound, once
 * the header is known a wrong number of cells) is returned with its reason instead of its cells. Reading goes on
 * after it. A bad record that spans lines is most likely a quote left open that ran on until another quote closed
 * it (or the file or the bound ended it): it is one bad record on its first line, and reading resumes on the line
 * after that one, so an unmatched quote costs one row, not the rows it swallowed.
 */
final class CsvRecords implements Closeable {

  /**
   * One record: the line it starts on, its cells (null when it is bad), its text as in the file (a prefix for a
   * line past the bound; the first line of a bad record that spans lines) and, for a bad record, why.
   */
  record Row(long line, List<String> cells, String text, String error) {}

  private final LineReader lines;
  private final char delimiter;
  private final int maxChars;
  /** Lines read ahead and given back by a record whose quote did not close, read again before new ones. */
  private final Deque<LineReader.Line> again = new ArrayDeque<>();
  /** Cells a record must have (the header's), once known; 0 before. */
  private int expectedCells;

  CsvRecords(Path path, char delimiter, int maxChars) throws IOException {
    this.lines = new LineReader(path, maxChars);
    this.delimiter = delimiter;
    this.maxChars = maxChars;
  }

  /** From now on, a record spanning lines with another number of cells is bad, and reading resumes after its first. */
  void expectCells(int cells) {
    this.expectedCells = cells;
  }

  /** Physical lines read from the file so far. */
  long linesRead() {
    return lines.lines();
  }

  /** The next record, or null at the end of the file. */
  Row next() throws IOException {
    LineReader.Line first;
    do {
      first = nextLine();
      if (first == null) {
        return null;
      }
    } while (!first.tooLong() && first.text().isBlank());
    if (first.tooLong()) {
      return new Row(first.number(), null, first.text(), "line of " + first.length()
          + " characters, more than " + maxChars + " (its first " + first.text().length() + " are in this dead"
          + " letter's value)");
    }
    List<LineReader.Line> used = new ArrayList<>(1);
    used.add(first);
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    String error = null;
    State state = State.CELL_START;
    long chars = first.length();
    LineReader.Line line = first;
    while (true) {
      String text = line.text();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (state) {
          case CELL_START -> {
            if (c == '"') {
              state = State.QUOTED;
            } else if (c == delimiter) {
              cells.add("");
            } else {
              cell.append(c);
              state = State.UNQUOTED;
            }
          }
          case UNQUOTED -> {
            if (c == delimiter) {
              cells.add(cell.toString());
              cell.setLength(0);
              state = State.CELL_START;
            } else {
              cell.append(c);
            }
          }
          case QUOTED -> {
            if (c == '"') {
              state = State.QUOTE_IN_QUOTED;
            } else {
              cell.append(c);
            }
          }
          case QUOTE_IN_QUOTED -> {
            if (c == '"') {
              cell.append('"');
              state = State.QUOTED;
            } else if (c == delimiter) {
              cells.add(cell.toString());
              cell.setLength(0);
              state = State.CELL_START;
            } else {
              if (error == null) {
                error = "cell " + (cells.size() + 1) + " has text after its closing quote ('" + abbreviate(cell)
                    + "\"" + c + "...'); a quote inside a quoted cell is written twice (\"\")";
              }
              cell.append(c);
              state = State.UNQUOTED;
            }
          }
        }
      }
      if (state != State.QUOTED) {
        break;
      }
      // A quoted cell goes on past the end of this line: the line break is part of its value.
      LineReader.Line more = nextLine();
      if (more == null || more.tooLong() || chars + line.terminator().length() + more.length() > maxChars) {
        if (more != null) {
          used.add(more);
        }
        readAgainAfterFirst(used);
        String where = more == null ? "the end of the file" : more.tooLong() ? "line " + more.number()
            + ", longer than " + maxChars + " characters" : "the bound of " + maxChars + " characters a row"
            + " (line " + more.number() + ")";
        return new Row(first.number(), null, first.text(), "cell " + (cells.size() + 1)
            + " opens a quote that is still open at " + where + "; is a quote missing? (a quote inside a quoted"
            + " cell is written twice; reading goes on at line " + (first.number() + 1) + ")");
      }
      cell.append(line.terminator());
      chars += line.terminator().length() + more.length();
      used.add(more);
      line = more;
    }
    cells.add(cell.toString());
    if (used.size() > 1 && (error != null || (expectedCells > 0 && cells.size() != expectedCells))) {
      readAgainAfterFirst(used);
      String what = error != null
          ? "a quoted cell opened on line " + first.number() + " runs to line " + line.number() + ", where text"
              + " follows its closing quote"
          : "row of " + cells.size() + (cells.size() == 1 ? " cell" : " cells") + ", the header has " + expectedCells
              + ", with a quoted cell from line " + first.number() + " to line " + line.number();
      return new Row(first.number(), null, first.text(), what + "; is a quote missing on line " + first.number()
          + "? (a quote inside a quoted cell is written twice; reading goes on at line " + (first.number() + 1) + ")");
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < used.size(); i++) {
      text.append(used.get(i).text()).append(i + 1 < used.size() ? used.get(i).terminator() : "");
    }
    return new Row(first.number(), error == null ? cells : null, text.toString(), error);
  }

  /** Gives back every line of a bad record but its first, to be read again as new records. */
  private void readAgainAfterFirst(List<LineReader.Line> used) {
    for (int i = used.size() - 1; i >= 1; i--) {
      again.addFirst(used.get(i));
    }
  }

  private LineReader.Line nextLine() throws IOException {
    return again.isEmpty() ? lines.next() : again.pollFirst();
  }

  private static String abbreviate(CharSequence s) {
    return s.length() <= 20 ? s.toString() : "..." + s.subSequence(s.length() - 17, s.length());
  }

  private enum State { CELL_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED }

  @Override
  public void close() throws IOException {
    lines.close();
  }
}
