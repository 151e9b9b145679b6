package io.featuremon.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.report.HtmlReport.Cell;
import io.featuremon.report.HtmlReport.Group;
import io.featuremon.report.HtmlReport.Interval;
import io.featuremon.report.HtmlReport.Mask;
import io.featuremon.report.HtmlReport.Model;
import io.featuremon.report.HtmlReport.Point;
import io.featuremon.report.HtmlReport.Reason;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.ScoringTable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The HTML of {@link HtmlReport}: tables are written here, charts are drawn by the page's script from its data. */
final class Page {

  /** The scoring table's columns as {@link ScoringTable#render} prints them (headers and number formats). */
  record Column(String header, boolean numeric, Function<ScoringTable.Row, String> cell) {}

  static final List<Column> SCORING_COLUMNS = List.of(
      new Column("rule set", false, ScoringTable.Row::ruleSet),
      new Column("rule", false, ScoringTable.Row::rule),
      new Column("alarms", true, r -> Integer.toString(r.score().alarms())),
      new Column("incidents", true, r -> Integer.toString(r.score().incidents())),
      new Column("precision", true, r -> decimal(r.score().precision(), 3)),
      new Column("recall", true, r -> decimal(r.score().recall(), 3)),
      new Column("ep.recall", true, r -> decimal(r.score().episodeRecall(), 3)),
      new Column("F1", true, r -> decimal(r.score().f1(), 3)),
      new Column("MDR", true, r -> decimal(r.score().missedDetectionRate(), 3)),
      new Column("delay ms", true, r -> decimal(r.score().detectionDelayMs(), 0)),
      new Column("delay win", true, r -> decimal(r.score().detectionDelayWindows(), 2)),
      new Column("FA/day", true, r -> decimal(r.score().falseAlarmsPerDay(), 2)),
      new Column("MTFA ms", true, r -> decimal(r.score().meanTimeBetweenFalseAlarmsMs(), 0)));

  private Page() {}

  static String html(Model model, List<Incident> incidents, List<ScoringTable.Row> scoring, String title,
      String echarts) {
    ObjectNode data = HtmlReport.object();
    ArrayNode groups = data.putArray("groups");
    StringBuilder body = new StringBuilder();
    int index = 0;
    for (Group g : model.groups.values()) {
      String id = "g" + index++;
      groups.add(group(id, g, model, incidents, body));
    }
    StringBuilder out = new StringBuilder(echarts.length() + 200_000);
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>").append(esc(title)).append("</title>\n")
        // Installed before the library, so a library that fails to load or run is recorded too (the test hook).
        .append("<script>").append(resource("errors.js")).append("</script>\n")
        .append("<style>").append(resource("report.css")).append("</style>\n")
        .append("<script>\n/*! Apache ECharts ").append(HtmlReport.ECHARTS_VERSION)
        .append(", inlined unmodified from the org.webjars.npm:echarts jar.\n")
        .append(" * Copyright 2017-2022 The Apache Software Foundation. Licensed under the Apache License,\n")
        .append(" * Version 2.0 (www.apache.org/licenses/LICENSE-2.0). This product includes software developed at\n")
        .append(" * The Apache Software Foundation (www.apache.org). It bundles ZRender (BSD-3-Clause) and parts\n")
        .append(" * of d3 (BSD-3-Clause); see the LICENSE file in that jar. */\n")
        .append(echarts).append("\n</script>\n</head>\n<body>\n<main>\n");

    header(out, model, title, incidents, scoring);
    out.append(body);
    deadLetters(out, model, data);
    scoringTable(out, scoring);
    out.append("<pre id=\"report-check\" hidden></pre>\n<pre id=\"report-errors\" hidden></pre>\n</main>\n")
        .append("<script type=\"application/json\" id=\"report-data\">").append(json(data)).append("</script>\n")
        .append("<script>").append(resource("report.js")).append("</script>\n</body>\n</html>\n");
    return out.toString();
  }

