package io.featuremon.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.avro.DeadLetter;
import io.featuremon.avro.WindowStats;
import io.featuremon.config.FeaturemonConfig;
import io.featuremon.fuzz.FuzzGenerator.ValidModel;
import io.featuremon.fuzz.FuzzTarget.Coordinates;
import io.featuremon.fuzz.FuzzTarget.Crash;
import io.featuremon.replay.Replay;
import io.featuremon.serdes.AvroJson;
import io.featuremon.topology.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One fuzz run against a {@link FuzzTarget}: generate, send, close every group's windows, then check.
 *
 * <ol>
 *   <li>The {@link FuzzGenerator} input goes to the target; the run waits until it is processed.</li>
 *   <li>Every group that accepted a record gets a closer: an event one window (plus grace) after its last accepted
 *       event, so every window that holds an input record closes and reports its count. Closers are not inputs.</li>
 *   <li>Accounting: every input record (topic, partition, offset) is either in exactly one dead letter with a reason,
 *       or counted: per (model, segment, type) and window, the WindowStats {@code count} must equal the records that
 *       were not dead-lettered and whose event time (as {@link FuzzCodec#decode} reads it) falls in the window.</li>
 *   <li>Clean run: the valid records of the valid models (and the same closers) through {@link Replay}; each valid
 *       model's window stats, masks and alerts must be byte-identical to the fuzzed run's, except
 *       {@code quality.rejected} and {@code quality.nonFinite}, which count the refused records mixed in.</li>
 * </ol>
 */
public final class FuzzRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** After a crash with no culprit named: how many records after each partition's first unprocessed one to list. */
  private static final int SUSPECTS_AFTER = 20;

  private final String name;
  private final FuzzSettings settings;
  private final FuzzTarget target;
  private final Path workDir;
  private final FeaturemonConfig config;
  private final long windowMs;
  private final long graceMs;
  private final FuzzReport report;

  private FuzzCodec codec;
  private FuzzGenerator.Input input;
  private List<FuzzRecord> records;
  private final Map<Coordinates, FuzzRecord> byCoordinates = new HashMap<>();
  private final Map<Integer, Coordinates> coordinatesOf = new HashMap<>();
  private final List<FuzzRecord> closers = new ArrayList<>();
  private final Map<Integer, Coordinates> closerCoordinates = new HashMap<>();
  private final Map<Integer, DeadLetter> deadLetterOf = new HashMap<>();
  /** Accepted records per (group, window start). */
  private final Map<GroupWindow, List<FuzzRecord>> accepted = new TreeMap<>();
  /** The window start of the first closer of each group. */
  private final Map<Group, Long> cutoff = new HashMap<>();

  /** (model, segment, type) as the outputs name it. */
  record Group(String model, String segment, String type) implements Comparable<Group> {
    static Group of(Event e) {
      return new Group(e.model(), e.segment(), e.type().label());
    }

    static Group of(JsonNode json) {
      JsonNode segment = json.get("segment");
      return new Group(json.get("model").asText(), segment == null || segment.isNull() ? null : segment.asText(),
          json.get("type").asText());
    }

    @Override
    public int compareTo(Group o) {
      int c = model.compareTo(o.model);
      if (c == 0) {
        c = Objects.compare(segment, o.segment, java.util.Comparator.nullsFirst(String::compareTo));
      }
      return c != 0 ? c : type.compareTo(o.type);
    }

    @Override
    public String toString() {
      return FuzzRecord.abbreviate(model) + (segment == null ? "" : "/" + FuzzRecord.abbreviate(segment)) + " (" + type + ")";
    }
  }

  record GroupWindow(Group group, long start) implements Comparable<GroupWindow> {
    @Override
    public int compareTo(GroupWindow o) {
      int c = group.compareTo(o.group);
      return c != 0 ? c : Long.compare(start, o.start);
    }

    @Override
    public String toString() {
      return group + " window " + Instant.ofEpochMilli(start);
    }
  }

  private FuzzRun(String name, FuzzSettings settings, FuzzTarget target, Path workDir) {
    this.name = name;
    this.settings = settings;
    this.target = target;
    this.workDir = workDir;
    this.config = target.config();
    this.windowMs = config.windowSize().toMillis();
    this.graceMs = config.windowGrace().toMillis();
    this.report = new FuzzReport(name, settings);
    if (!config.windowAdvance().equals(config.windowSize())) {
      throw new IllegalArgumentException("the fuzz accounting assumes tumbling windows");
    }
  }

  /** Runs the whole fuzz against {@code target}, prints the summary line and returns the report. */
  public static FuzzReport run(String name, FuzzSettings settings, FuzzTarget target, Path workDir) {
    return new FuzzRun(name, settings, target, workDir).run();
  }

  private FuzzReport run() {
    long start = System.nanoTime();
    System.out.printf("FUZZ %s starting: %s%n", name, settings.rerunFlags());
    codec = new FuzzCodec(target.registry(), config.embeddingsTopic(), config.featuresTopic());
    input = new FuzzGenerator(settings, codec, target.partitions()).generate();
    records = input.records();
    List<Coordinates> coordinates = target.send(records);
    for (FuzzRecord r : records) {
      Coordinates c = coordinates.get(r.index());
      byCoordinates.put(c, r);
      coordinatesOf.put(r.index(), c);
    }
    FuzzTarget.Progress progress = target.awaitProcessed(Duration.ofSeconds(120 + records.size() / 200));
    System.out.printf("FUZZ %s: %d records processed in %.1f s%n", name, records.size(), (System.nanoTime() - start) / 1e9);
    boolean phaseOneDone = progress.caughtUp();
    if (phaseOneDone) {
      sendClosers();
      progress = target.awaitProcessed(Duration.ofSeconds(120 + closers.size() / 50));
    }
    FuzzTarget.Progress finalProgress = progress;
    List<Crash> crashes = target.crashes();
    if (!progress.caughtUp() && crashes.isEmpty()) {
      report.fail(FuzzReport.STUCK, progress.lag());
    }
    reportCrashes(crashes);
    account(progress.processed(), progress.caughtUp(), crashes);
    dumpOutcomes(progress.processed());
    boolean validClosed = phaseOneDone && closers.stream().filter(c -> isValid(Group.of(c.event())))
        .allMatch(c -> finalProgress.processed().test(closerCoordinates.get(c.index())));
    if (validClosed) {
      try {
        compareWithCleanRun();
      } catch (RuntimeException e) {
        report.fail(FuzzReport.HARNESS, "the clean run failed: " + DriverTarget.chain(e));
        report.crashDetails.add("clean run failure:\n" + DriverTarget.stackTrace(e));
      }
    } else {
      report.fail(FuzzReport.HARNESS, "no clean-run comparison: the run stopped before every valid model's windows closed");
    }
    report.elapsedMs = (System.nanoTime() - start) / 1_000_000;
    System.out.println(report.summaryLine());
    System.out.print(report.kindTable());
    return report;
  }

  // ---------------------------------------------------------------- closers

  private Map<Integer, DeadLetter> deadLettersByInput() {
    Map<Integer, DeadLetter> letters = new HashMap<>();
    for (DeadLetter d : target.deadLetters()) {
      FuzzRecord r = byCoordinates.get(new Coordinates(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset()));
      if (r != null) {
        letters.putIfAbsent(r.index(), d);
      }
    }
    return letters;
  }

  /** One closer per group that accepted something (per dimension seen, for embeddings), sent after the input. */
  private void sendClosers() {
    Map<Integer, DeadLetter> dead = deadLettersByInput();
    Map<Group, long[]> lastTime = new TreeMap<>();
    Map<Group, Map<Integer, Integer>> dimensions = new HashMap<>();
    Map<Group, Event> sample = new HashMap<>();
    for (FuzzRecord r : records) {
      if (dead.containsKey(r.index())) {
        continue;
      }
      FuzzCodec.Decoded d = codec.decode(r.topic(), r.value());
      if (!d.ok() || d.event().model().isBlank()) {
        continue;
      }
      Group g = Group.of(d.event());
      lastTime.computeIfAbsent(g, k -> new long[] {Long.MIN_VALUE})[0] =
          Math.max(lastTime.get(g)[0], d.event().timestamp());
      sample.putIfAbsent(g, d.event());
      if (d.event().vector() != null) {
        dimensions.computeIfAbsent(g, k -> new LinkedHashMap<>()).merge(d.event().vector().length, 1, Integer::sum);
      }
    }
    Map<Group, Integer> canonical = new HashMap<>();
    for (ValidModel m : input.validModels()) {
      canonical.put(new Group(m.model(), m.segment(), m.type().label()), m.dimensions());
    }
    // A valid model's closer comes after its last valid event too, accepted or not: every window the clean run
    // closes must close in the fuzzed run.
    for (FuzzRecord r : records) {
      if (r.kind().expect() == MutationKind.Expect.CONTRIBUTES && canonical.containsKey(Group.of(r.event()))) {
        Group g = Group.of(r.event());
        lastTime.computeIfAbsent(g, k -> new long[] {Long.MIN_VALUE})[0] =
            Math.max(lastTime.get(g)[0], r.event().timestamp());
        sample.putIfAbsent(g, r.event());
      }
    }
    // A group's clock moves no further than its records' timestamps, and the broker takes record timestamps up to
    // 1 h ahead of its clock: closers may be stamped up to almost that.
    long latestRecordTime = settings.nowMs() + 55 * FuzzGenerator.MINUTE;
    // Where a group's stream time is the median of its latest 2q - 1 event times (window.close.quorum = q), q
    // closers in a row move it; one does where stream time is the latest event time.
    Object q = config.values().get("window.close.quorum");
    int quorum = q instanceof Integer n ? Math.max(1, n) : 1;
    // The valid models' closers first: a crash on another group's closer must not keep them from being compared.
    List<Map.Entry<Group, long[]>> ordered = new ArrayList<>(lastTime.entrySet());
    ordered.sort((a, b) -> Boolean.compare(!canonical.containsKey(a.getKey()), !canonical.containsKey(b.getKey())));
    for (Map.Entry<Group, long[]> e : ordered) {
      Group g = e.getKey();
      long time = Math.floorDiv(e.getValue()[0], windowMs) * windowMs + windowMs + graceMs;
      long recordTime = Math.min(time, latestRecordTime);
      if (time < 0 || time - recordTime > config.maxFuture().toMillis()) {
        report.fail(FuzzReport.HARNESS, "cannot close " + g + ": its last accepted event is at "
            + Instant.ofEpochMilli(e.getValue()[0]) + ", too far ahead for a closer the broker and featuremon accept");
        continue;
      }
      cutoff.put(g, Math.floorDiv(time, windowMs) * windowMs);
      Event first = sample.get(g);
      EventType type = first.type();
      List<Integer> dims = new ArrayList<>();
      if (type == EventType.EMBEDDING) {
        if (canonical.containsKey(g)) {
          dims.add(canonical.get(g));
        }
        dimensions.getOrDefault(g, Map.of()).entrySet().stream()
            .sorted((a, b) -> b.getValue() - a.getValue())
            .map(Map.Entry::getKey).filter(d -> !dims.contains(d)).limit(3).forEach(dims::add);
      } else {
        dims.add(0);
      }
      for (int d : dims) {
        Event closer = FuzzGenerator.closer(type, g.model(), g.segment(), time, d);
        byte[] value = codec.serialize(closer);
        for (int i = 0; i < quorum; i++) {
          closers.add(new FuzzRecord(closers.size(), type, Math.floorMod(g.model().hashCode(), target.partitions()),
              g.model().getBytes(StandardCharsets.UTF_8), value, recordTime, null, g.model(), closer,
              "closes " + g + " at " + Instant.ofEpochMilli(time), true));
        }
      }
    }
    List<Coordinates> sent = target.send(closers);
    for (FuzzRecord c : closers) {
      closerCoordinates.put(c.index(), sent.get(c.index()));
    }
    report.closers = closers.size();
  }

  private boolean isValid(Group g) {
    return input.validModels().stream()
        .anyMatch(m -> new Group(m.model(), m.segment(), m.type().label()).equals(g));
  }

  // ---------------------------------------------------------------- crashes

  private void reportCrashes(List<Crash> crashes) {
    Map<Coordinates, FuzzRecord> closerAt = new HashMap<>();
    closerCoordinates.forEach((i, c) -> closerAt.put(c, closers.get(i)));
    Function<Coordinates, String> describe = c -> {
      FuzzRecord r = byCoordinates.getOrDefault(c, closerAt.get(c));
      return c + (r == null ? " (not a fuzz record)" : " " + r.describe());
    };
    // One crash per input record (the first thing that went wrong with it); per distinct crash (numbers and names
    // blanked), the count and the first example, with its stack trace once.
    Map<String, List<Crash>> byKind = new LinkedHashMap<>();
    Set<Coordinates> culprits = new HashSet<>();
    for (Crash crash : crashes) {
      if (crash.culprit() != null && !culprits.add(crash.culprit())) {
        continue;
      }
      String kind = crash.what().replaceAll("'[^']*'", "_").replaceAll("\\d+", "N");
      FuzzRecord r = crash.culprit() == null ? null : byCoordinates.getOrDefault(crash.culprit(), closerAt.get(crash.culprit()));
      kind += " | " + (r == null ? "" : r.closer() ? "CLOSER" : r.kind().name());
      byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(crash);
    }
    for (List<Crash> same : byKind.values()) {
      Crash crash = same.get(0);
      report.crashes += same.size();
      StringBuilder s = new StringBuilder(same.size() > 1 ? same.size() + " times: " : "").append(crash.what());
      if (crash.culprit() != null) {
        s.append("\n  while processing ").append(describe.apply(crash.culprit()));
        if (same.size() > 1) {
          s.append("\n  (also ").append(same.subList(1, Math.min(4, same.size())).stream()
              .map(c -> describe.apply(c.culprit())).toList()).append(same.size() > 4 ? " ...)" : ")");
        }
      }
      if (!crash.suspects().isEmpty()) {
        s.append("\n  first records not processed (the culprit is among the records from these on):");
        for (Coordinates c : crash.suspects()) {
          if (!byCoordinates.containsKey(c) && !closerAt.containsKey(c)) {
            continue; // nothing left in that partition
          }
          s.append("\n    ").append(describe.apply(c));
          Set<String> next = new java.util.TreeSet<>();
          for (long o = c.offset() + 1; o <= c.offset() + SUSPECTS_AFTER; o++) {
            Coordinates at = new Coordinates(c.topic(), c.partition(), o);
            FuzzRecord r = byCoordinates.getOrDefault(at, closerAt.get(at));
            if (r != null && r.kind() != MutationKind.VALID) {
              next.add(r.closer() ? "CLOSER of " + FuzzRecord.abbreviate(r.model()) : r.kind().name());
            }
          }
          if (!next.isEmpty()) {
            s.append("; mutations in the next ").append(SUSPECTS_AFTER).append(": ").append(next);
          }
        }
      }
      report.fail(FuzzReport.CRASH, s.toString());
      report.failQuietly(FuzzReport.CRASH, same.size() - 1);
      if (!crash.context().isBlank()) {
        report.crashDetails.add("crash detail (" + crash.what().substring(0, Math.min(160, crash.what().length())) + "):\n"
            + crash.context());
      }
    }
  }

  // ---------------------------------------------------------------- accounting

  private void account(java.util.function.Predicate<Coordinates> processed, boolean finished, List<Crash> crashes) {
    Set<Coordinates> crashed = new HashSet<>();
    crashes.forEach(c -> crashed.add(c.culprit()));
    Map<Coordinates, FuzzRecord> closerAt = new HashMap<>();
    closerCoordinates.forEach((i, c) -> closerAt.put(c, closers.get(i)));
    Map<Integer, List<DeadLetter>> letters = new HashMap<>();
    for (DeadLetter d : target.deadLetters()) {
      Coordinates c = new Coordinates(d.getSourceTopic(), d.getSourcePartition(), d.getSourceOffset());
      FuzzRecord r = byCoordinates.get(c);
      if (r != null) {
        letters.computeIfAbsent(r.index(), k -> new ArrayList<>()).add(d);
      } else if (!closerAt.containsKey(c)) {
        report.fail(FuzzReport.DEAD_LETTER, "dead letter for " + c + ", which is no input record: " + d.getStage() + ": "
            + abbreviate(d.getReason()));
      }
    }
    for (FuzzRecord r : records) {
      if (r.topic() == EventType.EMBEDDING) {
        report.embeddings++;
      } else {
        report.features++;
      }
      report.inputs++;
      Coordinates c = coordinatesOf.get(r.index());
      List<DeadLetter> mine = letters.get(r.index());
      if (mine == null && !processed.test(c)) {
        report.notProcessed++;
        continue;
      }
      report.countKind(r.kind(), mine != null);
      if (mine != null) {
        DeadLetter d = mine.get(0);
        deadLetterOf.put(r.index(), d);
        report.deadLettered++;
        report.deadByCode.merge(ReasonCodes.code(d.getStage(), d.getReason()), 1, Integer::sum);
        if (mine.size() > 1) {
          report.fail(FuzzReport.DEAD_LETTER, c + " " + r.describe() + " is dead-lettered " + mine.size() + " times: "
              + mine.stream().map(x -> x.getStage() + ": " + abbreviate(x.getReason())).toList());
        }
        if (d.getReason() == null || d.getReason().isBlank() || d.getStage() == null || d.getStage().isBlank()) {
          report.fail(FuzzReport.DEAD_LETTER, c + " " + r.describe() + ": dead letter without stage or reason");
        }
        if (d.getRecordTimestamp() != r.recordTimestamp()) {
          report.fail(FuzzReport.DEAD_LETTER, c + " " + r.describe() + ": dead letter says record timestamp "
              + d.getRecordTimestamp() + ", the record has " + r.recordTimestamp());
        }
        if (r.kind().expect() == MutationKind.Expect.CONTRIBUTES) {
          report.fail(FuzzReport.VALID_DEAD, () -> c + " " + r.describe() + " event time "
              + Instant.ofEpochMilli(r.event().timestamp()) + ": " + d.getStage() + ": " + abbreviate(d.getReason())
              + describeCause(r));
          FuzzRecord cause = cause(r);
          report.validDeadBy.merge(ReasonCodes.code(d.getStage(), d.getReason()) + " after "
              + (cause == null ? "no mutation" : (deadLetterOf.containsKey(cause.index()) ? "refused " : "accepted ")
              + cause.kind()), 1, Integer::sum);
        }
        noteMutation(r, true);
        continue;
      }
      noteMutation(r, false);
      FuzzCodec.Decoded decoded = codec.decode(r.topic(), r.value());
      if (!decoded.ok()) {
        report.unaccounted++;
        report.fail(FuzzReport.UNACCOUNTED, c + " " + r.describe() + ": no dead letter, yet not an event: "
            + decoded.failure() + (crashed.contains(c) ? " (its processing crashed)" : ""));
        if (r.kind().expect() == MutationKind.Expect.REFUSED && !crashed.contains(c)) {
          report.fail(FuzzReport.REFUSED_COUNTED, c + " " + r.describe() + " was not dead-lettered, though it is no"
              + " event (" + decoded.failure() + "): featuremon decoded it as one");
        }
        continue;
      }
      Event e = decoded.event();
      accepted.computeIfAbsent(new GroupWindow(Group.of(e), Math.floorDiv(e.timestamp(), windowMs) * windowMs),
          k -> new ArrayList<>()).add(r);
    }

    Map<GroupWindow, WindowStats> windows = new TreeMap<>();
    for (WindowStats s : target.windowStats()) {
      GroupWindow gw = new GroupWindow(new Group(s.getModel(), s.getSegment(), s.getType()), s.getWindowStart());
      if (windows.put(gw, s) != null) {
        report.fail(FuzzReport.OVERCOUNTED, gw + " was emitted twice");
      }
    }
    for (Map.Entry<GroupWindow, List<FuzzRecord>> e : accepted.entrySet()) {
      GroupWindow gw = e.getKey();
      int expected = e.getValue().size();
      WindowStats s = windows.get(gw);
      if (!finished && (s == null || s.getCount() < expected)) {
        // The run stopped: no closers were sent, and records past the decode stage may not have reached the window
        // stage. What is missing is in flight, not lost.
        report.openWindows += expected - (s == null ? 0 : (int) s.getCount());
        report.contributed += s == null ? 0 : (int) s.getCount();
        continue;
      }
      for (FuzzRecord r : e.getValue()) {
        if (r.kind().expect() == MutationKind.Expect.REFUSED) {
          report.fail(FuzzReport.REFUSED_COUNTED, coordinatesOf.get(r.index()) + " " + r.describe()
              + " was not dead-lettered (accepted into " + gw + ")");
        }
      }
      if (s == null) {
        report.unaccounted += expected;
        report.fail(FuzzReport.UNACCOUNTED, expected + " accepted record(s) of " + gw + ", which was never emitted: "
            + describe(e.getValue()));
        continue;
      }
      long actual = s.getCount();
      if (actual == expected) {
        report.contributed += expected;
      } else if (actual < expected) {
        report.contributed += (int) actual;
        report.unaccounted += expected - (int) actual;
        report.fail(FuzzReport.UNACCOUNTED, gw + " counts " + actual + " events, but " + expected
            + " records were accepted for it and none dead-lettered: " + describe(e.getValue()));
      } else {
        report.contributed += expected;
        report.fail(FuzzReport.OVERCOUNTED, gw + " counts " + actual + " events, but only " + expected
            + " records were accepted for it: " + describe(e.getValue()));
      }
    }
    windows.forEach((gw, s) -> {
      if (!accepted.containsKey(gw) && s.getCount() > 0) {
        report.fail(FuzzReport.OVERCOUNTED, gw + " counts " + s.getCount() + " events, but no accepted record falls in it");
      }
    });
  }

  /**
   * With {@code -Dfeaturemon.fuzz.dump=DIR}: one line per input record (index, coordinates, kind, what was mutated,
   * what became of it) in {@code DIR/fuzz-<name>-<seed>.tsv}, to find a record by its coordinates.
   */
  private void dumpOutcomes(java.util.function.Predicate<Coordinates> processed) {
    String dir = System.getProperty(FuzzSettings.DUMP);
    if (dir == null || dir.isBlank()) {
      return;
    }
    Map<Integer, GroupWindow> windowOf = new HashMap<>();
    accepted.forEach((gw, list) -> list.forEach(r -> windowOf.put(r.index(), gw)));
    List<String> lines = new ArrayList<>();
    lines.add("index\tcoordinates\tkind\tmodel\tnote\toutcome");
    for (FuzzRecord r : records) {
      Coordinates c = coordinatesOf.get(r.index());
      DeadLetter d = deadLetterOf.get(r.index());
      String outcome = d != null ? "dead-lettered " + d.getStage() + ": " + abbreviate(d.getReason())
          : windowOf.containsKey(r.index()) ? "accepted into " + windowOf.get(r.index())
          : processed.test(c) ? "neither dead-lettered nor decodable" : "not processed";
      lines.add(r.index() + "\t" + c + "\t" + r.kind() + "\t" + FuzzRecord.abbreviate(r.model()) + "\t" + r.note()
          + "\t" + outcome.replace('\t', ' ').replace('\n', ' '));
    }
    try {
      Path file = Files.createDirectories(Path.of(dir)).resolve("fuzz-" + name + "-" + settings.seed() + ".tsv");
      Files.write(file, lines, StandardCharsets.UTF_8);
      System.out.println("FUZZ " + name + ": outcome of every record in " + file.toAbsolutePath());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Per valid model, as the accounting walks the input: its first accepted and its latest mixed mutation so far. */
  private final Map<String, FuzzRecord> firstAcceptedMutation = new HashMap<>();
  private final Map<String, FuzzRecord> lastMutation = new HashMap<>();

  /** Remembers a mixed mutation of a valid model, once its fate is known, for {@link #cause}. */
  private void noteMutation(FuzzRecord r, boolean dead) {
    if (r.kind().placement() == MutationKind.Placement.MIXED && r.kind().expect() != MutationKind.Expect.CONTRIBUTES) {
      lastMutation.put(r.model(), r);
      if (!dead) {
        firstAcceptedMutation.putIfAbsent(r.model(), r);
      }
    }
  }

  /**
   * For a valid record that was refused: the mixed mutation of its model that most likely caused it, the first one
   * accepted before it (it moved the model's stream time or fixed its schema), else the latest one before it.
   */
  private FuzzRecord cause(FuzzRecord victim) {
    FuzzRecord accepted = firstAcceptedMutation.get(victim.model());
    return accepted != null ? accepted : lastMutation.get(victim.model());
  }

  private String describeCause(FuzzRecord victim) {
    FuzzRecord c = cause(victim);
    if (c == null) {
      return "; no mutation of its model came before it";
    }
    return (deadLetterOf.containsKey(c.index()) ? "; the last mutation of its model before it: " : "; after ")
        + c.describe() + " at " + coordinatesOf.get(c.index())
        + (deadLetterOf.containsKey(c.index()) ? "" : ", which was accepted");
  }

  private String describe(List<FuzzRecord> list) {
    Map<MutationKind, Integer> kinds = new TreeMap<>();
    list.forEach(r -> kinds.merge(r.kind(), 1, Integer::sum));
    return "kinds " + kinds + ", first " + coordinatesOf.get(list.get(0).index()) + " " + list.get(0).describe();
  }

  private static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 300 ? s : s.substring(0, 300) + "... (" + s.length() + " chars)";
  }

  // ---------------------------------------------------------------- clean run

  private void compareWithCleanRun() {
    Map<Group, ValidModel> valid = new LinkedHashMap<>();
    for (ValidModel m : input.validModels()) {
      valid.put(new Group(m.model(), m.segment(), m.type().label()), m);
    }
    report.validGroups = valid.size();
    List<String> lines = new ArrayList<>();
    for (FuzzRecord r : records) {
      if (r.kind().expect() == MutationKind.Expect.CONTRIBUTES && valid.containsKey(Group.of(r.event()))) {
        lines.add(r.event().jsonLine(r.recordTimestamp()));
      }
    }
    for (FuzzRecord c : closers) {
      if (valid.containsKey(Group.of(c.event()))) {
        lines.add(c.event().jsonLine(c.recordTimestamp()));
      }
    }
    Path dir = workDir.resolve("clean-run");
    try {
      Path file = Files.write(workDir.resolve("clean-input.jsonl"), lines, StandardCharsets.UTF_8);
      new Replay(config).run(file, dir, n -> {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Group, List<JsonNode>> cleanStats = byGroup(readLines(dir.resolve(Replay.WINDOW_STATS_FILE)));
    Map<Group, List<JsonNode>> cleanMasks = byGroup(readLines(dir.resolve(Replay.MASKS_FILE)));
    Map<Group, List<JsonNode>> cleanAlerts = byGroup(readLines(dir.resolve(Replay.ALERTS_FILE)));
    Map<Group, List<JsonNode>> fuzzStats = byGroup(target.windowStats().stream().map(AvroJson::toJsonLine).toList());
    Map<Group, List<JsonNode>> fuzzMasks = byGroup(target.masks().stream().map(AvroJson::toJsonLine).toList());
    Map<Group, List<JsonNode>> fuzzAlerts = byGroup(target.alerts().stream().map(AvroJson::toJsonLine).toList());

    for (Group g : valid.keySet()) {
      long cut = cutoff.getOrDefault(g, Long.MAX_VALUE);
      List<JsonNode> clean = before(cleanStats.get(g), cut);
      Set<Long> cleanWindows = new HashSet<>();
      clean.forEach(s -> cleanWindows.add(s.get("windowStart").asLong()));
      List<JsonNode> fuzzed = new ArrayList<>();
      for (JsonNode s : before(fuzzStats.get(g), cut)) {
        long startMs = s.get("windowStart").asLong();
        List<FuzzRecord> in = accepted.getOrDefault(new GroupWindow(g, startMs), List.of());
        boolean onlyMutants = !in.isEmpty() && in.stream().allMatch(r -> r.kind().expect() == MutationKind.Expect.EITHER);
        if (!cleanWindows.contains(startMs) && onlyMutants) {
          continue; // a window of accepted mutations only (say, an event 50 minutes ahead): not the valid traffic's
        }
        fuzzed.add(s);
      }
      List<String> problems = new ArrayList<>();
      compare("window stats", clean, fuzzed, problems, true);
      compare("masks", within(cleanMasks.get(g), cleanWindows), within(fuzzMasks.get(g), cleanWindows), problems, false);
      compare("alerts", within(cleanAlerts.get(g), cleanWindows), within(fuzzAlerts.get(g), cleanWindows), problems, false);
      if (problems.isEmpty()) {
        report.validGroupsMatching++;
      } else {
        report.fail(FuzzReport.CLEAN_MISMATCH, g + " (" + clean.size() + " clean windows): " + String.join("; ", problems));
      }
      checkQuality(g, fuzzed);
    }
  }

  /** quality.rejected may count only records of this model that were refused for their content. */
  private void checkQuality(Group g, List<JsonNode> fuzzed) {
    long counted = 0;
    for (JsonNode s : fuzzed) {
      JsonNode rejected = s.path("quality").path("rejected");
      for (Iterator<JsonNode> it = rejected.elements(); it.hasNext(); ) {
        counted += it.next().asLong();
      }
    }
    long refused = 0;
    for (FuzzRecord r : records) {
      DeadLetter d = deadLetterOf.get(r.index());
      if (d != null && Objects.equals(r.model(), g.model()) && !d.getStage().equals("decode")) {
        refused++;
      }
    }
    if (counted > refused) {
      report.fail(FuzzReport.QUALITY, g + ": quality.rejected sums to " + counted + " over its windows, but only "
          + refused + " of its records were refused after decoding");
    }
  }

  private static List<JsonNode> before(List<JsonNode> lines, long cut) {
    return lines == null ? List.of() : lines.stream().filter(l -> l.get("windowStart").asLong() < cut).toList();
  }

  private static List<JsonNode> within(List<JsonNode> lines, Set<Long> windows) {
    return lines == null ? List.of() : lines.stream().filter(l -> windows.contains(l.get("windowStart").asLong())).toList();
  }

  private void compare(String what, List<JsonNode> clean, List<JsonNode> fuzzed, List<String> problems,
      boolean ignoreRefusedCounts) {
    if (clean.size() != fuzzed.size()) {
      problems.add(what + ": clean run " + clean.size() + ", fuzzed run " + fuzzed.size() + " (window starts clean "
          + starts(clean) + ", fuzzed " + starts(fuzzed) + ")");
    }
    for (int i = 0; i < Math.min(clean.size(), fuzzed.size()); i++) {
      JsonNode a = clean.get(i);
      JsonNode b = fuzzed.get(i);
      if (ignoreRefusedCounts) {
        a = withoutRefusedCounts(a);
        b = withoutRefusedCounts(b);
      }
      if (!a.toString().equals(b.toString())) {
        List<String> diffs = new ArrayList<>();
        diff("", a, b, diffs);
        problems.add(what + " #" + i + " (window " + Instant.ofEpochMilli(clean.get(i).get("windowStart").asLong())
            + "): " + String.join(", ", diffs.subList(0, Math.min(4, diffs.size())))
            + (diffs.size() > 4 ? " and " + (diffs.size() - 4) + " more differences" : ""));
        return;
      }
    }
  }

  private static List<String> starts(List<JsonNode> lines) {
    return lines.stream().map(l -> Instant.ofEpochMilli(l.get("windowStart").asLong()).toString().substring(11, 19)).toList();
  }

  private static JsonNode withoutRefusedCounts(JsonNode stats) {
    ObjectNode copy = stats.deepCopy();
    JsonNode quality = copy.get("quality");
    if (quality instanceof ObjectNode q) {
      q.remove("rejected");
      q.remove("nonFinite");
    }
    return copy;
  }

  private static void diff(String path, JsonNode clean, JsonNode fuzzed, List<String> out) {
    if (clean.isObject() && fuzzed.isObject()) {
      Set<String> names = new java.util.LinkedHashSet<>();
      clean.fieldNames().forEachRemaining(names::add);
      fuzzed.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        JsonNode a = clean.get(n);
        JsonNode b = fuzzed.get(n);
        if (a == null || b == null) {
          out.add(path + n + ": " + (a == null ? "only in the fuzzed run" : "only in the clean run"));
        } else {
          diff(path + n + ".", a, b, out);
        }
      }
    } else if (clean.isArray() && fuzzed.isArray() && clean.size() == fuzzed.size()) {
      for (int i = 0; i < clean.size(); i++) {
        diff(path + i + ".", clean.get(i), fuzzed.get(i), out);
      }
    } else if (!clean.equals(fuzzed)) {
      out.add(path.isEmpty() ? "value" : path.substring(0, path.length() - 1) + ": clean " + cut(clean) + ", fuzzed "
          + cut(fuzzed));
    }
  }

  private static String cut(JsonNode node) {
    String s = node.toString();
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  private static Map<Group, List<JsonNode>> byGroup(List<String> lines) {
    Map<Group, List<JsonNode>> groups = new HashMap<>();
    for (String line : lines) {
      try {
        JsonNode json = JSON.readTree(line);
        groups.computeIfAbsent(Group.of(json), k -> new ArrayList<>()).add(json);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return groups;
  }

  private static List<String> readLines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
