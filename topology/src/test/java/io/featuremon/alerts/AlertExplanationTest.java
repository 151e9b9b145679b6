package io.featuremon.alerts;

import static io.featuremon.alerts.Windows.end;
import static io.featuremon.alerts.Windows.start;
import static io.featuremon.alerts.Windows.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.avro.Alert;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Alerts that explain themselves: the annotations name the metric, its value, the threshold or reference and, for
 * drift, the features or dimensions behind it with their statistics; startsAt/endsAt also as RFC 3339 strings; a
 * runbook link per rule.
 */
class AlertExplanationTest {

  static RuleSet rules(String yaml) {
    return AlertRules.parse(yaml, "test.yaml");
  }

  /** A drift section against the reference window 0 (500 events), as WindowStats renders it. */
  private static ObjectNode drift(Windows w) {
    ObjectNode drift = w.json().putObject("drift");
    drift.put("referenceMode", "window");
    drift.put("referenceStart", start(0));
    drift.put("referenceEnd", end(0));
    drift.put("referenceCount", 500);
    drift.putObject("features");
    drift.putNull("embedding");
    drift.putObject("redundancyRatio").put("meanAbsCorr", 1.1).put("effectiveRank", 0.9);
    return drift;
  }

  private static void numeric(ObjectNode features, String name, double ks, double w1, double psi, double js,
      boolean drifted) {
    features.putObject(name).put("psi", psi).put("ks", ks).put("js", js).put("wasserstein", w1).putNull("unseenShare")
        .put("drifted", drifted).put("exact", true).put("ksError", 0.0).put("wassersteinError", 0.0)
        .putNull("pValue").putNull("referenceMissingMass");
  }

  @Test
  void aFeatureDriftAlertNamesTheFeatureItsStatisticsTheReferenceAndTheOtherDriftedFeatures() {
    RuleSet rules = rules("""
        rules:
          - name: FeatureDrift
            metric: drift.features.*.drifted
            level: {above: 1}
        """);
    Windows w = window(1, "churn", null, "features");
    ObjectNode features = (ObjectNode) drift(w).get("features");
    numeric(features, "age", 0.41, 0.83, 1.2, 0.31, true);
    numeric(features, "income", 0.05, 0.02, 0.01, 0.02, false);
    features.putObject("country").put("psi", 0.57).putNull("ks").put("js", 0.22).putNull("wasserstein")
        .put("unseenShare", 0.12).put("drifted", true).put("exact", true).putNull("ksError")
        .putNull("wassersteinError").put("pValue", 1.5e-9).put("referenceMissingMass", 0.004);

    List<AlertTransition> fired = new Windows.Run(rules).next(w.context());

    assertThat(fired).extracting(AlertTransition::instance).containsExactly("age", "country");
    AlertTransition age = fired.get(0);
    assertThat(age.labels()).doesNotContainKeys("value", "ks", "psi");   // values stay out of the identity
    assertThat(age.annotations().get("summary")).isEqualTo("FeatureDrift model=churn type=features feature=age: "
        + "drift.features.age.drifted = true; KS 0.41, W1/σ 0.83, PSI 1.2, JS 0.31");
    String description = age.annotations().get("description");
    assertThat(description).startsWith("In window [2026-01-01T01:00:00Z, 2026-01-01T02:00:00Z) of 1000 events "
        + "against the reference window [2026-01-01T00:00:00Z, 2026-01-01T01:00:00Z) of 500 events, "
        + "drift.features.age.drifted = true; the alert fires while drift.features.age.drifted is true.");
    // The other features, drifted ones first, then by PSI.
    assertThat(description).endsWith("Drifted: 2 of 3 features; most drifted: age (KS 0.41, W1/σ 0.83, PSI 1.2, "
        + "JS 0.31); country (χ² p 1.50e-09, PSI 0.57, JS 0.22, unseen values 0.12 of events (reference "
        + "missing mass 0.004)); income (KS 0.05, W1/σ 0.02, PSI 0.01, JS 0.02).");
    assertThat(fired.get(1).annotations().get("summary")).contains("feature=country", "χ² p 1.50e-09",
        "PSI 0.57", "unseen values 0.12 of events (reference missing mass 0.004)");
    assertThat(age.annotations().get("summary")).doesNotContain("= 1 (threshold 1)");
  }

