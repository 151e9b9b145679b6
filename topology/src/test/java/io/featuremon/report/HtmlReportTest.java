package io.featuremon.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.stats.scoring.Incident;
import io.featuremon.stats.scoring.Score;
import io.featuremon.stats.scoring.ScoringTable;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String HOSTILE = "</script><script>alert(1)</script><!--";
  static final long HOUR = 3_600_000L;
  static final long T0 = ReportFixtures.T0;

  @TempDir
  Path tmp;

  @Test
  void theSameDirectoryShouldGiveByteIdenticalPages() throws Exception {
    ReportFixtures.Run run = ReportFixtures.macro(tmp);
    Path a = tmp.resolve("a.html");
    Path b = tmp.resolve("b.html");
    HtmlReport.write(run.dir(), run.incidents(), run.scoring(), "macro", a);
    HtmlReport.write(run.dir(), run.incidents(), run.scoring(), "macro", b);
    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
    // a replay into another directory gives the same page but for the directory's name and path
    ReportFixtures.Run again = ReportFixtures.macro(tmp.resolve("again"));
    String first = Files.readString(a).replace(run.dir().toString(), "DIR");
    String second = HtmlReport.render(again.dir(), run.incidents(), run.scoring(), "macro")
        .replace(again.dir().toString(), "DIR");
    assertThat(second).isEqualTo(first);
  }

  @Test
  void thePageShouldFetchNothing() throws Exception {
    ReportFixtures.Run run = ReportFixtures.minilm(tmp);
    String html = HtmlReport.render(run.dir(), run.incidents(), run.scoring(), "minilm");
    // attributes and CSS that would load something: none may name a scheme or a protocol-relative URL
    Matcher external = Pattern.compile("(?i)(src|href|action|data)\\s*=\\s*[\"']?\\s*(https?:|//)").matcher(html);
    assertThat(external.find()).as(external.hitEnd() ? "" : html.substring(Math.max(0, external.start() - 80),
        Math.min(html.length(), external.end() + 80))).isFalse();
    assertThat(html).doesNotContainIgnoringCase("@import").doesNotContainIgnoringCase("@font-face")
        .doesNotContainPattern("(?i)url\\(\\s*['\"]?https?:");
    assertThat(html).contains("Licensed under the Apache License", "Apache ECharts 5.3.1");
    // the page's charts and tables are there
    assertThat(html).contains("id=\"g0-metrics\"", "id=\"g0-drift\"", "id=\"report-check\"", "id=\"report-errors\"",
        "sensitive", "centroid", "descriptions of section net instead of utils", "<th class=\"num\">ep.recall</th>");
  }

  @Test
  void hostileNamesShouldStayInsideTheirStrings() throws Exception {
    Path dir = tmp.resolve("hostile");
    Files.createDirectories(dir.resolve("what-if"));
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("window-stats.jsonl"))) {
      for (int i = 0; i < 3; i++) {
        w.write(window("m" + HOSTILE, HOSTILE, T0 + i * HOUR, List.of(HOSTILE, "plain"), i > 0) + "\n");
      }
    }
    ObjectNode mask = base("m" + HOSTILE, HOSTILE, T0, T0 + HOUR);
    mask.put("version", 1);
    mask.put("threshold", 0.95);
    mask.putArray("kept").add("plain");
    ObjectNode dropped = mask.putArray("dropped").addObject();
    dropped.put("feature", HOSTILE).put("reason", HOSTILE).put("redundantWith", HOSTILE).put("corr", 0.99)
        .put("measure", HOSTILE);
    Files.writeString(dir.resolve("masks.jsonl"), mask + "\n");
    ObjectNode alert = base("m" + HOSTILE, HOSTILE, T0 + HOUR, T0 + 2 * HOUR);
    alert.put("fingerprint", HOSTILE).put("status", "firing").put("rule", HOSTILE).put("startsAt", T0 + 2 * HOUR);
    Files.writeString(dir.resolve("alerts.jsonl"), alert + "\n");
    Files.writeString(dir.resolve("what-if").resolve("x" + "'\"&.alerts.jsonl"), alert + "\n");
    ObjectNode dead = JSON.createObjectNode();
    dead.put("sourceTopic", HOSTILE).put("sourcePartition", 0).put("sourceOffset", 7).put("stage", HOSTILE)
        .put("reason", HOSTILE);
    Files.writeString(dir.resolve("dead-letters.jsonl"), dead + "\n");
    List<ScoringTable.Row> rows = List.of(new ScoringTable.Row(HOSTILE, HOSTILE, score()));
    String html = HtmlReport.render(dir, List.of(new Incident("m" + HOSTILE, null, T0, T0 + HOUR, HOSTILE)), rows,
        HOSTILE);

    // exactly the page's own four script elements open and close
    String lower = html.toLowerCase(Locale.ROOT);
    assertThat(count(lower, "<script")).isEqualTo(4);
    assertThat(count(lower, "</script")).isEqualTo(4);
    assertThat(lower).doesNotContain("<!--");
    assertThat(html).contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    // and the data block still parses back to the hostile names
    String block = html.substring(html.indexOf("<script type=\"application/json\" id=\"report-data\">"));
    block = block.substring(block.indexOf('>') + 1, block.indexOf("</script>"));
    JsonNode data = JSON.readTree(block);
    assertThat(data.at("/groups/0/label").asText()).startsWith("m" + HOSTILE);
    assertThat(data.at("/groups/0/drift/rows").toString()).contains(JSON.writeValueAsString(HOSTILE));
    assertThat(data.at("/groups/0/masks/rows/0").asText()).isEqualTo(HOSTILE);
    assertThat(data.at("/groups/0/alerts/0/rule").asText()).isEqualTo(HOSTILE);
    assertThat(data.at("/deadLetters/reasons/0").asText()).isEqualTo(HOSTILE + ": " + HOSTILE);
  }

  @Test
  void aWideLongRunShouldGiveABoundedPage() throws Exception {
    Path dir = tmp.resolve("wide");
    Files.createDirectories(dir);
    int windows = 3000;
    int features = 300;
    List<String> names = java.util.stream.IntStream.range(0, features).mapToObj(i -> "feature_" + i).toList();
    try (BufferedWriter w = Files.newBufferedWriter(dir.resolve("window-stats.jsonl"))) {
      for (int i = 0; i < windows; i++) {
        w.write(window("wide", null, T0 + i * HOUR, names, i > 0) + "\n");
      }
    }
    long input = Files.size(dir.resolve("window-stats.jsonl"));
    String html = HtmlReport.render(dir, List.of(), List.of(), "wide");
    int library = html.indexOf("</script>", html.indexOf("Apache ECharts"));
    long page = html.length() - library;
    assertThat(input).isGreaterThan(50L << 20);
    assertThat(page).as("the page without the library, for a %d MiB input", input >> 20).isLessThan(2L << 20);
    String block = html.substring(html.indexOf("id=\"report-data\">") + "id=\"report-data\">".length());
    JsonNode data = JSON.readTree(block.substring(0, block.indexOf("</script>")));
    assertThat(data.at("/groups/0/drift/rows").size()).isEqualTo(HtmlReport.MAX_HEATMAP_ROWS);
    assertThat(data.at("/groups/0/drift/total").asInt()).isEqualTo(features);
    assertThat(data.at("/groups/0/drift/columns").size()).isLessThanOrEqualTo(HtmlReport.MAX_COLUMNS);
    assertThat(data.at("/groups/0/metrics/fret").size()).isLessThanOrEqualTo(HtmlReport.MAX_LINE_POINTS);
    // the chart says what it left out
    assertThat(html).contains("' most drifted of '");
  }

  @Test
  void theScoringTableShouldHaveTheTerminalTablesColumnsAndNan() throws Exception {
    ReportFixtures.Run run = ReportFixtures.macro(tmp);
    String header = ScoringTable.render(run.scoring()).lines().findFirst().orElseThrow();
    int at = 0;
    for (Page.Column c : Page.SCORING_COLUMNS) {
      int next = header.indexOf(c.header(), at);
      assertThat(next).as(c.header()).isGreaterThanOrEqualTo(at);
      at = next + c.header().length();
    }
    assertThat(header.substring(at).isBlank()).isTrue();
    String html = HtmlReport.render(run.dir(), run.incidents(), run.scoring(), "macro");
    // the never-fire baseline has no alarms: its precision is undefined
    assertThat(html).containsPattern("<td>never-fire</td>.*<td class=\"num\">nan</td>");
    // every row's cells, as the terminal prints them
    for (String line : ScoringTable.render(run.scoring()).lines().skip(1).toList()) {
      String[] cells = line.trim().split("\\s{2,}");
      assertThat(html).contains("<td class=\"num\">" + cells[cells.length - 1] + "</td>");
    }
  }

  @Test
  void aDirectoryWithoutWindowStatsShouldSayWhatToGive() {
    assertThatThrownBy(() -> HtmlReport.render(tmp, List.of(), List.of(), "x"))
        .hasMessageContaining("no window-stats.jsonl in").hasMessageContaining("--out directory of a replay");
  }

  private static ObjectNode base(String model, String segment, long start, long end) {
    ObjectNode n = JSON.createObjectNode();
    n.put("model", model);
    n.put("segment", segment);
    n.put("type", "features");
    n.put("windowStart", start);
    n.put("windowEnd", end);
    return n;
  }

  /** A WindowStats record with drift for every feature (from the second window) and the first two as a pair. */
  private static String window(String model, String segment, long start, List<String> features, boolean drift) {
    ObjectNode n = base(model, segment, start, start + HOUR);
    n.put("count", 100);
    n.put("dimensions", features.size());
    ObjectNode r = n.putObject("redundancy");
    r.put("nonConstant", features.size());
    r.put("fretL1", 12.5 + (start / HOUR) % 7);
    r.put("meanAbsCorr", 0.3);
    r.put("meanSqCorr", 0.1);
    r.put("effectiveRank", 4.2);
    r.putArray("pairs").addObject().put("a", features.get(0)).put("b", features.get(1)).put("corr", -0.97);
    ObjectNode cluster = r.putArray("clusters").addObject();
    cluster.putArray("members").add(features.get(0)).add(features.get(1));
    cluster.put("size", 2);
    if (drift) {
      ObjectNode d = n.putObject("drift");
      d.put("referenceMode", "window");
      ObjectNode f = d.putObject("features");
      for (int i = 0; i < features.size(); i++) {
        double ks = ((start / HOUR * 31 + i * 17) % 100) / 100.0;
        f.putObject(features.get(i)).put("psi", ks * 2).put("ks", ks).put("js", ks / 2)
            .put("wasserstein", ks * 3).put("drifted", ks > 0.9);
      }
    } else {
      n.putNull("drift");
    }
    return n.toString();
  }

  private static Score score() {
    return new Score(0, 1, 0, 0, 0, Double.NaN, Double.NaN, 0, Double.NaN, 1, Double.NaN, Double.NaN, Double.NaN,
        0, Double.NaN, Double.NaN);
  }

  private static int count(String s, String what) {
    int n = 0;
    for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }

}
