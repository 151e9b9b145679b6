package io.featuremon.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Reading a replay's or backtest's output directory back, for the commands that work on one after the run
 * ({@code score}, {@code report}): its JSON Lines files and its what-if sets.
 */
public final class OutputFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputFiles() {}

  /** The what-if sets of {@code outDir}: name → its alerts file, by name (a directory keeps no other order). */
  public static Map<String, Path> whatIfSets(Path outDir) throws IOException {
    Path dir = outDir.resolve(Replay.WHAT_IF_DIR);
    Map<String, Path> files = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return files;
    }
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir, "*" + Replay.WHAT_IF_SUFFIX)) {
      for (Path p : list) {
        String name = p.getFileName().toString();
        files.put(name.substring(0, name.length() - Replay.WHAT_IF_SUFFIX.length()), p);
      }
    }
    return files;
  }

  /**
   * Each non-blank line of a JSON Lines output file, streamed.
   *
   * @throws IOException naming the file and line when a line is not JSON (the wrong directory, most likely)
   */
  public static void forEachLine(Path file, Consumer<JsonNode> each) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = reader.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IOException(file + " line " + n + " is not JSON (" + e.getOriginalMessage() + "): is this the"
              + " --out directory of a replay or a backtest?", e);
        }
        each.accept(node);
      }
    }
  }
}
