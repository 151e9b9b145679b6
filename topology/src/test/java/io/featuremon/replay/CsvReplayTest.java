package io.featuremon.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.config.FeaturemonConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays of CSV files: the same outputs as the JSON Lines of the same rows, byte for byte, and every bad row told. */
class CsvReplayTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> OUTPUTS =
      List.of(Replay.WINDOW_STATS_FILE, Replay.MASKS_FILE, Replay.ALERTS_FILE, Replay.DEAD_LETTERS_FILE);

  @TempDir
  Path tmp;

  static FeaturemonConfig config(String windowSize) {
    return FeaturemonConfig.load(Map.of(FeaturemonConfig.WINDOW_SIZE, windowSize), null, Map.of());
  }

  private ReplayInput csv(Path file, CsvOptions options, List<String> notes) {
    return new ReplayInput(file, InputFormat.CSV, options, ReplayInput.MAX_CHARS, notes::add);
  }

  private static void assertSameOutputs(Path expected, Path actual, List<String> files) throws IOException {
    for (String f : files) {
      assertThat(Files.readAllBytes(actual.resolve(f))).as(f).isEqualTo(Files.readAllBytes(expected.resolve(f)));
    }
  }

  /** RFC 4180 by hand: every cell quoted, quotes doubled; null is an empty unquoted cell. */
  private static String row(List<?> cells) {
    List<String> out = new ArrayList<>();
    for (Object c : cells) {
      out.add(c == null ? "" : "\"" + c.toString().replace("\"", "\"\"") + "\"");
    }
    return String.join(",", out);
  }

  @Test
  void pythonsCsvOfMacrodataReplaysByteForByteAsItsJsonLines() throws Exception {
    // macrodata.csv was written from macrodata.jsonl by Python's csv module (command in data/README.md).
    Path jsonlOut = tmp.resolve("jsonl");
    Path csvOut = tmp.resolve("csv");
    List<String> notes = new ArrayList<>();
    Replay.Summary j = new Replay(config("40d")).run(ReplayTest.DATA.resolve("macrodata.jsonl"), jsonlOut, n -> {});
    Replay.Summary c = new Replay(config("40d")).run(csv(ReplayTest.DATA.resolve("macrodata.csv"), CsvOptions.DEFAULT,
        notes), csvOut, n -> {});

    assertThat(c.events()).isEqualTo(j.events()).isEqualTo(203);
    assertThat(c.lines()).isEqualTo(204); // the header
    assertThat(c.windows()).isEqualTo(6);
    assertSameOutputs(jsonlOut, csvOut, OUTPUTS);
    assertThat(notes.get(0)).contains("model from 'model'", "event time from 'timestamp'", "request id from 'id'");
    assertThat(notes.get(1)).contains("12 features", "first pass over 203 rows", "12 numeric (realgdp,",
        "none categorical");
  }

  /**
   * Wine with a categorical column whose values need quoting (delimiters, quotes, line breaks), zip codes kept as
   * text by an option, missing values, ISO-8601 times, CRLF line ends and a byte-order mark; written once as JSON
   * Lines and once as CSV from the same values.
   */
  @Test
  void quotedCellsMissingValuesIsoTimesAndAnOverrideReplayAsTheirJsonLines() throws Exception {
    List<String> notes = List.of("plain", "with, comma", "say \"hi\"", "two\nlines", "  padded  ");
    List<String> jsonl = new ArrayList<>();
    List<String> csv = new ArrayList<>();
    int i = 0;
    List<String> header = null;
    for (String line : Files.readAllLines(ReplayTest.DATA.resolve("wine.jsonl"))) {
      ObjectNode event = (ObjectNode) JSON.readTree(line);
      ObjectNode features = (ObjectNode) event.get("features");
      features.put("note", notes.get(i % notes.size()));
      features.put("zip", String.format("%05d", 1000 + (i % 7) * 1111));
      if (i % 9 == 4) {
        features.putNull("ash");
      }
      if (i % 11 == 5) {
        features.putNull("note");
      }
      jsonl.add(JSON.writeValueAsString(event));
      if (header == null) {
        header = new ArrayList<>(List.of("id", "model", "timestamp"));
        features.fieldNames().forEachRemaining(header::add);
        csv.add(String.join(",", header));
      }
      List<Object> cells = new ArrayList<>(List.of(event.get("id").asText(), event.get("model").asText(),
          Instant.ofEpochMilli(event.get("timestamp").asLong()).toString()));
      for (Iterator<JsonNode> it = features.elements(); it.hasNext(); ) {
        JsonNode v = it.next();
        cells.add(v.isNull() ? null : v.isNumber() ? Double.toString(v.doubleValue()) : v.asText());
      }
      csv.add(row(cells));
      i++;
    }
    Path jsonlFile = tmp.resolve("wine+.jsonl");
    Files.write(jsonlFile, jsonl);
    Path csvFile = tmp.resolve("wine+.csv");
    Files.writeString(csvFile, "\uFEFF" + String.join("\r\n", csv) + "\r\n");

    List<String> seen = new ArrayList<>();
    Replay.Summary c = new Replay(config("1h")).run(csv(csvFile, new CsvOptions(null,
        Map.of("zip", CsvOptions.Kind.CATEGORICAL), Set.of(), null), seen), tmp.resolve("csv"), n -> {});
    new Replay(config("1h")).run(jsonlFile, tmp.resolve("jsonl"), n -> {});

    assertThat(c.events()).isEqualTo(178);
    assertThat(c.deadLetters()).isZero();
    assertSameOutputs(tmp.resolve("jsonl"), tmp.resolve("csv"), OUTPUTS);
    assertThat(seen.get(1)).contains("15 features, types from a first pass over 178 rows",
        "13 numeric", "2 categorical (note, zip)");
    // The same file without the option: the zip codes become numbers (and the note says why that may be wrong).
    seen.clear();
    new Replay(config("1h")).run(csv(csvFile, CsvOptions.DEFAULT, seen), tmp.resolve("csv-numeric-zip"), n -> {});
    assertThat(seen.get(1)).contains("14 numeric", "1 categorical (note)");
    assertThat(seen).anySatisfy(n -> assertThat(n).contains("column 'zip' is numeric, but '01000' on line 2 has a"
        + " leading zero", "--column zip=categorical"));
    assertThat(Files.readAllBytes(tmp.resolve("csv-numeric-zip").resolve(Replay.WINDOW_STATS_FILE)))
        .isNotEqualTo(Files.readAllBytes(tmp.resolve("csv").resolve(Replay.WINDOW_STATS_FILE)));
  }

  @Test
  void typesComeFromTheWholeFileAndMissingTextsAndOverridesChangeThem() throws Exception {
    StringBuilder file = new StringBuilder("model,ts,x,score,size,grade\n");
    long t = 1_767_225_600_000L;
    for (int r = 0; r < 20; r++) {
      // score: numbers, and one NA at the end; size: numbers, with a text on the last row; grade: letters.
      String score = r == 19 ? "NA" : Double.toString(r * 0.5);
      String size = r == 19 ? "big" : Integer.toString(r % 4);
      file.append("m,").append(t + r * 60_000).append(',').append(r % 5).append(',').append(score).append(',')
          .append(size).append(',').append((char) ('A' + r % 3)).append('\n');
    }
    Path csvFile = tmp.resolve("types.csv");
    Files.writeString(csvFile, file);

    List<String> notes = new ArrayList<>();
    new Replay(config("1h")).run(csv(csvFile, CsvOptions.DEFAULT, notes), tmp.resolve("a"), n -> {});
    assertThat(notes.get(1)).contains("1 numeric (x)", "3 categorical (score, size, grade)");
    assertThat(notes).anySatisfy(n -> assertThat(n).contains("column 'score' is categorical: 19 values are numbers,"
        + " but 'NA' on line 21 is not", "--missing 'NA' reads it so"));
    assertThat(notes).anySatisfy(n -> assertThat(n).contains("column 'size' is categorical", "'big' on line 21")
        .doesNotContain("--missing"));

    notes.clear();
    Replay.Summary s = new Replay(config("1h")).run(csv(csvFile, new CsvOptions(null,
        Map.of("size", CsvOptions.Kind.NUMERIC), Set.of("NA"), null), notes), tmp.resolve("b"), n -> {});
    assertThat(notes.get(1)).contains("3 numeric (x, score, size)", "1 categorical (grade)");
    // The row with 'big' in a column given as numeric is a dead letter; the NA is a missing value.
    assertThat(s.events()).isEqualTo(19);
    assertThat(s.parseFailures()).isEqualTo(1);
    JsonNode letter = JSON.readTree(Files.readAllLines(tmp.resolve("b").resolve(Replay.DEAD_LETTERS_FILE)).get(0));
    assertThat(letter.get("line").asLong()).isEqualTo(21);
    assertThat(letter.get("reason").asText()).isEqualTo("column 'size': 'big' is not a number (--column size=numeric)");
    assertThat(letter.get("stage").asText()).isEqualTo("parse");
    assertThat(letter.get("sourceTopic").asText()).isEqualTo("file:types.csv");
  }

  @Test
  void everyBadRowIsADeadLetterWithItsLineAndTheGoodRowsGiveTheCleanResults() throws Exception {
    List<String> clean = Files.readAllLines(ReplayTest.DATA.resolve("macrodata.csv"));
    String good = clean.get(1);
    String[] cells = good.split(",");
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put(good + ",1.0", "row of 16 cells, the header has 15");
    bad.put(String.join(",", List.of(cells).subList(0, 14)), "row of 14 cells, the header has 15");
    bad.put(good.replace(cells[1], ""), "no event time: column 'timestamp' is empty");
    bad.put(good.replace(cells[1], "2026-01-01 00:00:00"), "column 'timestamp': '2026-01-01 00:00:00' is neither"
        + " epoch milliseconds nor ISO-8601 (it has no time zone: 2026-01-01T00:00:00Z is UTC");
    bad.put(good.replace(cells[1], "yesterday"), "column 'timestamp': 'yesterday' is neither epoch milliseconds nor"
        + " ISO-8601");
    bad.put(good.replace("," + cells[3] + ",", ",\"" + cells[3] + "\"x,"), "cell 4 has text after its closing quote");
    bad.put(good.replace("," + cells[3] + ",", ",\"" + cells[3] + ","), "cell 4 opens a quote that is still open at"
        + " the end of the file");

    // Each bad row goes after a good one, inside the first window, so nothing else about it can count.
    List<String> noisy = new ArrayList<>(clean.subList(0, 3));
    for (String line : bad.keySet()) {
      noisy.add(line);
      noisy.add(clean.get(noisy.size() - (noisy.size() - 3) / 2 - 1));
    }
    noisy.addAll(clean.subList(3 + bad.size(), clean.size()));
    assertThat(noisy).hasSize(clean.size() + bad.size());
    Path noisyFile = tmp.resolve("noisy.csv");
    Files.write(noisyFile, noisy);

    Replay.Summary s = new Replay(config("40d")).run(ReplayInput.of(noisyFile), tmp.resolve("noisy"), n -> {});
    new Replay(config("40d")).run(ReplayInput.of(ReplayTest.DATA.resolve("macrodata.csv")), tmp.resolve("clean"),
        n -> {});

    // Bad rows never reach the topology: every window, mask and alert is the clean file's.
    assertSameOutputs(tmp.resolve("clean"), tmp.resolve("noisy"),
        List.of(Replay.WINDOW_STATS_FILE, Replay.MASKS_FILE, Replay.ALERTS_FILE));
    assertThat(s.events()).isEqualTo(203);
    assertThat(s.deadLetters()).isEqualTo(bad.size());
    List<JsonNode> letters = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("noisy").resolve(Replay.DEAD_LETTERS_FILE))) {
      letters.add(JSON.readTree(line));
    }
    for (Map.Entry<String, String> e : bad.entrySet()) {
      long line = noisy.indexOf(e.getKey()) + 1;
      JsonNode letter = letters.stream().filter(l -> l.path("line").asLong() == line).findFirst()
          .orElseThrow(() -> new AssertionError("no dead letter for line " + line + ": " + e.getValue()));
      assertThat(letter.get("reason").asText()).as("line %d", line).contains(e.getValue());
      assertThat(new String(java.util.Base64.getDecoder().decode(letter.get("value").asText()), StandardCharsets.UTF_8))
          .as("line %d", line).isEqualTo(e.getKey());
    }
  }

  @Test
  void aQuotedCellWithALineBreakIsOneRowAndAQuoteLeftOpenCostsOnlyItsRow() throws Exception {
    Path file = tmp.resolve("breaks.csv");
    Files.writeString(file, """
        model,timestamp,x,comment
        m,1767225600000,1,"first
        second"
        m,1767225660000,2,"never closed
        m,1767225720000,3,fine
        m,1767225780000,4,"a ""quoted"" word"
        """);
    Replay.Summary s = new Replay(config("1h")).run(ReplayInput.of(file), tmp.resolve("out"), n -> {});
    assertThat(s.lines()).isEqualTo(6);
    assertThat(s.records()).isEqualTo(4);
    assertThat(s.events()).isEqualTo(3);
    JsonNode letter = JSON.readTree(Files.readAllLines(tmp.resolve("out").resolve(Replay.DEAD_LETTERS_FILE)).get(0));
    assertThat(letter.get("line").asLong()).isEqualTo(4);
    // Its quote ran on until the quotes of line 6: one bad row, and lines 5 and 6 are read again as rows.
    assertThat(letter.get("reason").asText()).isEqualTo("a quoted cell opened on line 4 runs to line 6, where text"
        + " follows its closing quote; is a quote missing on line 4? (a quote inside a quoted cell is written twice;"
        + " reading goes on at line 5)");
    assertThat(new String(java.util.Base64.getDecoder().decode(letter.get("value").asText()), StandardCharsets.UTF_8))
        .isEqualTo("m,1767225660000,2,\"never closed");
    // The events as the topology gets them: the line break and the doubled quotes are part of the values.
    List<Object> comments = new ArrayList<>();
    try (EventSource source = ReplayInput.of(file).open(config("1h"))) {
      for (EventSource.Item item = source.next(); item != null; item = source.next()) {
        if (item.event() != null) {
          comments.add(((io.featuremon.avro.FeatureEvent) item.event().avro()).getFeatures().get("comment"));
        }
      }
    }
    assertThat(comments).containsExactly("first\nsecond", "fine", "a \"quoted\" word");
  }

  @Test
  void headerProblemsStopTheReplayBeforeItWritesAnything() throws Exception {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("model,age,income", "has no event-time column (timestamp, ts, time or event_time): name it with"
        + " --column NAME=time; its columns: 'model', 'age', 'income'");
    headers.put("ts,age,income", "has no model column: name it with --column NAME=model, or give every row's model"
        + " with --model NAME");
    headers.put("model,timestamp,time,age", "columns 'timestamp' and 'time' could each be the time; say which with"
        + " --column timestamp=time (and what the other is: --column time=numeric|categorical|ignore)");
    headers.put("model,ts,age,age", "column 'age' is named twice in the header (columns 3 and 4)");
    headers.put("model;ts;age", "the header is one column, 'model;ts;age': is the file separated by ';'?"
        + " (--delimiter ';')");
    headers.put("model,ts", "has no feature columns");
    headers.put("", "is empty: a CSV file starts with a header row");
    for (Map.Entry<String, String> e : headers.entrySet()) {
      Path file = tmp.resolve("h" + e.getKey().hashCode() + ".csv");
      Files.writeString(file, e.getKey().isEmpty() ? "" : e.getKey() + "\nm,1767225600000,1,2\n");
      Path out = tmp.resolve("out" + e.getKey().hashCode());
      assertThatThrownBy(() -> new Replay(config("1h")).run(ReplayInput.of(file), out, n -> {}))
          .as(e.getKey()).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(e.getValue());
      assertThat(out).as(e.getKey()).doesNotExist();
    }

    Path file = tmp.resolve("ok.csv");
    Files.writeString(file, "model,ts,age,zip\nm,1767225600000,1,02139\n");
    Map<CsvOptions, String> options = new LinkedHashMap<>();
    options.put(new CsvOptions(null, Map.of("Zip", CsvOptions.Kind.CATEGORICAL), Set.of(), null),
        "--column Zip=categorical: " + file + " has no column 'Zip' (did you mean 'zip'?)");
    options.put(new CsvOptions("churn", Map.of(), Set.of(), null), "--model churn is given, and " + file
        + " has a column 'model': drop --model to take each row's model from it, or say what the column is instead"
        + " (--column model=ignore");
    options.put(new CsvOptions(null, Map.of("age", CsvOptions.Kind.TIME, "ts", CsvOptions.Kind.TIME), Set.of(), null),
        "--column gives two columns as the time");
    for (Map.Entry<CsvOptions, String> e : options.entrySet()) {
      assertThatThrownBy(() -> new Replay(config("1h")).run(csv(file, e.getKey(), new ArrayList<>()),
          tmp.resolve("o"), n -> {})).hasMessageContaining(e.getValue());
    }
    assertThatThrownBy(() -> new ReplayInput(tmp.resolve("x.jsonl"), InputFormat.JSONL, new CsvOptions("m", Map.of(),
        Set.of(), null), ReplayInput.MAX_CHARS, n -> {})).hasMessageContaining("are for CSV input")
        .hasMessageContaining("--format csv");
  }

  @Test
  void aFileWithoutModelColumnTakesTheModelOptionAndIgnoredColumnsAreLeftOut() throws Exception {
    Path withModel = tmp.resolve("with.csv");
    Path without = tmp.resolve("without.csv");
    StringBuilder a = new StringBuilder("model,timestamp,x,y\n");
    StringBuilder b = new StringBuilder(",Time,x,label,y\n"); // an unnamed index column, as pandas writes one
    for (int r = 0; r < 30; r++) {
      long t = 1_767_225_600_000L + r * 60_000L;
      a.append("churn,").append(t).append(',').append(r).append(',').append(r * r % 7).append('\n');
      b.append(r).append(',').append(Instant.ofEpochMilli(t)).append(',').append(r).append(",label").append(r)
          .append(',').append(r * r % 7).append('\n');
    }
    Files.writeString(withModel, a);
    Files.writeString(without, b);
    List<String> notes = new ArrayList<>();
    new Replay(config("1h")).run(ReplayInput.of(withModel), tmp.resolve("a"), n -> {});
    new Replay(config("1h")).run(csv(without, new CsvOptions("churn", Map.of("label", CsvOptions.Kind.IGNORE),
        Set.of(), null), notes), tmp.resolve("b"), n -> {});
    assertSameOutputs(tmp.resolve("a"), tmp.resolve("b"), OUTPUTS);
    assertThat(notes.get(0)).contains("model 'churn' (--model)", "event time from 'Time'",
        "ignored: column 1 (no name), 'label'");
  }

  @Test
  void aSemicolonFileWithItsDelimiterAndATsvFileReplayAsTheCommaFile() throws Exception {
    List<String> lines = Files.readAllLines(ReplayTest.DATA.resolve("macrodata.csv"));
    Path semicolons = tmp.resolve("macro-semicolons.csv");
    Path tabs = tmp.resolve("macro.tsv");
    Files.write(semicolons, lines.stream().map(l -> l.replace(',', ';')).toList());
    Files.write(tabs, lines.stream().map(l -> l.replace(',', '\t')).toList());
    new Replay(config("40d")).run(ReplayTest.DATA.resolve("macrodata.csv"), tmp.resolve("comma"), n -> {});
    new Replay(config("40d")).run(csv(semicolons, new CsvOptions(null, Map.of(), Set.of(), ';'), new ArrayList<>()),
        tmp.resolve("semicolon"), n -> {});
    new Replay(config("40d")).run(tabs, tmp.resolve("tab"), n -> {});
    assertSameOutputs(tmp.resolve("comma"), tmp.resolve("semicolon"), OUTPUTS);
    assertSameOutputs(tmp.resolve("comma"), tmp.resolve("tab"), OUTPUTS);
    // Without the option the semicolon file is one column, and the message says what to try.
    assertThatThrownBy(() -> new Replay(config("40d")).run(semicolons, tmp.resolve("x"), n -> {}))
        .hasMessageContaining("--delimiter ';'");
  }

  @Test
  void aProfileFromCsvIsTheProfileFromTheSameJsonLines() throws Exception {
    Path csvFile = tmp.resolve("wine.csv");
    List<String> out = new ArrayList<>();
    List<String> names = null;
    for (String line : Files.readAllLines(ReplayTest.DATA.resolve("wine.jsonl"))) {
      JsonNode event = JSON.readTree(line);
      if (names == null) {
        names = new ArrayList<>();
        event.get("features").fieldNames().forEachRemaining(names::add);
        out.add("model,timestamp,id," + String.join(",", names));
      }
      List<Object> cells = new ArrayList<>(List.of(event.get("model").asText(), event.get("timestamp").asLong(),
          event.get("id").asText()));
      for (String n : names) {
        cells.add(event.get("features").get(n).doubleValue());
      }
      out.add(row(cells));
    }
    Files.write(csvFile, out);
    FeaturemonConfig config = FeaturemonConfig.load(Map.of(), null, Map.of());
    Replay.Summary c = Replay.profile(config, ReplayInput.of(csvFile), tmp.resolve("csv.profile"), n -> {});
    Replay.profile(config, ReplayTest.DATA.resolve("wine.jsonl"), tmp.resolve("jsonl.profile"), n -> {});
    assertThat(c.events()).isEqualTo(178);
    assertThat(Files.size(tmp.resolve("csv.profile"))).isGreaterThan(1_000);
    assertThat(Files.readAllBytes(tmp.resolve("csv.profile")))
        .isEqualTo(Files.readAllBytes(tmp.resolve("jsonl.profile")));
  }

  @Test
  void linesAndRowsPastTheBoundAreDeadLettersAndReadingGoesOn() throws Exception {
    int bound = 200;
    String good = "m,1767225600000,1,2";
    Path file = tmp.resolve("long.csv");
    Files.writeString(file, "model,timestamp,x,y\n"
        + good + "\n"
        + "m,1767225600000,1," + "9".repeat(300) + "\n"                  // line 3: one line past the bound
        + "m,1767225600000,1,\"" + "a\n".repeat(120) + "\"\n"             // line 4: a quoted cell past the bound
        + good + "\n");
    Replay.Summary s = new Replay(config("1h")).run(new ReplayInput(file, InputFormat.CSV, CsvOptions.DEFAULT, bound,
        n -> {}), tmp.resolve("out"), n -> {});
    List<JsonNode> letters = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("out").resolve(Replay.DEAD_LETTERS_FILE))) {
      letters.add(JSON.readTree(line));
    }
    assertThat(letters.get(0).get("line").asLong()).isEqualTo(3);
    assertThat(letters.get(0).get("reason").asText()).isEqualTo("line of 318 characters, more than 200 (its first 200"
        + " are in this dead letter's value)");
    assertThat(letters.get(1).get("line").asLong()).isEqualTo(4);
    assertThat(letters.get(1).get("reason").asText()).contains("still open at the bound of 200 characters a row");
    // Reading went on at line 5: the lines of the runaway cell ("a") are rows of one cell each, then the good row.
    assertThat(letters.subList(2, letters.size())).allSatisfy(l ->
        assertThat(l.get("reason").asText()).isIn("row of 1 cell, the header has 4",
            "cell 1 opens a quote that is still open at the end of the file; is a quote missing? (a quote inside a"
                + " quoted cell is written twice; reading goes on at line 125)"));
    assertThat(s.events()).isEqualTo(2);

    Path jsonl = tmp.resolve("long.jsonl");
    String event = "{\"type\":\"features\",\"model\":\"m\",\"timestamp\":1767225600000,\"features\":{\"x\":1}}";
    Files.writeString(jsonl, event + "\n" + "{\"x\":\"" + "y".repeat(5_000) + "\"}\n" + event + "\n");
    Replay.Summary j = new Replay(config("1h")).run(new ReplayInput(jsonl, InputFormat.JSONL, CsvOptions.DEFAULT,
        1_000, n -> {}), tmp.resolve("jsonl"), n -> {});
    assertThat(j.events()).isEqualTo(2);
    JsonNode letter = JSON.readTree(Files.readAllLines(tmp.resolve("jsonl").resolve(Replay.DEAD_LETTERS_FILE)).get(0));
    assertThat(letter.get("line").asLong()).isEqualTo(2);
    assertThat(letter.get("reason").asText()).startsWith("line of 5008 characters, more than 1000");
  }

  @Test
  void tooManyFeatureColumnsAndBytesThatAreNotUtf8StopTheReplayNamingWhy() throws Exception {
    Path wide = tmp.resolve("wide.csv");
    StringBuilder header = new StringBuilder("model,ts");
    for (int c = 0; c < 6; c++) {
      header.append(",f").append(c);
    }
    Files.writeString(wide, header + "\n");
    FeaturemonConfig narrow = FeaturemonConfig.load(Map.of(FeaturemonConfig.INPUT_MAX_FEATURES, "5"), null, Map.of());
    assertThatThrownBy(() -> new Replay(narrow).run(wide, tmp.resolve("w"), n -> {}))
        .hasMessageContaining("has 6 feature columns, more than input.max.features=5");

    Path latin1 = tmp.resolve("latin1.csv");
    Files.write(latin1, "model,ts,city\nm,1767225600000,Koln\nm,1767225660000,K\u00f6ln\n"
        .getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> new Replay(config("1h")).run(latin1, tmp.resolve("l"), n -> {}))
        .isInstanceOf(IOException.class).hasMessageContaining("line 3 is not UTF-8");
  }

  @Test
  void secondsInACsvFileAreDeadLettersThatSayWhatTheyMean() throws Exception {
    Path file = tmp.resolve("seconds.csv");
    Files.writeString(file, "model,ts,x\nm,1767225600,1\nm,1767225660,2\n");
    Replay.Summary s = new Replay(config("1h")).run(file, tmp.resolve("out"), n -> {});
    assertThat(s.events()).isEqualTo(2);
    assertThat(s.refused()).isEqualTo(2);
    assertThat(s.accepted()).isZero();
    assertThat(s.firstDeadLetter()).startsWith("line 2: timestamp 1767225600 looks like seconds: ×1000 gives"
        + " 2026-01-01T00:00:00Z");
    JsonNode second = JSON.readTree(Files.readAllLines(tmp.resolve("out").resolve(Replay.DEAD_LETTERS_FILE)).get(1));
    assertThat(second.get("line").asLong()).isEqualTo(3);
    assertThat(second.get("reason").asText()).contains("×1000 gives 2026-01-01T00:01:00Z");
  }
}
