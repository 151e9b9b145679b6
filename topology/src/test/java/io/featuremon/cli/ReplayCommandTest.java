package io.featuremon.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay} over files that are not JSON Lines of events: a failing exit and a message with the likely cause. */
class ReplayCommandTest {

  @Test
  void aCsvFileShouldFailAndSayItLooksLikeCsv(@TempDir Path dir) throws Exception {
    Path csv = dir.resolve("events.csv");
    Files.writeString(csv, "model,timestamp,age,country\nm,1767225600000,31,DE\nm,1767225660000,45,FR\n");

    CliRun run = CliRun.of("replay", "--input", csv.toString(), "--out", dir.resolve("out").toString());

    assertThat(run.exit()).isEqualTo(ReplayCommand.NOTHING_PARSED);
    assertThat(run.err()).contains("none of the 3 lines", "looks like a CSV header", "'model,timestamp,age,country'",
        "JSON Lines", "dead-letters.jsonl");
    assertThat(Files.readAllLines(dir.resolve("out/dead-letters.jsonl"))).hasSize(3);
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
