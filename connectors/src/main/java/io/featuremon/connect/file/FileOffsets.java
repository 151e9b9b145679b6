package io.featuremon.connect.file;

import java.nio.file.Path;
import java.util.Map;

/**
 * The one layout of this connector's source partitions and offsets, written and read here only.
 *
 * <p>Partition: {@code {"file": "<absolute path>"}}. Offset: {@code {"line": N}}, the line (from 1) on which the
 * last record produced from the file starts. Each record (an event, or with parse.errors.topic a parse error)
 * starts on its own line and they come in increasing line order (a CSV row spanning lines is on its first line), so
 * "every record on a line after N" is exactly what remains to produce. Under exactly-once support the offset is
 * committed in the same transaction as the records, so after a crash the worker's offset and the topic agree.
 */
final class FileOffsets {
  static final String FILE = "file";
  static final String LINE = "line";

  private FileOffsets() {}

  static Map<String, String> partition(Path file) {
    return Map.of(FILE, file.toString());
  }

  static Map<String, Long> offset(long line) {
    return Map.of(LINE, line);
  }

  /**
   * The line after which reading resumes: 0 when nothing of the file was produced (no stored offset).
   *
   * @throws IllegalArgumentException for an offset that is not this layout (altered by hand, or another connector's)
   */
  static long resumeAfter(Map<String, ?> stored) {
    if (stored == null || stored.isEmpty()) {
      return 0;
    }
    Object line = stored.get(LINE);
    // The worker's JSON offset store gives back integers as Long or Integer, depending on their size.
    if (!(line instanceof Number n) || n.longValue() < 0 || stored.size() != 1
        || (line instanceof Double || line instanceof Float)) {
      throw new IllegalArgumentException("offset " + stored + " is not {\"" + LINE + "\": <line number >= 0>}");
    }
    return n.longValue();
  }

  /** Checks a partition key (for alterOffsets): {"file": "<absolute path>"}. */
  static void checkPartition(Map<String, ?> partition) {
    if (partition == null || partition.size() != 1 || !(partition.get(FILE) instanceof String file)
        || !Path.of(file).isAbsolute()) {
      throw new IllegalArgumentException("partition " + partition + " is not {\"" + FILE + "\": \"<absolute path>\"}");
    }
  }

  /** True when a record on {@code line} was already produced, given the stored offset {@code resumeAfter}. */
  static boolean alreadyProduced(long line, long resumeAfter) {
    return line <= resumeAfter;
  }

  /**
   * Which task reads a file: the file's place in the files list, or a hash of its name for a directory, modulo the
   * number of tasks. Stable over restarts (String.hashCode is specified), so a file's offsets stay with one task.
   */
  static int owner(Path file, int indexInList, int taskCount) {
    int h = indexInList >= 0 ? indexInList : file.getFileName().toString().hashCode();
    return Math.floorMod(h, taskCount);
  }
}
