package io.featuremon.alerts;

import static io.featuremon.alerts.Windows.end;
import static io.featuremon.alerts.Windows.run;
import static io.featuremon.alerts.Windows.start;
import static io.featuremon.alerts.Windows.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.featuremon.alerts.AlertTransition.Status;
import io.featuremon.avro.Alert;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class AlertEngineTest {

  static RuleSet rules(String yaml) {
    return AlertRules.parse(yaml, "test.yaml");
  }

  static RuleSet level(String extra) {
    return rules("rules:\n  - name: RedundancyHigh\n    metric: redundancy.meanAbsCorr\n    level: {above: 0.5}\n"
        + (extra.isEmpty() ? "" : "    " + extra.replace("\n", "\n    ") + "\n"));
  }

  private static final double NONE = Double.NaN;

  @Test
  void shouldFireInTheFirstBreachedWindowAndResolveInTheFirstClearOneByDefault() {
    Windows.Run r = run(level(""), 0.1, 0.6, 0.7, 0.2, 0.1);

    assertThat(r.events()).containsExactly("F1", "R3");
    AlertTransition firing = r.transitions.get(0);
    assertThat(firing.status()).isEqualTo(Status.FIRING);
    assertThat(firing.rule()).isEqualTo("RedundancyHigh");
    assertThat(firing.value()).isEqualTo(0.6);
    assertThat(firing.threshold()).isEqualTo(0.5);
    assertThat(firing.windowStart()).isEqualTo(start(1));
    assertThat(firing.windowEnd()).isEqualTo(end(1));
    assertThat(firing.activeAt()).isEqualTo(end(1));
    assertThat(firing.startsAt()).isEqualTo(end(1));
    assertThat(firing.endsAt()).isNull();
    AlertTransition resolved = r.transitions.get(1);
    assertThat(resolved.status()).isEqualTo(Status.RESOLVED);
    assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
    assertThat(resolved.value()).isEqualTo(0.2);
    assertThat(resolved.startsAt()).isEqualTo(end(1));
    assertThat(resolved.endsAt()).isEqualTo(end(3));
    assertThat(r.state.isEmpty()).isTrue();
  }

  @Test
  void shouldTreatLevelsAsInclusive() {
    assertThat(run(level(""), 0.5).events()).containsExactly("F0");
    RuleSet below = rules("rules:\n  - {name: Low, metric: redundancy.meanAbsCorr, level: {below: 0.2}}\n");
    assertThat(run(below, 0.3, 0.2, 0.2000001).events()).containsExactly("F1", "R2");
  }

  @Test
  void shouldFireOnlyAfterForConsecutiveBreachedWindowsWindowByWindow() {
    Windows.Run r = new Windows.Run(level("for: 3"));
    double[] values = {0.6, 0.6, 0.1, 0.6, 0.6, 0.6, 0.6};
    String[] expected = {"pending 1", "pending 1", "inactive", "pending 1", "pending 1", "firing", "firing"};
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      r.next(window(i).meanAbsCorr(values[i]).context());
      seen.add(describe(r.state));
    }

    assertThat(seen).containsExactly(expected);
    assertThat(r.events()).containsExactly("F5");
    AlertTransition f = r.transitions.get(0);
    assertThat(f.activeAt()).as("the run that fired began in window 3").isEqualTo(end(3));
    assertThat(f.startsAt()).as("it fired in window 5").isEqualTo(end(5));
  }

  @Test
  void shouldResolveOnlyAfterKeepFiringForConsecutiveClearWindows() {
    Windows.Run r = run(level("keepFiringFor: 3"), 0.6, 0.1, 0.1, 0.6, 0.1, 0.1, 0.1, 0.1);

    assertThat(r.events()).as("window 3 breaches again and resets the clear count").containsExactly("F0", "R6");
    assertThat(r.transitions.get(1).endsAt()).isEqualTo(end(6));
    assertThat(r.transitions.get(1).startsAt()).isEqualTo(end(0));
  }

  @Test
  void shouldFollowForAndKeepFiringForTogetherWindowByWindow() {
    Windows.Run r = new Windows.Run(level("for: 2\nkeepFiringFor: 2"));
    double[] values = {0.6, 0.4, 0.6, 0.6, 0.4, 0.6, 0.4, 0.4, 0.6};
    String[] states = {"pending 1", "inactive", "pending 1", "firing", "firing, clear 1", "firing", "firing, clear 1",
        "inactive", "pending 1"};
    List<String> seen = new ArrayList<>();
    List<List<String>> emitted = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      List<AlertTransition> t = r.next(window(i).meanAbsCorr(values[i]).context());
      seen.add(describe(r.state));
      emitted.add(t.stream().map(x -> x.status().label()).toList());
    }

    assertThat(seen).containsExactly(states);
    assertThat(emitted).containsExactly(List.of(), List.of(), List.of(), List.of("firing"), List.of(), List.of(),
        List.of(), List.of("resolved"), List.of());
  }

  /** "inactive", "pending N" (N = held; only 1 is visible through pendingCount) or "firing[, clear N]". */
  private static String describe(AlertState state) {
    AlertState.Series s = state.series().values().stream().findFirst().orElse(null);
    if (s == null) {
      return "inactive";
    }
    if (s.phase() == AlertState.Phase.PENDING) {
      return "pending " + state.pendingCount();
    }
    return s.clear() == 0 ? "firing" : "firing, clear " + s.clear();
  }

  @Test
  void shouldHoldThroughWindowsWithoutAValue() {
    // for: 2 — a window without meanAbsCorr neither breaks the run nor counts towards it
    assertThat(run(level("for: 2"), 0.6, NONE, NONE, 0.6).events()).containsExactly("F3");
    // keepFiringFor: 1 — missing, null and "NaN" neither clear nor breach a firing alert
    Windows.Run r = new Windows.Run(level(""));
    r.next(window(0).meanAbsCorr(0.9).context());
    r.next(window(1).context());
    r.next(window(2).meanAbsCorrNull().context());
    r.next(window(3).meanAbsCorrNaN().context());
    assertThat(r.events()).containsExactly("F0");
    assertThat(r.state.firing()).hasSize(1);
    r.next(window(4).meanAbsCorr(0.1).context());
    assertThat(r.events()).containsExactly("F0", "R4");
  }

  @Property(tries = 300)
  void shouldNeverRepeatFiringWhileAnAlertIsActive(@ForAll("series") List<Double> values,
      @ForAll @IntRange(min = 1, max = 4) int forWindows, @ForAll @IntRange(min = 1, max = 4) int keepFiringFor) {
    RuleSet rules = rules("rules:\n  - name: Two\n    metric: redundancy.meanAbsCorr\n"
        + "    level: {above: {warning: 0.5, critical: 0.8}}\n    for: " + forWindows + "\n    keepFiringFor: "
        + keepFiringFor + "\n");
    Windows.Run r = run(rules, values.stream().mapToDouble(Double::doubleValue).toArray());

    Map<String, Status> last = new TreeMap<>();
    for (int i = 0; i < r.transitions.size(); i++) {
      AlertTransition t = r.transitions.get(i);
      Status previous = last.put(t.fingerprint(), t.status());
      assertThat(t.status()).as("alternates per fingerprint, starting with firing")
          .isEqualTo(previous == null || previous == Status.RESOLVED ? Status.FIRING : Status.RESOLVED);
      double v = values.get(r.windowOf.get(i));
      if (t.status() == Status.FIRING) {
        assertThat(v).isGreaterThanOrEqualTo(t.threshold());
      } else {
        assertThat(v).isLessThan(t.threshold());
      }
    }
    assertThat(r.state.firing()).extracting(AlertState.ActiveAlert::fingerprint)
        .containsExactlyInAnyOrderElementsOf(last.entrySet().stream()
            .filter(e -> e.getValue() == Status.FIRING).map(Map.Entry::getKey).toList());
  }

  @Provide
  Arbitrary<List<Double>> series() {
    Arbitrary<Double> value = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.doubles().between(0, 1).ofScale(2)),
        net.jqwik.api.Tuple.of(1, Arbitraries.just(Double.NaN)));
    return value.list().ofMinSize(1).ofMaxSize(40);
  }

  @Test
  void shouldFireEachSeverityAsItsOwnAlert() {
    RuleSet rules = rules("""
        rules:
          - name: RedundancyHigh
            metric: redundancy.meanAbsCorr
            level: {above: {warning: 0.5, critical: 0.7}}
        """);
    Windows.Run r = run(rules, 0.6, 0.8, 0.9, 0.6, 0.4);

    assertThat(r.events()).containsExactly("F0", "F1", "R3", "R4");
    assertThat(r.transitions).extracting(t -> t.severity().label() + " " + t.status().label())
        .containsExactly("warning firing", "critical firing", "critical resolved", "warning resolved");
    AlertTransition warning = r.transitions.get(0);
    AlertTransition critical = r.transitions.get(1);
    assertThat(warning.labels()).containsEntry("severity", "warning");
    assertThat(critical.labels()).containsEntry("severity", "critical");
    assertThat(critical.threshold()).isEqualTo(0.7);
    assertThat(critical.fingerprint()).isNotEqualTo(warning.fingerprint());
    assertThat(r.transitions.get(3).fingerprint()).isEqualTo(warning.fingerprint());
  }

  @Test
  void shouldCompareWithRatioTimesTheReferenceForRelativeRules() {
    RuleSet rules = rules("""
        rules:
          - name: AboveReference
            metric: redundancy.meanAbsCorr
            relative: {atLeast: 1.3}
        """);
    Windows reference = window(-1).meanAbsCorr(0.4);
    Windows.Run r = new Windows.Run(rules);
    r.next(window(0).meanAbsCorr(0.5).context(reference));   // 0.5 < 0.52: clear
    r.next(window(1).meanAbsCorr(0.53).context(reference));  // fires
    r.next(window(2).meanAbsCorr(0.1).context(null));        // no reference: no value, holds
    r.next(window(3).meanAbsCorr(0.1).context(window(-1)));  // reference without the metric: holds
    r.next(window(4).meanAbsCorr(0.45).context(reference));  // resolves

    assertThat(r.events()).containsExactly("F1", "R4");
    AlertTransition f = r.transitions.get(0);
    assertThat(f.threshold()).isCloseTo(0.52, within(1e-12));
    assertThat(f.annotations().get("summary"))
        .isEqualTo("AboveReference model=m type=embedding: redundancy.meanAbsCorr = 0.53, 1.3 x the reference 0.4 "
            + "(threshold 0.52); meanAbsCorr 0.53 (reference 0.4), meanSqCorr 0 (reference 0), effectiveRank 6 "
            + "(reference 6) over 8 non-constant dimensions");
  }

  @Test
  void shouldFireAtMostRelativeRulesWhenTheValueDropsBelowTheRatio() {
    RuleSet rules = rules("rules:\n  - {name: Drop, metric: count, relative: {atMost: 0.5}}\n");
    Windows reference = window(-1);
    Windows.Run r = new Windows.Run(rules);
    r.next(window(0).context(reference));                                           // count 1000 of 1000
    r.next(WindowContext.of(window(1).json().put("count", 400), reference.json()));  // 400 <= 0.5 x 1000

    assertThat(r.events()).containsExactly("F1");
    assertThat(r.transitions.get(0).threshold()).isEqualTo(500.0);
  }

  @Test
  void shouldTrackEveryFeatureOfAStarMetricAsItsOwnAlert() {
    RuleSet rules = rules("""
        rules:
          - name: FeatureDrift
            metric: drift.features.*.psi
            level: {above: 0.2}
            match: {feature: ["a*", "income"]}
        """);
    Windows.Run r = new Windows.Run(rules);
    r.next(window(0, "churn", "eu", "features").psi("income", 0.1).psi("age", 0.3).psi("zip", 0.9).context());
    r.next(window(1, "churn", "eu", "features").psi("income", 0.25).psi("age", 0.3).context());
    r.next(window(2, "churn", "eu", "features").psi("income", 0.1).psi("age", 0.1).context());

    assertThat(r.events()).containsExactly("F0", "F1", "R2", "R2");
    assertThat(r.transitions).extracting(AlertTransition::instance).containsExactly("age", "income", "age", "income");
    AlertTransition age = r.transitions.get(0);
    AlertTransition income = r.transitions.get(1);
    assertThat(age.labels()).containsExactly(Map.entry("alertname", "FeatureDrift"), Map.entry("feature", "age"),
        Map.entry("model", "churn"), Map.entry("segment", "eu"), Map.entry("severity", "warning"),
        Map.entry("type", "features"));
    assertThat(age.metric()).isEqualTo("drift.features.age.psi");
    assertThat(income.fingerprint()).isNotEqualTo(age.fingerprint());
    assertThat(r.transitions.get(2).fingerprint()).isEqualTo(age.fingerprint());
    assertThat(r.transitions.get(3).fingerprint()).isEqualTo(income.fingerprint());
    assertThat(r.transitions).noneMatch(t -> "zip".equals(t.instance()));
  }

  @Test
  void shouldEvaluateOnlyRulesWhoseMatchSelectsTheGroup() {
    RuleSet rules = rules("""
        rules:
          - name: ChurnOnly
            metric: redundancy.meanAbsCorr
            level: {above: 0.5}
            match: {model: "churn-*", segment: ["", "eu-?"], type: embedding}
        """);
    List<AlertTransition> fired = new ArrayList<>();
    for (Windows w : List.of(window(0, "churn-v1", null, "embedding"), window(0, "churn-v1", "eu-1", "embedding"),
        window(0, "churn-v1", "eu-12", "embedding"), window(0, "search", null, "embedding"),
        window(0, "churn-v1", null, "features"))) {
      // one state per (model, segment, type), as the state store keeps it
      fired.addAll(AlertEngine.evaluate(AlertState.empty(), rules, w.meanAbsCorr(0.9).context()).transitions());
    }

    assertThat(fired).extracting(t -> t.model() + "/" + t.segment()).containsExactly("churn-v1/null",
        "churn-v1/eu-1");
    assertThat(fired.get(1).labels()).containsEntry("segment", "eu-1");
    assertThat(fired.get(0).labels()).doesNotContainKey("segment");
  }

  @Test
  void shouldUseTheFingerprintSchemeOfTheBuiltInThresholdAlerts() {
    // The README's demo output shows [9db1c1467340ca7f] for these labels (io.featuremon.topology.ThresholdAlerts).
    TreeMap<String, String> labels = new TreeMap<>(Map.of("alertname", "RedundancyMeanAbsCorrHigh",
        "model", "demo-encoder", "type", "embedding", "severity", "warning"));
    assertThat(AlertTransition.fingerprint(labels)).isEqualTo("9db1c1467340ca7f");

    AlertTransition f = run(level(""), 0.9).transitions.get(0);
    assertThat(f.labels()).containsExactly(Map.entry("alertname", "RedundancyHigh"), Map.entry("model", "m"),
        Map.entry("severity", "warning"), Map.entry("type", "embedding"));
    assertThat(f.fingerprint()).isEqualTo("88d71f021af7f098"); // python3 hashlib, independently
  }

  @Test
  void shouldRenderAnnotationsAndShapeRecordsForAlertmanager() throws Exception {
    RuleSet rules = rules("""
        rules:
          - name: RedundancyHigh
            metric: redundancy.meanAbsCorr
            level: {above: 0.5}
            labels: {team: ml-platform}
            annotations:
              summary: "{{model}}/{{type}} {{ value }} >= {{threshold}} ({{severity}}, {{team}}){{segment}}"
              runbook_url: "https://runbooks/{{alertname}}"
        """);
    Windows.Run r = run(rules, 0.712345678, 0.1);
    AlertTransition f = r.transitions.get(0);
    AlertTransition res = r.transitions.get(1);

    assertThat(f.annotations()).containsOnlyKeys("description", "runbook_url", "summary");
    assertThat(f.annotations().get("summary")).isEqualTo("m/embedding 0.7123 >= 0.5 (warning, ml-platform)");
    assertThat(f.annotations().get("runbook_url")).isEqualTo("https://runbooks/RedundancyHigh");
    assertThat(f.annotations().get("description")).isEqualTo(
        "In window [2026-01-01T00:00:00Z, 2026-01-01T01:00:00Z) of 1000 events, redundancy.meanAbsCorr = 0.7123; "
            + "the alert fires while redundancy.meanAbsCorr >= 0.5. No correlated pairs in this window.");
    assertThat(f.labels()).containsEntry("team", "ml-platform");

    ObjectMapper json = new ObjectMapper();
    assertThat(json.writeValueAsString(f.toAlertmanagerJson())).isEqualTo("{\"labels\":{\"alertname\":"
        + "\"RedundancyHigh\",\"model\":\"m\",\"severity\":\"warning\",\"team\":\"ml-platform\",\"type\":"
        + "\"embedding\"},\"annotations\":{\"description\":\"In window [2026-01-01T00:00:00Z, "
        + "2026-01-01T01:00:00Z) of 1000 events, redundancy.meanAbsCorr = 0.7123; the alert fires while "
        + "redundancy.meanAbsCorr >= 0.5. No correlated pairs in this window.\",\"runbook_url\":\"https://runbooks/RedundancyHigh\","
        + "\"summary\":\"m/embedding 0.7123 >= 0.5 (warning, ml-platform)\"},\"startsAt\":\"2026-01-01T01:00:00Z\"}");
    assertThat(res.toAlertmanagerJson().get("endsAt").asText()).isEqualTo("2026-01-01T02:00:00Z");

    Alert avro = res.toAvro();
    assertThat(avro.getFingerprint()).isEqualTo(f.fingerprint());
    assertThat(avro.getStatus()).isEqualTo("resolved");
    assertThat(avro.getRule()).isEqualTo("RedundancyHigh");
    assertThat(avro.getModel()).isEqualTo("m");
    assertThat(avro.getSegment()).isNull();
    assertThat(avro.getType()).isEqualTo("embedding");
    assertThat(avro.getSeverity()).isEqualTo("warning");
    assertThat(avro.getMetric()).isEqualTo("redundancy.meanAbsCorr");
    assertThat(avro.getValue()).isEqualTo(0.1);
    assertThat(avro.getThreshold()).isEqualTo(0.5);
    assertThat(avro.getWindowEnd()).isEqualTo(end(1));
    assertThat(avro.getStartsAt()).isEqualTo(end(0));
    assertThat(avro.getEndsAt()).isEqualTo(end(1));
    assertThat(avro.getLabels()).containsEntry("team", "ml-platform");
  }

  @Test
  void shouldFormatNumbersWithFourSignificantDigits() {
    assertThat(AlertEngine.format(0.712345678)).isEqualTo("0.7123");
    assertThat(AlertEngine.format(0.5)).isEqualTo("0.5");
    assertThat(AlertEngine.format(1234567.0)).isEqualTo("1235000");
    assertThat(AlertEngine.format(0.000012345)).isEqualTo("0.00001234");
    assertThat(AlertEngine.format(0)).isEqualTo("0");
    assertThat(AlertEngine.format(-0.25)).isEqualTo("-0.25");
    assertThat(AlertEngine.format(Double.NaN)).isEqualTo("NaN");
  }

  @Test
  void shouldResolveFiringAlertsWhoseRuleWasRemovedOrChanged() {
    RuleSet before = rules("""
        rules:
          - {name: Kept, metric: redundancy.meanAbsCorr, level: {above: 0.5}, labels: {team: a}}
          - {name: Removed, metric: redundancy.meanAbsCorr, level: {above: 0.5}}
          - {name: PendingRemoved, metric: redundancy.meanAbsCorr, level: {above: 0.5}, for: 5}
        """);
    RuleSet after = rules("""
        rules:
          - {name: Kept, metric: redundancy.meanAbsCorr, level: {above: 0.5}, labels: {team: b}}
        """);
    AlertEngine.Evaluation first = AlertEngine.evaluate(AlertState.empty(), before, window(0).meanAbsCorr(0.9)
        .context());
    assertThat(first.transitions()).hasSize(2);
    assertThat(first.state().pendingCount()).isEqualTo(1);
    String keptBefore = first.transitions().get(0).fingerprint();
    String removed = first.transitions().get(1).fingerprint();

    AlertEngine.Evaluation second = AlertEngine.evaluate(first.state(), after, window(1).meanAbsCorr(0.9)
        .context());

    assertThat(second.transitions()).extracting(t -> t.rule() + " " + t.status().label() + " " + t.fingerprint())
        .containsExactly("Kept resolved " + keptBefore, "Removed resolved " + removed,
            "Kept firing " + second.transitions().get(2).fingerprint());
    AlertTransition ghost = second.transitions().get(1);
    assertThat(ghost.value()).isNaN();
    assertThat(ghost.endsAt()).isEqualTo(end(1));
    assertThat(ghost.startsAt()).isEqualTo(end(0));
    assertThat(ghost.annotations().get("summary")).isEqualTo(
        "Removed model=m type=embedding: resolved because its rule was removed or changed");
    assertThat(second.transitions().get(2).labels()).containsEntry("team", "b");
    assertThat(second.state().pendingCount()).isZero();
    assertThat(second.state().firing()).hasSize(1);
  }

  @Test
  void shouldIgnoreAWindowThatDoesNotEndAfterTheLastOne() {
    RuleSet rules = level("");
    AlertEngine.Evaluation e = AlertEngine.evaluate(AlertState.empty(), rules, window(3).meanAbsCorr(0.9)
        .context());
    assertThat(e.transitions()).hasSize(1);

    AlertEngine.Evaluation again = AlertEngine.evaluate(e.state(), rules, window(3).meanAbsCorr(0.1).context());
    AlertEngine.Evaluation older = AlertEngine.evaluate(e.state(), rules, window(2).meanAbsCorr(0.1).context());

    assertThat(again.transitions()).isEmpty();
    assertThat(again.state().toBytes()).isEqualTo(e.state().toBytes());
    assertThat(older.transitions()).isEmpty();
    assertThat(older.state()).isSameAs(e.state());
    assertThat(e.state().lastWindowEnd()).isEqualTo(end(3));
  }

  @Test
  void shouldGiveIdenticalTransitionsStateAndRecordBytesForTheSameInput() throws Exception {
    RuleSet rules = AlertRules.load(java.nio.file.Path.of("..", "docs", "alert-rules.example.yaml"));
    List<AlertTransition> a = new ArrayList<>();
    List<AlertTransition> b = new ArrayList<>();
    byte[] stateA = replay(rules, a);
    byte[] stateB = replay(rules, b);

    assertThat(a).isNotEmpty().isEqualTo(b);
    assertThat(stateB).isEqualTo(stateA);
    for (int i = 0; i < a.size(); i++) {
      ByteBuffer x = a.get(i).toAvro().toByteBuffer();
      ByteBuffer y = b.get(i).toAvro().toByteBuffer();
      assertThat(x).isEqualTo(y);
    }
  }

  /** 60 windows of two groups of model churn-a (embeddings, features) through the documented example rules. */
  private static byte[] replay(RuleSet rules, List<AlertTransition> out) {
    java.util.Random random = new java.util.Random(7);
    AlertState embeddings = AlertState.empty();
    AlertState features = AlertState.empty();
    Windows reference = window(-1, "churn-a", null, "embedding").meanAbsCorr(0.35);
    for (int i = 0; i < 60; i++) {
      double climb = Math.min(Math.max(i - 20, 0), 15) * 0.03;
      Windows w = window(i, "churn-a", null, "embedding").meanAbsCorr(0.3 + climb + 0.01 * random.nextGaussian());
      ((com.fasterxml.jackson.databind.node.ObjectNode) w.json().get("redundancy")).put("effectiveRank", 3 - climb * 3);
      AlertEngine.Evaluation e = AlertEngine.evaluate(embeddings, rules, w.context(reference));
      out.addAll(e.transitions());
      embeddings = e.state();
      Windows f = window(i, "churn-a", null, "features").psi("age", 0.1 + climb).psi("zip", 0.6 * (i % 7) / 6);
      AlertEngine.Evaluation g = AlertEngine.evaluate(features, rules, f.context());
      out.addAll(g.transitions());
      features = g.state();
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    bytes.writeBytes(embeddings.toBytes());
    bytes.writeBytes(features.toBytes());
    return bytes.toByteArray();
  }
}
