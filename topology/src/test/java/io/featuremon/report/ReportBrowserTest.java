package io.featuremon.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens real reports (replays of the MiniLM and the US macro data, with labelled incidents, a what-if rule set and a
 * scoring table) in headless Chromium and checks what a reader would see: the page drew every chart with data and
 * logged no error. A full-page screenshot of the MiniLM report is left in {@code target/report-screenshot.png}.
 *
 * <p>Needs Chromium ({@code apt-get install -y chromium}): without it the test is skipped, or fails when CI=true.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReportBrowserTest {
  static final ObjectMapper JSON = new ObjectMapper();
  /** Generous: a timeout means the page never finished, not that it was slow. */
  static final Duration READY = Duration.ofSeconds(60);

  @TempDir
  static Path tmp;

  private HeadlessChromium browser;

  @BeforeAll
  void startBrowser() throws Exception {
    Optional<Path> chromium = HeadlessChromium.executable();
    String missing = "no Chromium at " + HeadlessChromium.CANDIDATES + ": install it (apt-get install -y chromium) to"
        + " run the report's browser test";
    if (chromium.isEmpty()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(missing);
      }
      Assumptions.abort(missing);
    }
    browser = HeadlessChromium.start(chromium.get());
    browser.send("Runtime.enable", Map.of());
    browser.send("Log.enable", Map.of());
    browser.send("Page.enable", Map.of());
    browser.send("Emulation.setDeviceMetricsOverride", Map.of("width", 1280, "height", 900, "deviceScaleFactor", 1,
        "mobile", false));
  }

  @AfterAll
  void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void theMinilmReportShouldDrawEveryChartWithoutAnError() throws Exception {
    ReportFixtures.Run run = ReportFixtures.minilm(tmp);
    Path html = tmp.resolve("minilm.html");
    HtmlReport.write(run.dir(), run.incidents(), run.scoring(), "replay of minilm-utils-then-net.jsonl", html);
    JsonNode check = open(html);
    screenshot(Path.of("target/report-screenshot.png"));
    assertThat(check.path("points").has("g0-metrics")).isTrue();
    assertThat(check.path("points").has("g0-drift")).isTrue();
    // the metric chart holds the three metrics, one point per window
    assertThat(check.path("points").path("g0-metrics").asInt())
        .isEqualTo(3 * ReportFixtures.read(run.dir().resolve(Replay.WINDOW_STATS_FILE)).size());
  }

  @Test
  void theMacroReportShouldDrawEveryChartWithoutAnError() throws Exception {
    ReportFixtures.Run run = ReportFixtures.macro(tmp);
    Path html = tmp.resolve("macro.html");
    HtmlReport.write(run.dir(), run.incidents(), run.scoring(), "US macro, 40-day windows", html);
    JsonNode check = open(html);
    screenshot(Path.of("target/report-screenshot-macro.png"));
    assertThat(check.path("points").has("g0-masks")).isTrue();
  }

  /** Opens the page, waits for its test hook and checks it; returns #report-check. */
  private JsonNode open(Path html) throws Exception {
    int seen = browser.events.size();
    browser.send("Page.navigate", Map.of("url", html.toUri().toString()));
    long deadline = System.nanoTime() + READY.toNanos();
    while (true) {
      try {
        if (browser.evaluate("document.readyState === 'complete' && document.body.dataset.reportReady === 'true'")
            .asBoolean()) {
          break;
        }
      } catch (IllegalStateException e) {
        // the old document went away mid-evaluation while the new one loads: ask again
      }
      if (System.nanoTime() > deadline) {
        fail("the report did not set data-report-ready within " + READY + "; events: " + problems(seen)
            + "; chromium: " + browser.stderr());
      }
      Thread.sleep(100);
    }
    assertThat(problems(seen)).as("console errors, warnings and exceptions").isEmpty();
    assertThat(browser.evaluate("document.getElementById('report-errors').textContent").asText())
        .as("#report-errors").isEmpty();
    JsonNode check = JSON.readTree(browser.evaluate("document.getElementById('report-check').textContent").asText());
    JsonNode data = JSON.readTree(browser.evaluate("document.getElementById('report-data').textContent").asText());

    // every chart the data asks for was drawn, with data
    List<String> expected = new ArrayList<>();
    for (JsonNode g : data.path("groups")) {
      assertThat(g.path("charts").has("metrics")).as("%s has a metric chart", g.path("label")).isTrue();
      assertThat(g.path("charts").has("drift")).as("%s has a drift heatmap", g.path("label")).isTrue();
      g.path("charts").forEach(id -> expected.add(id.asText()));
    }
    if (data.has("deadLetters")) {
      expected.add(data.path("deadLetters").path("id").asText());
    }
    assertThat(expected).isNotEmpty();
    List<String> drawn = new ArrayList<>();
    check.path("points").fieldNames().forEachRemaining(drawn::add);
    assertThat(drawn).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(check.path("charts").asInt()).isEqualTo(expected.size());
    check.path("points").fields().forEachRemaining(e ->
        assertThat(e.getValue().asInt()).as("data points of chart %s", e.getKey()).isPositive());
    // each chart's canvas is on the page with a size
    assertThat(browser.evaluate("Array.from(document.querySelectorAll('.chart')).every(function (d) {"
        + " var c = d.querySelector('canvas'); return c && c.width > 0 && c.height > 0; })").asBoolean()).isTrue();
    return check;
  }

  /** Console errors and warnings, uncaught exceptions and error log entries since event {@code from}. */
  private List<String> problems(int from) {
    List<String> problems = new ArrayList<>();
    List<JsonNode> events = browser.events.subList(from, browser.events.size());
    for (JsonNode e : events) {
      String method = e.path("method").asText();
      JsonNode p = e.path("params");
      if (method.equals("Runtime.consoleAPICalled") && p.path("type").asText().matches("error|warning|assert")) {
        problems.add("console." + p.path("type").asText() + ": " + p.path("args"));
      } else if (method.equals("Runtime.exceptionThrown")) {
        problems.add("exception: " + p.path("exceptionDetails"));
      } else if (method.equals("Log.entryAdded") && p.path("entry").path("level").asText().equals("error")) {
        problems.add("log: " + p.path("entry"));
      }
    }
    return problems;
  }

  /** A full-page PNG: the viewport is 1280 wide, the capture as tall as the document. */
  private void screenshot(Path png) throws Exception {
    int height = browser.evaluate("Math.ceil(document.documentElement.scrollHeight)").asInt();
    JsonNode shot = browser.send("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true,
        "clip", Map.of("x", 0, "y", 0, "width", 1280, "height", height, "scale", 1)));
    Files.createDirectories(png.toAbsolutePath().getParent());
    Files.write(png, Base64.getDecoder().decode(shot.path("data").asText()));
  }
}
