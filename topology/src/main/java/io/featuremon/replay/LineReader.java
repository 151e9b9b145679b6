package io.featuremon.replay;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The physical lines of a UTF-8 text file, as {@link java.io.BufferedReader#readLine} splits them ({@code \n},
 * {@code \r\n} or a lone {@code \r}), with a bound: a line longer than {@code maxChars} keeps only its first
 * {@link #KEPT_OF_LONG_LINE} characters (for the dead letter), is flagged, and the rest of it is read past without
 * being held. A byte-order mark at the start of the file is dropped (spreadsheets write one). Bytes that are not
 * UTF-8 stop the read with the line number, not a decoder's bare "Input length = 1".
 */
final class LineReader implements Closeable {
  /** How much of a too-long line is kept. */
  static final int KEPT_OF_LONG_LINE = 1_000;

  /**
   * One line: its number (from 1), its text without the terminator, the terminator ({@code ""} at the end of the
   * file), its full length in characters and whether that was more than the bound (then text is a prefix).
   */
  record Line(long number, String text, String terminator, long length, boolean tooLong) {}

  private final Path path;
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final ByteBuffer bytes = ByteBuffer.allocate(65_536).flip();
  private final int maxChars;
  private final char[] buffer = new char[65_536];
  private int position;
  private int limit;
  private long number;
  private boolean started;
  private boolean endOfBytes;
  private boolean flushed;
  private boolean malformed;

  LineReader(Path path, int maxChars) throws IOException {
    this.path = path;
    this.in = Files.newInputStream(path);
    this.maxChars = maxChars;
  }

  /** The next line, or null at the end of the file. */
  Line next() throws IOException {
    if (!fill(number + 1)) {
      return null;
    }
    if (!started) {
      started = true;
      if (buffer[position] == '\uFEFF') {
        position++;
      }
    }
    number++;
    StringBuilder text = new StringBuilder();
    long length = 0;
    String terminator = "";
    while (fill(number)) {
      int start = position;
      int end = start;
      while (end < limit && buffer[end] != '\n' && buffer[end] != '\r') {
        end++;
      }
      int run = end - start;
      if (length < maxChars) {
        text.append(buffer, start, (int) Math.min(run, maxChars - length));
      }
      length += run;
      position = end;
      if (end < limit) {
        char c = buffer[position++];
        if (c == '\r' && fill(number + 1) && buffer[position] == '\n') {
          position++;
          terminator = "\r\n";
        } else {
          terminator = c == '\n' ? "\n" : "\r";
        }
        break;
      }
    }
    boolean tooLong = length > maxChars;
    String kept = tooLong ? text.substring(0, Math.min(text.length(), KEPT_OF_LONG_LINE)) : text.toString();
    return new Line(number, kept, terminator, length, tooLong);
  }

  /** Lines returned so far. */
  long lines() {
    return number;
  }

  /**
   * True when at least one character is buffered. Characters before a byte that is not UTF-8 are all delivered;
   * the error comes when the reader reaches it, so that {@code line} is the line it is on.
   */
  private boolean fill(long line) throws IOException {
    while (position >= limit) {
      if (malformed) {
        throw new IOException(path + ": line " + line + " is not UTF-8; featuremon reads UTF-8 text (a spreadsheet"
            + " saves it as 'CSV UTF-8')");
      }
      if (flushed) {
        return false;
      }
      CharBuffer out = CharBuffer.wrap(buffer);
      CoderResult result = decoder.decode(bytes, out, endOfBytes);
      if (result.isError()) {
        malformed = true;
      } else if (result.isUnderflow()) {
        if (endOfBytes) {
          decoder.flush(out);
          flushed = true;
        } else {
          bytes.compact();
          int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
          if (n < 0) {
            endOfBytes = true;
          } else {
            bytes.position(bytes.position() + n);
          }
          bytes.flip();
        }
      }
      position = 0;
      limit = out.position();
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
