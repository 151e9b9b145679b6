package io.featuremon.stats.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class ScoringTableTest {

  @Test
  void oneRowPerRuleSetAndRule_thenTheBaselines_alignedWithNanForUndefined() {
    List<Incident> incidents = List.of(Incident.at("m", 100), Incident.at("m", 500));
    Map<String, Map<String, List<Alarm>>> alarms = new LinkedHashMap<>();
    Map<String, List<Alarm>> rules = new LinkedHashMap<>();
    rules.put("Psi", List.of(Alarm.at("m", 110), Alarm.at("m", 900)));
    rules.put("Redundancy", List.of(Alarm.at("m", 110)));
    alarms.put("default", rules);
    List<Alarm> evaluations = LongStream.range(0, 10).mapToObj(i -> Alarm.at("m", i * 100)).toList();

    List<ScoringTable.Row> rows =
        ScoringTable.rows(alarms, incidents, evaluations, new ScoringOptions(50, 0, 100, 1000));
    assertThat(rows).extracting(ScoringTable.Row::rule)
        .containsExactly("*", "Psi", "Redundancy", "always-fire", "never-fire");
    assertThat(rows.get(0).score().alarms()).as("110 twice is one firing of the set").isEqualTo(2);
    assertThat(rows.get(1).score().f1()).isEqualTo(0.5);

    String table = ScoringTable.render(rows);
    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).startsWith("rule set  rule ").contains("precision").endsWith("MTFA ms");
    assertThat(lines.get(2)).startsWith("default   Psi  ");
    // never-fire: precision and F1 undefined, recall 0
    assertThat(lines.get(5).split(" +"))
        .containsExactly("baseline", "never-fire", "0", "2", "nan", "0.000", "0.000", "nan", "1.000", "nan", "nan",
            "0.00", "nan");
    // numbers are right-aligned: every line's "F1" cell ends in the same column as the header's
    int f1End = lines.get(0).indexOf("F1") + 2;
    for (String line : lines.subList(1, lines.size())) {
      assertThat(line.charAt(f1End - 1)).as(line).isNotEqualTo(' ');
      assertThat(line.charAt(f1End)).as(line).isEqualTo(' ');
    }
  }
}
