package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay} and {@code profile} over JSON Lines and CSV: a CSV file replays as its JSON Lines, and a file that
 * gives nothing to compute fails with exit 3 and the likely cause.
 */
class ReplayCommandTest {

  @Test
  void csvInAFileNotNamedCsvShouldFailAndSayHowToReadItAsCsv(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("events.txt");
    Files.writeString(csv, "model,timestamp,age,country\nm,1767225600000,31,DE\nm,1767225660000,45,FR\n");

    CliRun run = CliRun.of("replay", "--input", csv.toString(), "--out", dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(ReplayCommand.NOTHING_PARSED);
    assertThat(run.err()).contains("none of the 3 lines", "looks like a CSV header", "'model,timestamp,age,country'",
        "read as JSON Lines (by its name): --format csv reads it as CSV", "dead-letters.jsonl");
    assertThat(Files.readAllLines(dir.resolve("out/dead-letters.jsonl"))).hasSize(3);

    CliRun asCsv = CliRun.of("replay", "--input", csv.toString(), "--format", "csv", "--out",
        dir.resolve("csv").toString());
    assertThat(asCsv.exit()).as(asCsv.err()).isZero();
    assertThat(asCsv.out()).contains("replayed 3 lines (2 events)");
    assertThat(asCsv.err()).contains("featuremon: reading events.txt as CSV: model from 'model', event time from"
        + " 'timestamp'", "1 numeric (age); 1 categorical (country)");
  }

  @Test
  void aCsvFileShouldReplayAsTheJsonLinesOfTheSameRowsByteForByte(@TempDir Path dir) throws Exception {
    Path data = Path.of("src/test/resources/data");
    CliRun jsonl = CliRun.of("replay", "--input", data.resolve("macrodata.jsonl").toString(), "--out",
        dir.resolve("jsonl").toString(), "--set", "window.size=40d");
    CliRun csv = CliRun.of("replay", "--input", data.resolve("macrodata.csv").toString(), "--out",
        dir.resolve("csv").toString(), "--set", "window.size=40d");

    assertThat(jsonl.exit()).as(jsonl.err()).isZero();
    assertThat(csv.exit()).as(csv.err()).isZero();
    assertThat(csv.out()).contains("replayed 204 lines (203 events)", "window-stats.jsonl   6");
    for (String f : new String[] {"window-stats.jsonl", "masks.jsonl", "alerts.jsonl", "dead-letters.jsonl"}) {
      assertThat(Files.readAllBytes(dir.resolve("csv").resolve(f))).as(f)
          .isEqualTo(Files.readAllBytes(dir.resolve("jsonl").resolve(f)));
    }
  }

  @Test
  void aCsvFileWhoseRowsAllFailShouldExit3WithTheFirstReason(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("dates.csv");
    Files.writeString(csv, "model,timestamp,age\nm,01/02/2026,31\nm,01/03/2026,45\n");

    CliRun run = CliRun.of("replay", "--input", csv.toString(), "--out", dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(ReplayCommand.NOTHING_PARSED);
    assertThat(run.err()).contains("none of the 2 rows of " + csv + " is an event; the first dead letter, line 2:"
        + " column 'timestamp': '01/02/2026' is neither epoch milliseconds nor ISO-8601", "dead-letters.jsonl");
  }

  @Test
  void eventsThatAreAllRefusedShouldExit3WithTheFirstReason(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("seconds.csv");
    Files.writeString(csv, "ts,age\n1767225600,31\n1767225660,45\n");

    CliRun run = CliRun.of("replay", "--input", csv.toString(), "--model", "churn", "--out",
        dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(ReplayCommand.NOTHING_PARSED);
    assertThat(run.out()).contains("replayed 3 lines (2 events)");
    assertThat(run.err()).contains("none of the 2 events of " + csv + " was accepted: each is a dead letter; the"
        + " first, line 2: timestamp 1767225600 looks like seconds: ×1000 gives 2026-01-01T00:00:00Z");
  }

  @Test
  void csvOptionsOnAJsonLinesFileOrAnUnknownKindShouldBeRefusedWithExit2(@TempDir Path dir) throws Exception {
    Path jsonl = dir.resolve("events.jsonl");
    Files.writeString(jsonl, "{\"type\":\"features\",\"model\":\"m\",\"timestamp\":1767225600000,"
        + "\"features\":{\"a\":1}}\n");
    Path csv = dir.resolve("events.csv");
    Files.writeString(csv, "model,ts,zip\nm,1767225600000,02139\n");

    CliRun options = CliRun.of("replay", "--input", jsonl.toString(), "--column", "zip=categorical", "--out",
        dir.resolve("a").toString());
    CliRun kind = CliRun.of("replay", "--input", csv.toString(), "--column", "zip=text", "--out",
        dir.resolve("b").toString());

    assertThat(options.exit()).isEqualTo(2);
    assertThat(options.err()).contains("are for CSV input", "read as JSON Lines", "--format csv");
    assertThat(kind.exit()).isEqualTo(2);
    assertThat(kind.err()).contains("--column zip=text: 'text' is not a column kind; one of numeric, categorical,");
  }

  @Test
  void profileShouldReadCsvAndExit3WithoutAProfileWhenNothingIsAccepted(@TempDir Path dir) throws Exception {
    Path data = Path.of("src/test/resources/data");
    CliRun good = CliRun.of("profile", "--input", data.resolve("macrodata.csv").toString(), "--out",
        dir.resolve("macro.profile").toString());
    assertThat(good.exit()).as(good.err()).isZero();
    assertThat(good.out()).contains("profiled 203 events (0 dead letters)");
    assertThat(dir.resolve("macro.profile")).isNotEmptyFile();

    Path seconds = dir.resolve("seconds.csv");
    Files.writeString(seconds, "model,ts,age\nm,1767225600,31\n");
    CliRun bad = CliRun.of("profile", "--input", seconds.toString(), "--out", dir.resolve("bad.profile").toString());
    assertThat(bad.exit()).isEqualTo(ReplayCommand.NOTHING_PARSED);
    assertThat(bad.err()).contains("looks like seconds", "no profile written");
    assertThat(dir.resolve("bad.profile")).doesNotExist();
  }

  @Test
  void everyCommandsHelpLinesShouldFitEightyColumnsAsWritten() {
    // picocli wraps at 80 columns: a longer line breaks mid-sentence and its successor starts a new line.
    for (Class<?> command : new Class<?>[] {Main.class, RunCommand.class, ReplayCommand.class,
        BacktestCommand.class, ProfileCommand.class, ScoreCommand.class, ReportCommand.class, ConfigCommand.class}) {
      Command c = command.getAnnotation(Command.class);
      for (String[] lines : new String[][] {c.description(), c.footer()}) {
        for (String line : lines) {
          assertThat(line.length()).as("%s: %s", command.getSimpleName(), line).isLessThanOrEqualTo(80);
        }
      }
    }
  }

  @Test
  void aJsonArrayOrJsonThatIsNoEventShouldFailWithItsOwnCause(@TempDir Path dir) throws Exception {
    Path array = dir.resolve("array.json");
    Files.writeString(array, "[{\"type\":\"features\"},\n{\"type\":\"features\"}]\n");
    Path notEvents = dir.resolve("other.jsonl");
    Files.writeString(notEvents, "{\"hello\":\"world\"}\n");

    CliRun a = CliRun.of("replay", "--input", array.toString(), "--out", dir.resolve("a").toString());
    CliRun b = CliRun.of("replay", "--input", notEvents.toString(), "--out", dir.resolve("b").toString());

    assertThat(a.exit()).isEqualTo(ReplayCommand.NOTHING_PARSED);
    assertThat(a.err()).contains("a JSON array");
    assertThat(b.exit()).isEqualTo(ReplayCommand.NOTHING_PARSED);
    assertThat(b.err()).contains("JSON but not events", "type, model, timestamp");
  }

  @Test
  void oneGoodLineAmongBadOnesShouldStillSucceed(@TempDir Path dir) throws Exception {
    Path mixed = dir.resolve("mixed.jsonl");
    Files.writeString(mixed, "not json\n{\"type\":\"features\",\"model\":\"m\",\"timestamp\":1767225600000,"
        + "\"features\":{\"age\":31}}\n");

    CliRun run = CliRun.of("replay", "--input", mixed.toString(), "--out", dir.resolve("out").toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(run.out()).contains("replayed 2 lines (1 events)");
  }
}
