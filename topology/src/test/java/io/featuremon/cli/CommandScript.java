package io.featuremon.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs featuremon commands one after the other in one JVM, for tests that start a child JVM (another JDK) and want
 * several commands without paying for a JVM start each: {@code CommandScript FILE}, one command a line, its
 * arguments separated by tabs. Prints the JVM's version first; exits with the first non-zero status.
 */
public final class CommandScript {
  private CommandScript() {}

  public static void main(String[] args) throws Exception {
    System.out.println("java.version=" + System.getProperty("java.version"));
    List<String> lines = Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8);
    for (String line : lines) {
      if (line.isBlank()) {
        continue;
      }
      int exit = Main.commandLine().execute(line.split("\t"));
      if (exit != 0) {
        System.out.println("exit " + exit + ": " + line.replace('\t', ' '));
        System.exit(exit);
      }
    }
    System.exit(0);
  }
}