  private static void header(StringBuilder out, Model model, String title, List<Incident> incidents,
      List<ScoringTable.Row> scoring) {
    out.append("<header>\n<h1>").append(esc(title)).append("</h1>\n<dl class=\"facts\">\n");
    fact(out, "directory", model.dir);
    fact(out, "time range", model.windows == 0 ? "no windows"
        : HtmlReport.time(model.firstStart) + " – " + HtmlReport.time(model.lastEnd));
    fact(out, "windows", model.windows + " in " + model.groups.size() + " model/segment/type stream"
        + (model.groups.size() == 1 ? "" : "s"));
    fact(out, "masks", Long.toString(model.masks));
    fact(out, "alerts", model.alerts + " state changes"
        + (model.whatIfSets.isEmpty() ? "" : "; what-if rule sets " + String.join(", ", model.whatIfSets) + ": "
            + model.whatIfAlerts)
        + (model.alertsWithoutWindows == 0 ? "" : " (" + model.alertsWithoutWindows + " of a stream with no window,"
            + " not shown)"));
    fact(out, "dead letters", Long.toString(model.deadLetters));
    fact(out, "incidents", incidents.size() + (scoring.isEmpty() ? "" : "; scoring table at the end"));
    out.append("</dl>\n<nav><ul>\n");
    int i = 0;
    for (Group g : model.groups.values()) {
      out.append("<li><a href=\"#g").append(i++).append("\">").append(esc(g.key.label())).append("</a></li>\n");
    }
    out.append("<li><a href=\"#dead-letters-section\">dead letters</a></li>\n");
    if (!scoring.isEmpty()) {
      out.append("<li><a href=\"#scoring\">scoring</a></li>\n");
    }
    out.append("</ul></nav>\n</header>\n");
  }

  private static void fact(StringBuilder out, String name, String value) {
    out.append("<dt>").append(esc(name)).append("</dt><dd>").append(esc(value)).append("</dd>\n");
  }

  private static ObjectNode group(String id, Group g, Model model, List<Incident> incidents, StringBuilder body) {
    ObjectNode n = HtmlReport.object();
    n.put("id", id);
    n.put("label", g.key.label());
    ObjectNode charts = n.putObject("charts");
    body.append("<section id=\"").append(id).append("\">\n<h2>").append(esc(g.key.label())).append("</h2>\n");
    body.append("<p class=\"note\">").append(g.points.size()).append(" windows")
        .append(g.windowLength > 0 ? " of " + duration(g.windowLength) : "")
        .append(g.errors == 0 ? "" : ", " + g.errors + " without statistics (numerical error)")
        .append(", ").append(g.maskVersions).append(" mask versions.</p>\n");

    if (!g.points.isEmpty()) {
      metrics(n, g);
      alerts(n, g);
      incidents(n, g, incidents);
      charts.put("metrics", id + "-metrics");
      body.append("<div class=\"chart\" id=\"").append(id).append("-metrics\"></div>\n");
      intervalsTable(body, g);
    }
    if (drift(n, g)) {
      charts.put("drift", id + "-drift");
      int rows = n.path("drift").path("rows").size();
      body.append("<div class=\"chart\" id=\"").append(id).append("-drift\" style=\"height:")
          .append(Math.max(300, 90 + 16 * rows)).append("px\"></div>\n");
    } else {
      body.append("<p class=\"note\">No drift: every window was compared with nothing yet (the first window is the"
          + " reference) or drift is off.</p>\n");
    }
    if (masks(n, g)) {
      charts.put("masks", id + "-masks");
      int rows = n.path("masks").path("rows").size();
      body.append("<div class=\"chart\" id=\"").append(id).append("-masks\" style=\"height:")
          .append(Math.max(240, 110 + 16 * rows)).append("px\"></div>\n");
    } else {
      body.append("<p class=\"note\">").append(g.maskVersions == 0 ? "No mask was published."
          : "No mask dropped anything.").append("</p>\n");
    }
    latest(body, g);
    body.append("</section>\n");
    return n;
  }

  /** FRET score, mean |rho| and effective rank at each window's end; beyond the bound, bucket means. */
  private static void metrics(ObjectNode n, Group g) {
    int bucket = Math.max(1, (g.points.size() + HtmlReport.MAX_LINE_POINTS - 1) / HtmlReport.MAX_LINE_POINTS);
    ObjectNode m = n.putObject("metrics");
    m.put("bucket", bucket);
    m.put("min", g.points.get(0).start());
    m.put("max", g.points.get(g.points.size() - 1).end());
    ArrayNode fret = m.putArray("fret");
    ArrayNode mac = m.putArray("meanAbsCorr");
    ArrayNode rank = m.putArray("effectiveRank");
    ArrayNode count = m.putArray("count");
    for (int from = 0; from < g.points.size(); from += bucket) {
      List<Point> b = g.points.subList(from, Math.min(g.points.size(), from + bucket));
      long end = b.get(b.size() - 1).end();
      fret.add(pair(end, mean(b, Point::fret)));
      mac.add(pair(end, mean(b, Point::meanAbsCorr)));
      rank.add(pair(end, mean(b, Point::rank)));
      count.add(pair(end, mean(b, p -> (double) p.count())));
    }
  }

