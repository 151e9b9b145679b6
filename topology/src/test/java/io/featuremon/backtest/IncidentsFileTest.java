package io.featuremon.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.featuremon.stats.scoring.Incident;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IncidentsFileTest {

  static final long T = 1_772_359_200_000L; // 2026-03-01T10:00:00Z

  @Test
  void csv_isoAndEpochTimes_emptySegmentAndLabelAreNone_quotedCellsMayHoldCommas() {
    List<Incident> read = IncidentsFile.parseCsv("i.csv", """
        # labelled by on-call
        model,segment,start,end,label
        churn,eu,2026-03-01T10:00:00Z,2026-03-01T12:00:00+01:00,"schema, upstream"

        churn,,1772359200000,1772359200000,
        """);
    assertThat(read).containsExactly(
        new Incident("churn", "eu", T, T + 3_600_000, "schema, upstream"),
        new Incident("churn", null, T, T, null));
  }

  @Test
  void csv_errorsNameTheirLines_allAtOnce() {
    assertThatThrownBy(() -> IncidentsFile.parseCsv("i.csv", """
        model,segment,start,end,label
        churn,eu,yesterday,2026-03-01T12:00:00Z,x
        churn,eu,2026-03-01T12:00:00Z,2026-03-01T10:00:00Z,x
        ,eu,1,2,x
        churn,eu,1,2
        """))
        .isInstanceOf(IncidentsFileException.class)
        .hasMessageContaining("i.csv line 2: start yesterday is neither an ISO-8601 instant")
        .hasMessageContaining("i.csv line 3: end 2026-03-01T10:00:00Z is before start 2026-03-01T12:00:00Z")
        .hasMessageContaining("i.csv line 4: model is missing")
        .hasMessageContaining("i.csv line 5: expected 5 cells, as the header has, got 4");
  }

  @Test
  void csv_wrongHeader() {
    assertThatThrownBy(() -> IncidentsFile.parseCsv("i.csv", "model,begin,end\nchurn,1,2\n"))
        .hasMessageContaining("i.csv line 1: the header names the columns, in any order: model, start and end");
    assertThatThrownBy(() -> IncidentsFile.parseCsv("i.csv", "model,start,start,end\nchurn,1,2,3\n"))
        .hasMessageContaining("i.csv line 1: the header names the columns");
  }

  @Test
  void csv_columnsByNameInAnyOrder_segmentAndLabelOptional() {
    assertThat(IncidentsFile.parseCsv("i.csv", "End,model,start\n2,churn,1\n"))
        .containsExactly(new Incident("churn", null, 1, 2, null));
    assertThat(IncidentsFile.parseCsv("i.csv", "label,start,end,segment,model\nx,1,2,eu,churn\n"))
        .containsExactly(new Incident("churn", "eu", 1, 2, "x"));
  }

  @Test
  void yaml_listUnderIncidents_orBare() {
    String yaml = """
        incidents:
          - {model: churn, segment: eu, start: 2026-03-01T10:00:00Z, end: 2026-03-01T11:00:00Z, label: schema}
          - model: churn
            start: 1772359200000
            end: 1772359200000
        """;
    List<Incident> expected = List.of(new Incident("churn", "eu", T, T + 3_600_000, "schema"),
        new Incident("churn", null, T, T, null));
    assertThat(IncidentsFile.parseYaml("i.yaml", yaml)).isEqualTo(expected);
    assertThat(IncidentsFile.parseYaml("i.yaml", """
        - {model: churn, segment: eu, start: 2026-03-01T10:00:00Z, end: 2026-03-01T11:00:00Z, label: schema}
        - {model: churn, start: 1772359200000, end: 1772359200000}
        """)).isEqualTo(expected);
    assertThat(IncidentsFile.parseYaml("i.yaml", "")).isEmpty();
  }

  @Test
  void yaml_errorsNameTheIncidentsLine() {
    assertThatThrownBy(() -> IncidentsFile.parseYaml("i.yaml", """
        incidents:
          - {model: churn, start: 5, end: 10}
          - model: churn
            start: 20
          - {model: churn, start: 1, end: 2, severity: high}
        """))
        .hasMessageContaining("i.yaml line 3: end is missing")
        .hasMessageContaining("i.yaml line 5: unknown key severity");
    assertThatThrownBy(() -> IncidentsFile.parseYaml("i.yaml", "incidents: []\nrules: []\n"))
        .hasMessageContaining("i.yaml line 2: unexpected content after the list of incidents");
    assertThatThrownBy(() -> IncidentsFile.parseYaml("i.yaml", "incidents: [7]\n"))
        .hasMessageContaining("i.yaml line 1: every incident must be a mapping");
    assertThatThrownBy(() -> IncidentsFile.parseYaml("i.yaml", "rules: []\n"))
        .hasMessageContaining("i.yaml line 1: expected the key incidents");
    assertThatThrownBy(() -> IncidentsFile.parseYaml("i.yaml", "incidents: [{model: a, start: 1, end: 2\n"))
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void read_choosesTheFormatByExtension(@TempDir Path dir) throws Exception {
    Path csv = Files.writeString(dir.resolve("x.csv"), "model,segment,start,end,label\nm,,1,2,\n");
    Path yml = Files.writeString(dir.resolve("x.yml"), "- {model: m, start: 1, end: 2}\n");
    assertThat(IncidentsFile.read(csv)).isEqualTo(IncidentsFile.read(yml));
    Path txt = Files.writeString(dir.resolve("x.txt"), "");
    assertThatThrownBy(() -> IncidentsFile.read(txt)).hasMessageContaining("cannot tell the format");
  }
}
