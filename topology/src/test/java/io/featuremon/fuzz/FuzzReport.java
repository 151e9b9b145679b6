package io.featuremon.fuzz;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a fuzz run found: the accounting of every input record, crashes, and every failed check with examples.
 * {@link #summaryLine()} is the one line a run prints; {@link #describe()} is the failure message.
 */
public final class FuzzReport {
  /** Examples kept per failure category; the count covers all. */
  static final int EXAMPLES = 8;

  /** Failure categories, in the order they are reported. */
  public static final String CRASH = "crash";
  public static final String STUCK = "not caught up";
  public static final String UNACCOUNTED = "unaccounted (neither dead-lettered nor counted in a closed window)";
  public static final String VALID_DEAD = "valid record dead-lettered";
  public static final String REFUSED_COUNTED = "record that must be refused was accepted";
  public static final String OVERCOUNTED = "window counts more events than were accepted for it";
  public static final String DEAD_LETTER = "dead letter inconsistent with its input record";
  public static final String CLEAN_MISMATCH = "valid model's results differ from a clean run";
  public static final String QUALITY = "quality counts more refused events than were refused";
  public static final String HARNESS = "harness could not check";

  private static final class Failures {
    int count;
    final List<String> examples = new ArrayList<>();
  }

  private final String name;
  private final FuzzSettings settings;
  private final Map<String, Failures> failures = new LinkedHashMap<>();
  final Map<String, Integer> deadByCode = new TreeMap<>();
  /** Valid records dead-lettered, by reason code and the mutation of their model that came first. */
  final Map<String, Integer> validDeadBy = new TreeMap<>();
  final Map<MutationKind, int[]> perKind = new EnumMap<>(MutationKind.class);
  int inputs;
  int embeddings;
  int features;
  int contributed;
  int deadLettered;
  int unaccounted;
  /** Records the application never got to (it crashed before them): not accounted for either way. */
  int notProcessed;
  /** Accepted records whose windows were still open when a run that did not finish was checked. */
  int openWindows;
  int crashes;
  int closers;
  int validGroups;
  int validGroupsMatching;
  long elapsedMs;
  final List<String> crashDetails = new ArrayList<>();

  FuzzReport(String name, FuzzSettings settings) {
    this.name = name;
    this.settings = settings;
    for (String category : List.of(CRASH, STUCK, UNACCOUNTED, VALID_DEAD, REFUSED_COUNTED, OVERCOUNTED, DEAD_LETTER,
        CLEAN_MISMATCH, QUALITY, HARNESS)) {
      failures.put(category, new Failures());
    }
  }

  void fail(String category, String example) {
    fail(category, () -> example);
  }

  /** As {@link #fail(String, String)}; the example is only built while examples are still kept. */
  void fail(String category, java.util.function.Supplier<String> example) {
    Failures f = failures.get(category);
    f.count++;
    if (f.examples.size() < EXAMPLES) {
      f.examples.add(example.get());
    }
  }

  /** Adds to the count of a category without an example (the caller reported one for the group). */
  void failQuietly(String category, int count) {
    failures.get(category).count += count;
  }

  /** Records seen per kind: [records, dead-lettered, accepted]. */
  void countKind(MutationKind kind, boolean dead) {
    int[] c = perKind.computeIfAbsent(kind, k -> new int[3]);
    c[0]++;
    c[dead ? 1 : 2]++;
  }

  public int failureCount(String category) {
    return failures.get(category).count;
  }

  public boolean ok() {
    return failures.values().stream().allMatch(f -> f.count == 0);
  }

  public int unaccounted() {
    return unaccounted;
  }

  public int crashes() {
    return crashes;
  }

  public String summaryLine() {
    return String.format("FUZZ %s seed=%d records=%d inputs=%d (embeddings %d, features %d) contributed=%d"
            + " dead-lettered=%d %s unaccounted=%d crashes=%d%s | valid-dead-lettered=%d refused-but-accepted=%d"
            + " overcounted=%d dead-letter-errors=%d clean-run-mismatches=%s | closers=%d | %.1f s%s",
        name, settings.seed(), settings.records(), inputs, embeddings, features, contributed, deadLettered, deadByCode,
        unaccounted, crashes, notProcessed + openWindows == 0 ? ""
            : " (run stopped: not-processed=" + notProcessed + " in-open-windows=" + openWindows + ")", failureCount(VALID_DEAD), failureCount(REFUSED_COUNTED), failureCount(OVERCOUNTED),
        failureCount(DEAD_LETTER), validGroups == 0 ? "not-compared"
            : (validGroups - validGroupsMatching) + "/" + validGroups + "-valid-models", closers, elapsedMs / 1000.0,
        settings.kindFlag().isEmpty() ? "" : " |" + settings.kindFlag());
  }

  /** Records, dead-lettered and accepted per kind, one line per kind. */
  public String kindTable() {
    StringBuilder s = new StringBuilder(String.format("  %-26s %8s %8s %8s  %s%n", "kind", "records", "dead", "accepted",
        "expected"));
    perKind.forEach((k, c) -> s.append(String.format("  %-26s %8d %8d %8d  %s%n", k, c[0], c[1], c[2],
        k.expect().name().toLowerCase())));
    return s.toString();
  }

  /** The failure message: summary, every failed check with examples, crash details and how to rerun. */
  public String describe() {
    StringBuilder s = new StringBuilder(summaryLine()).append('\n');
    failures.forEach((category, f) -> {
      if (f.count > 0) {
        s.append(f.count).append(" x ").append(category).append(":\n");
        if (category.equals(VALID_DEAD)) {
          s.append("  by reason and the first accepted (else latest) mutation of the model before them: ")
              .append(validDeadBy).append('\n');
        }
        for (String e : f.examples) {
          s.append("  - ").append(e.replace("\n", "\n    ")).append('\n');
        }
        if (f.count > f.examples.size()) {
          s.append("  ... and ").append(f.count - f.examples.size()).append(" more\n");
        }
      }
    });
    for (String detail : crashDetails) {
      s.append(detail).append('\n');
    }
    s.append(kindTable());
    s.append("Rerun with: ").append(settings.rerunFlags()).append('\n');
    return s.toString();
  }
}
