package io.featuremon.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.replay.OutputFiles;
import io.featuremon.replay.Replay;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringTable;
import io.featuremon.topology.WhatIfRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One self-contained HTML page over a replay's or backtest's output directory: per model, segment and type the
 * redundancy metrics over time with the firing alerts (of the run and of any {@code what-if/<set>.alerts.jsonl}) and
 * labelled incidents shaded, a drift heatmap, the mask timeline, the latest window's clusters and top pairs; then the
 * dead letters and, when given, the scoring table.
 *
 * <p>The page opens from disk with no network: Apache ECharts (the {@code org.webjars.npm:echarts} jar) is inlined and
 * the data is one JSON block in the page. The same directory gives byte-identical pages (no generation time, every map
 * sorted), so a report can be committed and diffed.
 *
 * <p>The files are read line by line, and what reaches the page is bounded whatever their size (the charts say when
 * a bound cut something):
 * <ul>
 *   <li>line charts: at most {@value #MAX_LINE_POINTS} points per series; more windows are averaged in consecutive
 *       buckets;</li>
 *   <li>drift heatmap: the {@value #MAX_HEATMAP_ROWS} most drifted features or dimensions (most drifted windows, then
 *       largest KS) by at most {@value #MAX_COLUMNS} columns; more windows share a column, which shows the largest KS
 *       of its windows (an embedding window reports only its few most drifted dimensions, so only those appear);</li>
 *   <li>mask timeline: the last {@value #MAX_MASK_VERSIONS} mask versions and the {@value #MAX_HEATMAP_ROWS} features
 *       dropped in most of them;</li>
 *   <li>alert intervals: at most {@value #MAX_INTERVALS} per rule set and rule (the latest);</li>
 *   <li>tables: at most {@value #MAX_TABLE_ROWS} rows; dead letters: the {@value #MAX_REASONS} most frequent reasons,
 *       from at most {@value #MAX_DISTINCT_REASONS} distinct ones (later new ones are counted as "other").</li>
 * </ul>
 */
public final class HtmlReport {
  public static final int MAX_LINE_POINTS = 2000;
  public static final int MAX_HEATMAP_ROWS = 40;
  public static final int MAX_COLUMNS = 240;
  public static final int MAX_MASK_VERSIONS = 200;
  public static final int MAX_INTERVALS = 500;
  public static final int MAX_TABLE_ROWS = 25;
  public static final int MAX_REASONS = 30;
  public static final int MAX_DISTINCT_REASONS = 10_000;

  static final String ECHARTS_VERSION = "5.3.1";
  private static final String ECHARTS = "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/dist/echarts.min.js";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final List<String> REASONS = List.of("constant", "dead", "redundant");

  private HtmlReport() {}

  /**
   * Writes the report of {@code outDir} to {@code html}.
   *
   * @param outDir a replay's or backtest's {@code --out} directory; it must hold {@code window-stats.jsonl}, the other
   *     files are optional
   * @param incidents labelled incidents, shaded on the metric charts of their model (and segment); may be empty
   * @param scoring rows of a {@link ScoringTable}, shown as a table; may be empty
   * @param title the page's title
   * @param html the file to write (its parent directory must exist)
   * @throws IOException when a file cannot be read or {@code window-stats.jsonl} is missing
   */
  public static void write(Path outDir, List<Incident> incidents, List<ScoringTable.Row> scoring, String title,
      Path html) throws IOException {
    String page = render(outDir, incidents, scoring, title);
    try (Writer w = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
      w.write(page);
    }
  }

  /** The page {@link #write} writes. */
  public static String render(Path outDir, List<Incident> incidents, List<ScoringTable.Row> scoring, String title)
      throws IOException {
    Objects.requireNonNull(incidents, "incidents");
    Objects.requireNonNull(scoring, "scoring");
    Path stats = outDir.resolve(Replay.WINDOW_STATS_FILE);
    if (!Files.isRegularFile(stats)) {
      throw new IOException("no " + Replay.WINDOW_STATS_FILE + " in " + outDir + ": give the --out directory of a replay or"
          + " a backtest");
    }
    Model model = new Model();
    model.dir = outDir.toString();
    readStats(stats, model);
    readMasks(outDir.resolve(Replay.MASKS_FILE), model);
    // named as the scoring table names them (Scorecard): the live rules' set, then each what-if set by its name
    readAlerts(WhatIfRules.LIVE, outDir.resolve(Replay.ALERTS_FILE), model, true);
    for (Map.Entry<String, Path> whatIf : OutputFiles.whatIfSets(outDir).entrySet()) {
      String set = whatIf.getKey();
      model.whatIfSets.add(set);
      readAlerts(set, whatIf.getValue(), model, false);
    }
    readDeadLetters(outDir.resolve(Replay.DEAD_LETTERS_FILE), model);
    return Page.html(model, incidents, scoring, title == null || title.isBlank() ? "featuremon report" : title,
        echarts());
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Reading

  /** Identity of one chart section: the key of WindowStats, FeatureMask and Alert alike. */
  record Key(String model, String segment, String type) implements Comparable<Key> {
    private static final Comparator<Key> ORDER = Comparator.comparing(Key::model)
        .thenComparing(Key::segment, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Key::type);

    static Key of(JsonNode n) {
      return new Key(n.path("model").asText(""), text(n.get("segment")), n.path("type").asText(""));
    }

    @Override
    public int compareTo(Key o) {
      return ORDER.compare(this, o);
    }

    String label() {
      return model + (segment == null ? "" : " / " + segment) + " (" + type + ")";
    }
  }

  /** Everything the page shows, bounded. */
  static final class Model {
    String dir;
    final TreeMap<Key, Group> groups = new TreeMap<>();
    final List<String> whatIfSets = new ArrayList<>();
    long windows;
    long masks;
    long alerts;
    long whatIfAlerts;
    long alertsWithoutWindows;
    long deadLetters;
    long firstStart = Long.MAX_VALUE;
    long lastEnd = Long.MIN_VALUE;
    final TreeMap<String, Reason> reasons = new TreeMap<>();
    long otherReasons;
  }

  static final class Reason {
    final String stage;
    final String reason;
    long count;
    final String firstSource;

    Reason(String stage, String reason, String firstSource) {
      this.stage = stage;
      this.reason = reason;
      this.firstSource = firstSource;
    }
  }

  /** One window's metrics (for the line chart). */
  record Point(long start, long end, long count, double fret, double meanAbsCorr, double meanSqCorr, double rank,
      boolean error) {}

  /** A drift cell: one feature or dimension in one window. */
  record Cell(int column, double ks, double w1, double psi, double js, boolean drifted) {}

  /** How much a feature drifted over the run: ranks the heatmap rows. */
  static final class Rank {
    int driftedWindows;
    double maxKs;
  }

  /** One published mask, reduced to what the timeline shows. */
  record Mask(long windowEnd, long version, int kept, List<JsonNode> dropped) {}

  /** A firing interval of one rule of one rule set. */
  record Interval(long start, long end, boolean open, String firstStartsAt) {}

  static final class Group {
    final Key key;
    final List<Point> points = new ArrayList<>();
    final TreeMap<String, Rank> ranks = new TreeMap<>();
    String driftValue;
    JsonNode latest;
    long latestEnd = Long.MIN_VALUE;
    long windowLength;
    long errors;
    // filled on the second pass, for the chosen rows only
    final TreeMap<String, TreeMap<Integer, Cell>> cells = new TreeMap<>();
    List<String> rows = List.of();
    long[] sortedEnds;
    int bucket = 1;
    final Deque<Mask> masks = new ArrayDeque<>();
    long maskVersions;
    // rule set -> rule -> intervals
    final TreeMap<String, TreeMap<String, List<Interval>>> intervals = new TreeMap<>();
    // open firing per rule set and fingerprint: the start of the window that fired
    final Map<String, long[]> open = new TreeMap<>();

    Group(Key key) {
      this.key = key;
    }
  }

  private static void readStats(Path file, Model model) throws IOException {
    OutputFiles.forEachLine(file, s -> {
      Key key = Key.of(s);
      Group g = model.groups.computeIfAbsent(key, Group::new);
      model.windows++;
      long start = s.path("windowStart").asLong();
      long end = s.path("windowEnd").asLong();
      model.firstStart = Math.min(model.firstStart, start);
      model.lastEnd = Math.max(model.lastEnd, end);
      g.windowLength = Math.max(g.windowLength, end - start);
      JsonNode r = s.path("redundancy");
      boolean error = s.hasNonNull("error");
      if (error) {
        g.errors++;
      }
      g.points.add(new Point(start, end, s.path("count").asLong(), dbl(r.get("fretL1")), dbl(r.get("meanAbsCorr")),
          dbl(r.get("meanSqCorr")), dbl(r.get("effectiveRank")), error));
      if (end >= g.latestEnd) {
        g.latestEnd = end;
        g.latest = r;
      }
      forEachDrift(s, (name, d) -> {
        Rank rank = g.ranks.computeIfAbsent(name, n -> new Rank());
        if (d.drifted()) {
          rank.driftedWindows++;
        }
        if (!Double.isNaN(d.ks())) {
          rank.maxKs = Math.max(rank.maxKs, d.ks());
        }
      });
      if (s.path("drift").path("embedding").isObject()) {
        g.driftValue = "embedding";
      } else if (s.path("drift").path("features").size() > 0 && g.driftValue == null) {
        g.driftValue = "features";
      }
    });
    for (Group g : model.groups.values()) {
      g.points.sort(Comparator.comparingLong(Point::end).thenComparingLong(Point::start));
      g.sortedEnds = g.points.stream().mapToLong(Point::end).distinct().toArray();
      g.bucket = Math.max(1, (g.sortedEnds.length + MAX_COLUMNS - 1) / MAX_COLUMNS);
      g.rows = g.ranks.entrySet().stream()
          .sorted(Comparator.<Map.Entry<String, Rank>>comparingInt(e -> -e.getValue().driftedWindows)
              .thenComparing(e -> -e.getValue().maxKs)
              .thenComparing(Map.Entry::getKey, HtmlReport::naturalOrder))
          .limit(MAX_HEATMAP_ROWS).map(Map.Entry::getKey).sorted(HtmlReport::naturalOrder).toList();
    }
    // Second pass: the cells of the chosen rows only, so a wide input never holds every feature of every window.
    OutputFiles.forEachLine(file, s -> {
      Group g = model.groups.get(Key.of(s));
      if (g.rows.isEmpty()) {
        return;
      }
      int index = java.util.Arrays.binarySearch(g.sortedEnds, s.path("windowEnd").asLong());
      int column = Math.max(0, index) / g.bucket;
      forEachDrift(s, (name, d) -> {
        if (java.util.Collections.binarySearch(g.rows, name, HtmlReport::naturalOrder) < 0) {
          return;
        }
        Cell c = new Cell(column, d.ks(), d.w1(), d.psi(), d.js(), d.drifted());
        g.cells.computeIfAbsent(name, n -> new TreeMap<>()).merge(column, c,
            // a column of several windows shows the largest KS of them, drifted when any was
            (a, b) -> {
              Cell big = value(b) > value(a) ? b : a;
              return new Cell(column, big.ks(), big.w1(), big.psi(), big.js(), a.drifted() || b.drifted());
            });
      });
    });
  }

  private record Drift(double ks, double w1, double psi, double js, boolean drifted) {}

  /** The heatmap's value: KS D for numeric features and dimensions, the JS distance for categorical features. */
  static double value(Cell c) {
    return Double.isNaN(c.ks()) ? c.js() : c.ks();
  }

  private static void forEachDrift(JsonNode s, java.util.function.BiConsumer<String, Drift> each) {
    JsonNode drift = s.path("drift");
    if (!drift.isObject()) {
      return;
    }
    drift.path("features").fields().forEachRemaining(f -> {
      JsonNode d = f.getValue();
      double ks = dbl(d.get("ks"));
      each.accept(f.getKey(), new Drift(Double.isNaN(ks) ? dbl(d.get("js")) : ks, dbl(d.get("wasserstein")),
          dbl(d.get("psi")), dbl(d.get("js")), d.path("drifted").asBoolean()));
    });
    for (JsonNode d : drift.path("embedding").path("topDimensions")) {
      each.accept("dim " + d.path("dimension").asInt(), new Drift(dbl(d.get("ks")), dbl(d.get("wasserstein")),
          dbl(d.get("psi")), Double.NaN, d.path("drifted").asBoolean()));
    }
  }

  private static void readMasks(Path file, Model model) throws IOException {
    if (!Files.isRegularFile(file)) {
      return;
    }
    OutputFiles.forEachLine(file, m -> {
      model.masks++;
      Group g = model.groups.computeIfAbsent(Key.of(m), HtmlReport::lateGroup);
      g.maskVersions++;
      List<JsonNode> dropped = new ArrayList<>();
      m.path("dropped").forEach(dropped::add);
      g.masks.addLast(new Mask(m.path("windowEnd").asLong(), m.path("version").asLong(), m.path("kept").size(),
          dropped));
      if (g.masks.size() > MAX_MASK_VERSIONS) {
        g.masks.removeFirst();
      }
    });
  }

  /** A group seen in masks or alerts but in no window (a truncated window-stats file): it still gets its section. */
  private static Group lateGroup(Key key) {
    Group g = new Group(key);
    g.sortedEnds = new long[0];
    return g;
  }

  private static void readAlerts(String set, Path file, Model model, boolean main) throws IOException {
    if (!Files.isRegularFile(file)) {
      return;
    }
    OutputFiles.forEachLine(file, a -> {
      if (main) {
        model.alerts++;
      } else {
        model.whatIfAlerts++;
      }
      Group g = model.groups.get(Key.of(a));
      if (g == null) {
        model.alertsWithoutWindows++;
        return;
      }
      String rule = a.path("rule").asText("");
      String id = set + "\u0000" + rule + "\u0000" + a.path("fingerprint").asText("");
      if ("firing".equals(a.path("status").asText())) {
        // shaded from the start of the window that fired
        g.open.putIfAbsent(id, new long[] {a.path("windowStart").asLong(), a.path("startsAt").asLong()});
      } else {
        long[] fired = g.open.remove(id);
        long start = fired != null ? fired[0] : a.path("startsAt").asLong();
        // to the start of the window in which it resolved: the end of the last window that fired
        long end = Math.max(start, a.path("windowStart").asLong());
        add(g, set, rule, new Interval(start, end, false, time(a.path("startsAt").asLong())));
      }
    });
    for (Group g : model.groups.values()) {
      String prefix = set + "\u0000";
      var it = g.open.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey().startsWith(prefix)) {
          String rule = e.getKey().substring(prefix.length(), e.getKey().lastIndexOf('\u0000'));
          long end = g.points.isEmpty() ? e.getValue()[1] : g.points.get(g.points.size() - 1).end();
          add(g, set, rule, new Interval(e.getValue()[0], Math.max(end, e.getValue()[0]), true,
              time(e.getValue()[1])));
          it.remove();
        }
      }
    }
  }

  private static void add(Group g, String set, String rule, Interval interval) {
    g.intervals.computeIfAbsent(set, s -> new TreeMap<>()).computeIfAbsent(rule, r -> new ArrayList<>()).add(interval);
  }

  /** Overlapping intervals of one rule (one per feature it fired for) as one, in time order; the latest kept. */
  static List<Interval> merged(List<Interval> intervals) {
    List<Interval> sorted = new ArrayList<>(intervals);
    sorted.sort(Comparator.comparingLong(Interval::start).thenComparingLong(Interval::end));
    List<Interval> out = new ArrayList<>();
    for (Interval i : sorted) {
      Interval last = out.isEmpty() ? null : out.get(out.size() - 1);
      if (last != null && i.start() <= last.end()) {
        out.set(out.size() - 1, new Interval(last.start(), Math.max(last.end(), i.end()), last.open() || i.open(),
            last.firstStartsAt()));
      } else {
        out.add(i);
      }
    }
    return out.size() > MAX_INTERVALS ? out.subList(out.size() - MAX_INTERVALS, out.size()) : out;
  }

  private static void readDeadLetters(Path file, Model model) throws IOException {
    if (!Files.isRegularFile(file)) {
      return;
    }
    OutputFiles.forEachLine(file, d -> {
      model.deadLetters++;
      String stage = d.path("stage").asText("");
      String reason = d.path("reason").asText("");
      String key = stage + "\u0000" + reason;
      Reason r = model.reasons.get(key);
      if (r == null) {
        if (model.reasons.size() >= MAX_DISTINCT_REASONS) {
          model.otherReasons++;
          return;
        }
        r = new Reason(stage, reason, d.path("sourceTopic").asText("") + " / " + d.path("sourcePartition").asInt()
            + " @ " + d.path("sourceOffset").asLong());
        model.reasons.put(key, r);
      }
      r.count++;
    });
  }

  private static String echarts() throws IOException {
    try (InputStream in = HtmlReport.class.getClassLoader().getResourceAsStream(ECHARTS)) {
      if (in == null) {
        throw new IOException(ECHARTS + " is not on the classpath: the report needs org.webjars.npm:echarts:"
            + ECHARTS_VERSION + " (a dependency of featuremon-topology; rebuild with ./featuremon or mvn package)");
      }
      String js = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      // Inlined in a <script> element, the library must not end it early; this version contains neither.
      String lower = js.toLowerCase(Locale.ROOT);
      if (lower.contains("</script") || lower.contains("<!--")) {
        throw new IOException(ECHARTS + " contains </script or <!--: it cannot be inlined as is");
      }
      return js;
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Helpers shared with Page

  static String text(JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  static double dbl(JsonNode node) {
    if (node == null || node.isNull()) {
      return Double.NaN;
    }
    if (node.isTextual()) {
      // Jackson writes non-finite doubles as strings when asked to; accept both spellings
      String t = node.asText();
      return t.contains("Inf") ? (t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY)
          : Double.NaN;
    }
    return node.asDouble();
  }

  static String time(long ms) {
    return TIME.format(Instant.ofEpochMilli(ms));
  }

  /** Names in natural order: "dim 9" before "dim 10". */
  static int naturalOrder(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char x = a.charAt(i);
      char y = b.charAt(j);
      if (Character.isDigit(x) && Character.isDigit(y)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        String p = a.substring(si, i).replaceFirst("^0+(?=.)", "");
        String q = b.substring(sj, j).replaceFirst("^0+(?=.)", "");
        int c = p.length() != q.length() ? Integer.compare(p.length(), q.length()) : p.compareTo(q);
        if (c != 0) {
          return c;
        }
      } else {
        if (x != y) {
          return Character.compare(x, y);
        }
        i++;
        j++;
      }
    }
    int c = Integer.compare(a.length() - i, b.length() - j);
    return c != 0 ? c : a.compareTo(b);
  }

  /** A number for the page: rounded to 4 decimals (smaller and stable), "inf"/"-inf" as text, NaN as null. */
  static JsonNode num(double v) {
    if (Double.isNaN(v)) {
      return NODES.nullNode();
    }
    if (Double.isInfinite(v)) {
      return NODES.textNode(v > 0 ? "inf" : "-inf");
    }
    double r = Math.round(v * 1e4) / 1e4;
    if (Math.abs(v) >= 1e12 || (r == 0 && v != 0)) {
      r = Double.parseDouble(String.format(Locale.ROOT, "%.4g", v));
    }
    return NODES.numberNode(r);
  }

  static ObjectNode object() {
    return NODES.objectNode();
  }

  static ArrayNode array() {
    return NODES.arrayNode();
  }

  static List<String> reasonCodes() {
    return REASONS;
  }

  static ObjectMapper json() {
    return JSON;
  }
}