  private static double mean(List<Point> points, java.util.function.ToDoubleFunction<Point> f) {
    double sum = 0;
    int n = 0;
    for (Point p : points) {
      double v = f.applyAsDouble(p);
      if (!p.error() && Double.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static ArrayNode pair(long t, double v) {
    ArrayNode a = HtmlReport.array();
    a.add(t);
    a.add(HtmlReport.num(v));
    return a;
  }

  private static void alerts(ObjectNode n, Group g) {
    ArrayNode alerts = n.putArray("alerts");
    g.intervals.forEach((set, byRule) -> byRule.forEach((rule, list) -> {
      ObjectNode a = alerts.addObject();
      a.put("set", set);
      a.put("rule", rule);
      ArrayNode iv = a.putArray("intervals");
      for (Interval i : HtmlReport.merged(list)) {
        ArrayNode x = iv.addArray();
        x.add(i.start());
        x.add(i.end());
        x.add(i.open());
      }
    }));
  }

  private static void incidents(ObjectNode n, Group g, List<Incident> incidents) {
    ArrayNode out = n.putArray("incidents");
    incidents.stream()
        .filter(i -> i.model().equals(g.key.model()) && (i.segment() == null || i.segment().equals(g.key.segment())))
        .sorted(Comparator.comparingLong(Incident::startMs).thenComparingLong(Incident::endMs)
            .thenComparing(i -> i.label() == null ? "" : i.label()))
        .limit(HtmlReport.MAX_INTERVALS)
        .forEach(i -> {
          ObjectNode x = out.addObject();
          x.put("start", i.startMs());
          x.put("end", i.endMs());
          x.put("label", i.label() == null ? "incident" : i.label());
        });
  }

  private static void intervalsTable(StringBuilder body, Group g) {
    List<String[]> rows = new ArrayList<>();
    g.intervals.forEach((set, byRule) -> byRule.forEach((rule, list) -> {
      for (Interval i : HtmlReport.merged(list)) {
        rows.add(new String[] {set, rule, HtmlReport.time(i.start()), i.open() ? "still firing at the last window"
            : HtmlReport.time(i.end()), i.firstStartsAt()});
      }
    }));
    if (rows.isEmpty()) {
      body.append("<p class=\"note\">No alert fired.</p>\n");
      return;
    }
    body.append("<details><summary>Firing intervals (").append(rows.size()).append(")</summary>\n");
    table(body, new String[] {"rule set", "rule", "shaded from", "to", "startsAt"}, new boolean[5], rows);
    body.append("</details>\n");
  }

  private static boolean drift(ObjectNode n, Group g) {
    if (g.cells.isEmpty()) {
      return false;
    }
    ObjectNode d = n.putObject("drift");
    boolean embedding = "embedding".equals(g.driftValue);
    // an embedding window reports only its few most drifted dimensions: the total is of those, not of all
    d.put("what", embedding ? "dimensions among each window's most drifted" : "features");
    d.put("total", g.ranks.size());
    d.put("bucket", g.bucket);
    d.put("value", embedding ? "KS D" : "KS D (JS distance for categorical features)");
    ArrayNode rows = d.putArray("rows");
    g.rows.forEach(rows::add);
    ArrayNode columns = d.putArray("columns");
    for (int from = 0; from < g.sortedEnds.length; from += g.bucket) {
      columns.add(HtmlReport.time(g.sortedEnds[Math.min(g.sortedEnds.length, from + g.bucket) - 1]));
    }
    ArrayNode cells = d.putArray("cells");
    for (int y = 0; y < g.rows.size(); y++) {
      Map<Integer, Cell> byColumn = g.cells.getOrDefault(g.rows.get(y), new TreeMap<>());
      for (Cell c : byColumn.values()) {
        ArrayNode x = cells.addArray();
        x.add(c.column());
        x.add(y);
        x.add(HtmlReport.num(HtmlReport.value(c)));
        x.add(HtmlReport.num(c.ks()));
        x.add(HtmlReport.num(c.w1()));
        x.add(HtmlReport.num(c.psi()));
        x.add(HtmlReport.num(c.js()));
        x.add(c.drifted());
      }
    }
    return !cells.isEmpty();
  }

  private static boolean masks(ObjectNode n, Group g) {
    Map<String, Integer> versionsDropped = new TreeMap<>();
    for (Mask m : g.masks) {
      for (JsonNode d : m.dropped()) {
        versionsDropped.merge(d.path("feature").asText(""), 1, Integer::sum);
      }
    }
    if (versionsDropped.isEmpty()) {
      return false;
    }
    List<String> rows = versionsDropped.entrySet().stream()
        .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(e -> -e.getValue())
            .thenComparing(Map.Entry::getKey, HtmlReport::naturalOrder))
        .limit(HtmlReport.MAX_HEATMAP_ROWS).map(Map.Entry::getKey).sorted(HtmlReport::naturalOrder).toList();
    Map<String, Integer> rowIndex = new TreeMap<>();
    for (int i = 0; i < rows.size(); i++) {
      rowIndex.put(rows.get(i), i);
    }
    ObjectNode m = n.putObject("masks");
    m.put("total", versionsDropped.size());
    m.put("versions", g.maskVersions);
    ArrayNode reasons = m.putArray("reasons");
    HtmlReport.reasonCodes().forEach(reasons::add);
    reasons.add("other");
    ArrayNode r = m.putArray("rows");
    rows.forEach(r::add);
    ArrayNode columns = m.putArray("columns");
    ArrayNode kept = m.putArray("kept");
    ArrayNode cells = m.putArray("cells");
    int x = 0;
    for (Mask mask : g.masks) {
      columns.add("v" + mask.version() + " " + HtmlReport.time(mask.windowEnd()));
      kept.add(mask.kept());
      for (JsonNode d : mask.dropped()) {
        Integer y = rowIndex.get(d.path("feature").asText(""));
        if (y == null) {
          continue;
        }
        String reason = d.path("reason").asText("");
        int code = HtmlReport.reasonCodes().indexOf(reason);
        ArrayNode c = cells.addArray();
        c.add(x);
        c.add(y);
        c.add(code < 0 ? HtmlReport.reasonCodes().size() : code);
        c.add(reason);
        c.add(HtmlReport.text(d.get("redundantWith")));
        c.add(HtmlReport.num(HtmlReport.dbl(d.get("corr"))));
        c.add(HtmlReport.text(d.get("measure")));
        c.add(HtmlReport.num(HtmlReport.dbl(d.get("activeShare"))));
      }
      x++;
    }
    return true;
  }

  private static void latest(StringBuilder body, Group g) {
    if (g.latest == null) {
      return;
    }
    body.append("<h3>Latest window (ending ").append(esc(HtmlReport.time(g.latestEnd))).append(")</h3>\n");
    List<String[]> clusters = new ArrayList<>();
    for (JsonNode c : g.latest.path("clusters")) {
      List<String> members = new ArrayList<>();
      c.path("members").forEach(m -> members.add(m.asText()));
      clusters.add(new String[] {Integer.toString(c.path("size").asInt(members.size())), String.join(", ", members)});
    }
    body.append("<h4>Redundancy clusters</h4>\n");
    if (clusters.isEmpty()) {
      body.append("<p class=\"note\">None: no two features associated at or above mask.threshold.</p>\n");
    } else {
      table(body, new String[] {"size", "members"}, new boolean[] {true, false}, bounded(clusters));
    }
    List<String[]> pairs = new ArrayList<>();
    for (JsonNode p : g.latest.path("pairs")) {
      pairs.add(new String[] {p.path("a").asText(), p.path("b").asText(), decimal(HtmlReport.dbl(p.get("corr")), 4)});
    }
    body.append("<h4>Top correlated pairs</h4>\n");
    if (pairs.isEmpty()) {
      body.append("<p class=\"note\">None.</p>\n");
    } else {
      table(body, new String[] {"a", "b", "ρ"}, new boolean[] {false, false, true}, bounded(pairs));
    }
  }

  private static List<String[]> bounded(List<String[]> rows) {
    if (rows.size() <= HtmlReport.MAX_TABLE_ROWS) {
      return rows;
    }
    List<String[]> out = new ArrayList<>(rows.subList(0, HtmlReport.MAX_TABLE_ROWS));
    String[] more = new String[rows.get(0).length];
    java.util.Arrays.fill(more, "");
    more[0] = "… " + (rows.size() - HtmlReport.MAX_TABLE_ROWS) + " more";
    out.add(more);
    return out;
  }

  private static void deadLetters(StringBuilder out, Model model, ObjectNode data) {
    out.append("<section id=\"dead-letters-section\">\n<h2>Dead letters</h2>\n");
    List<Reason> top = model.reasons.values().stream()
        .sorted(Comparator.comparingLong((Reason r) -> -r.count).thenComparing(r -> r.stage)
            .thenComparing(r -> r.reason))
        .toList();
    if (top.isEmpty()) {
      out.append("<p class=\"note\">None: every input record was used.</p>\n</section>\n");
      return;
    }
    long shown = 0;
    ObjectNode d = data.putObject("deadLetters");
    d.put("id", "dead-letters");
    ArrayNode reasons = d.putArray("reasons");
    ArrayNode counts = d.putArray("counts");
    List<String[]> rows = new ArrayList<>();
    for (Reason r : top.subList(0, Math.min(HtmlReport.MAX_REASONS, top.size()))) {
      reasons.add(r.stage + ": " + r.reason);
      counts.add(r.count);
      shown += r.count;
      rows.add(new String[] {r.stage, r.reason, Long.toString(r.count), r.firstSource});
    }
    long other = model.deadLetters - shown;
    if (other > 0) {
      reasons.add("other reasons");
      counts.add(other);
      rows.add(new String[] {"", "other reasons", Long.toString(other), ""});
    }
    out.append("<div class=\"chart\" id=\"dead-letters\" style=\"height:").append(Math.max(200, 70 + 22 * rows.size()))
        .append("px\"></div>\n");
    table(out, new String[] {"stage", "reason", "count", "first (topic / partition @ offset)"},
        new boolean[] {false, false, true, false}, rows);
    out.append("</section>\n");
  }

  private static void scoringTable(StringBuilder out, List<ScoringTable.Row> scoring) {
    if (scoring.isEmpty()) {
      return;
    }
    out.append("<section id=\"scoring\">\n<h2>What-if scoring</h2>\n<p class=\"note\">River's drift-detection metrics"
        + " in event time, per rule set and rule (* is the set as one detector), as featuremon score prints them;"
        + " nan is undefined.</p>\n");
    String[] headers = SCORING_COLUMNS.stream().map(Column::header).toArray(String[]::new);
    boolean[] numeric = new boolean[headers.length];
    for (int i = 0; i < numeric.length; i++) {
      numeric[i] = SCORING_COLUMNS.get(i).numeric();
    }
    List<String[]> rows = new ArrayList<>();
    for (ScoringTable.Row r : scoring) {
      rows.add(SCORING_COLUMNS.stream().map(c -> c.cell().apply(r)).toArray(String[]::new));
    }
    out.append("<div class=\"wide\">\n");
    table(out, headers, numeric, rows);
    out.append("</div>\n</section>\n");
  }

  private static void table(StringBuilder out, String[] headers, boolean[] numeric, List<String[]> rows) {
    out.append("<table>\n<thead><tr>");
    for (int i = 0; i < headers.length; i++) {
      out.append(numeric[i] ? "<th class=\"num\">" : "<th>").append(esc(headers[i])).append("</th>");
    }
    out.append("</tr></thead>\n<tbody>\n");
    for (String[] row : rows) {
      out.append("<tr>");
      for (int i = 0; i < row.length; i++) {
        out.append(numeric[i] ? "<td class=\"num\">" : "<td>").append(esc(row[i] == null ? "" : row[i]))
            .append("</td>");
      }
      out.append("</tr>\n");
    }
    out.append("</tbody>\n</table>\n");
  }

  /** Score cells as {@link ScoringTable} formats them: NaN as nan, infinities as inf. */
  static String decimal(double v, int places) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%." + places + "f", v);
  }

  static String duration(long ms) {
    if (ms % 86_400_000L == 0) {
      return ms / 86_400_000L + "d";
    }
    if (ms % 3_600_000L == 0) {
      return ms / 3_600_000L + "h";
    }
    if (ms % 60_000L == 0) {
      return ms / 60_000L + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** Text for HTML content and attribute values. */
  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * The data as JSON safe inside a script element: '<', '>' and '&' only occur inside JSON strings, where
   * {@code \u003c} etc. mean the same, so no {@code </script>} or {@code <!--} in the data can end or alter the
   * element.
   */
  static String json(JsonNode data) {
    try {
      String json = HtmlReport.json().writeValueAsString(data);
      return json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026");
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = Page.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("io/featuremon/report/" + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