  @Test
  void theReferenceIsNamedAsDriftComparedWithIt() {
    Windows w = window(3);
    ObjectNode drift = drift(w);
    assertThat(Explanation.referenceWindow(drift)).isEqualTo("the reference window [2026-01-01T00:00:00Z, "
        + "2026-01-01T01:00:00Z) of 500 events");
    drift.put("referenceMode", "previous").put("referenceStart", start(2)).put("referenceEnd", end(2));
    assertThat(Explanation.referenceWindow(drift)).isEqualTo("the window before [2026-01-01T02:00:00Z, "
        + "2026-01-01T03:00:00Z) of 500 events");
    // A profile spans its training file: no window bounds to give.
    drift.put("referenceMode", "profile").put("referenceStart", 0L).put("referenceEnd", Long.MAX_VALUE / 8);
    assertThat(Explanation.referenceWindow(drift)).isEqualTo("the reference profile of 500 events");
    assertThat(Explanation.referenceWindow(window(3).json().path("drift"))).isEmpty();
  }

  @Test
  void anEmbeddingDriftAlertGivesTheDriftedShareAndTheDimensionsBehindIt() {
    RuleSet rules = rules("rules:\n  - {name: EmbeddingDrift, metric: drift.embedding.drifted, level: {above: 1}}\n");
    Windows w = window(1);
    w.json().put("dimensions", 384);
    ObjectNode embedding = drift(w).putObject("embedding");
    embedding.put("centroidCosine", 0.198).put("driftedShare", 0.45).put("drifted", true);
    ArrayNode top = embedding.putArray("topDimensions");
    top.addObject().put("dimension", 17).put("wasserstein", 0.83).put("ks", 0.41).put("psi", 1.1).put("drifted", true);
    top.addObject().put("dimension", 3).put("wasserstein", 0.12).put("ks", 0.05).put("psi", 0.02)
        .put("drifted", false);

    AlertTransition f = new Windows.Run(rules).next(w.context()).get(0);

    assertThat(f.annotations().get("summary")).isEqualTo("EmbeddingDrift model=m type=embedding: "
        + "drift.embedding.drifted = true; driftedShare 0.45 (173 of 384 dimensions; drifted above 0.2), centroid "
        + "cosine distance 0.198");
    assertThat(f.annotations().get("description")).contains("against the reference window [2026-01-01T00:00:00Z, "
        + "2026-01-01T01:00:00Z) of 500 events").endsWith("Largest W1/σ: dimension 17 (W1/σ 0.83, KS 0.41, PSI "
        + "1.1, drifted); dimension 3 (W1/σ 0.12, KS 0.05, PSI 0.02, not drifted).");
  }

  @Test
  void aRedundancyAlertGivesTheReferenceValueAndTheStrongestPairs() {
    RuleSet rules = rules("rules:\n  - {name: RedundancyHigh, metric: redundancy.meanAbsCorr, level: {above: 0.5}}\n");
    Windows reference = window(0).meanAbsCorr(0.3);
    Windows w = window(1).meanAbsCorr(0.62);
    ArrayNode pairs = (ArrayNode) w.json().get("redundancy").get("pairs");
    pairs.addObject().put("a", "4").put("b", "9").put("corr", -0.95);
    pairs.addObject().put("a", "1").put("b", "2").put("corr", 0.8);

    AlertTransition f = new Windows.Run(rules).next(w.context(reference)).get(0);

    assertThat(f.annotations().get("summary")).isEqualTo("RedundancyHigh model=m type=embedding: "
        + "redundancy.meanAbsCorr = 0.62 (threshold 0.5); meanAbsCorr 0.62 (reference 0.3), meanSqCorr 0 "
        + "(reference 0), effectiveRank 6 (reference 6) over 8 non-constant dimensions");
    assertThat(f.annotations().get("description")).endsWith("the alert fires while redundancy.meanAbsCorr >= 0.5. "
        + "Strongest pairs: 4~9 ρ -0.95, 1~2 ρ 0.8.");
  }

  @Test
  void templatesCanUseTheNewVariables() {
    RuleSet rules = rules("""
        rules:
          - name: Mine
            metric: redundancy.meanAbsCorr
            level: {above: 0.5}
            annotations:
              summary: "{{model}}: {{value}} vs reference {{reference}} over {{events}} events"
              description: "{{details}} | {{top}} | [{{referenceWindow}}]"
        """);
    Windows w = window(1).meanAbsCorr(0.7);

    AlertTransition f = new Windows.Run(rules).next(w.context(window(0).meanAbsCorr(0.2))).get(0);

    assertThat(f.annotations().get("summary")).isEqualTo("m: 0.7 vs reference 0.2 over 1000 events");
    // No drift section in this window: no reference window to name.
    assertThat(f.annotations().get("description")).endsWith(" | No correlated pairs in this window | []");
  }

  @Test
  void theRunbookUrlRoundTripsFromYamlToTheRecordAndTheAlertmanagerPayload() throws Exception {
    String url = "https://runbooks.example.com/featuremon/{{alertname}}?model={{model}}";
    RuleSet rules = rules("rules:\n  - name: RedundancyHigh\n    metric: redundancy.meanAbsCorr\n"
        + "    level: {above: 0.5}\n    annotations:\n      runbook_url: \"" + url + "\"\n");
    assertThat(rules.rules().get(0).annotationTemplates()).containsEntry("runbook_url", url);

    AlertTransition f = new Windows.Run(rules).next(window(1).meanAbsCorr(0.7).context()).get(0);

    String rendered = "https://runbooks.example.com/featuremon/RedundancyHigh?model=m";
    assertThat(f.annotations()).containsEntry("runbook_url", rendered).containsKeys("summary", "description");
    assertThat(f.toAvro().getAnnotations()).containsEntry("runbook_url", rendered);
    assertThat(f.toAlertmanagerJson().get("annotations").get("runbook_url").asText()).isEqualTo(rendered);
    assertThat(new ObjectMapper().readTree(io.featuremon.serdes.AvroJson.toJsonLine(f.toAvro()))
        .get("annotations").get("runbook_url").asText()).isEqualTo(rendered);
  }

  @Test
  void aRunbookUrlMustBeAnHttpUrlAndSitUnderAnnotations() {
    assertThatThrownBy(() -> rules("rules:\n  - name: R\n    metric: count\n    level: {above: 1}\n"
        + "    annotations: {runbook_url: \"runbooks/{{alertname}}\"}\n"))
        .hasMessageContaining("rules[0].annotations.runbook_url: must be an absolute http:// or https:// URL");
    assertThatThrownBy(() -> rules("rules:\n  - name: R\n    metric: count\n    level: {above: 1}\n"
        + "    annotations: {runbook_url: \"ftp://host/x\"}\n"))
        .hasMessageContaining("rules[0].annotations.runbook_url: must be an absolute http:// or https:// URL");
    assertThatThrownBy(() -> rules("rules:\n  - name: R\n    metric: count\n    level: {above: 1}\n"
        + "    runbook_url: \"https://runbooks.example.com/R\"\n"))
        .isInstanceOfSatisfying(AlertRulesException.class, e -> assertThat(e.problems()).containsExactly(
            "rules[0].runbook_url: is an annotation: write it under annotations (annotations: {runbook_url: ...}),"
                + " as in Prometheus alerting rules"));
  }

  @Test
  void startsAtAndEndsAtAreAlsoRfc3339StringsOfTheEventTimeInUtc() {
    RuleSet rules = rules("rules:\n  - {name: RedundancyHigh, metric: redundancy.meanAbsCorr, level: {above: 0.5}}\n");
    // Windows that end off the second, so the milliseconds must show.
    long t0 = 1_767_225_600_000L;   // 2026-01-01T00:00:00Z
    Windows.Run run = new Windows.Run(rules);
    run.next(WindowContext.of(window(0).meanAbsCorr(0.7).json().put("windowStart", t0).put("windowEnd",
        t0 + 1_234), null));
    run.next(WindowContext.of(window(1).meanAbsCorr(0.1).json().put("windowStart", t0 + 1_234).put("windowEnd",
        t0 + 3_600_000 + 5), null));

    Alert firing = run.transitions.get(0).toAvro();
    Alert resolved = run.transitions.get(1).toAvro();
    assertThat(firing.getStartsAtRfc3339()).isEqualTo("2026-01-01T00:00:01.234Z");
    assertThat(firing.getEndsAtRfc3339()).isNull();
    assertThat(resolved.getStartsAtRfc3339()).isEqualTo("2026-01-01T00:00:01.234Z");
    assertThat(resolved.getEndsAtRfc3339()).isEqualTo("2026-01-01T01:00:00.005Z");
    for (Alert a : List.of(firing, resolved)) {
      assertThat(OffsetDateTime.parse(a.getStartsAtRfc3339()).toInstant().toEpochMilli()).isEqualTo(a.getStartsAt());
    }
    assertThat(OffsetDateTime.parse(resolved.getEndsAtRfc3339()).toInstant().toEpochMilli())
        .isEqualTo(resolved.getEndsAt());
  }
}
