package io.featuremon.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AlertRulesTest {

  static Path resource(String name) {
    try {
      return Path.of(AlertRulesTest.class.getResource("/alerts/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void shouldLoadTheDocumentedExample() {
    RuleSet rules = AlertRules.load(Path.of("..", "docs", "alert-rules.example.yaml"));

    assertThat(rules.rules()).extracting(AlertRule::name).containsExactly("RedundancyHigh", "EffectiveRankLow",
        "RedundancyAboveReference", "RedundancyClimbing", "FeatureDrift", "FeatureDrifted");
    AlertRule high = rules.rule("RedundancyHigh").orElseThrow();
    assertThat(high.metric().path()).isEqualTo("redundancy.meanAbsCorr");
    assertThat(high.condition()).isEqualTo(new AlertRule.Level(true,
        new java.util.TreeMap<>(Map.of(Severity.WARNING, 0.5, Severity.CRITICAL, 0.7))));
    assertThat(high.forWindows()).isEqualTo(2);
    assertThat(high.keepFiringFor()).isEqualTo(2);
    assertThat(high.match().type()).containsExactly("embedding");
    assertThat(high.match().model()).containsExactly("churn-*", "fraud-*");
    assertThat(high.labels()).containsExactly(Map.entry("team", "ml-platform"));
    assertThat(high.annotationTemplates()).containsKeys("summary", "description", "runbook_url");
    assertThat(high.matches("churn-v2", null, "embedding")).isTrue();
    assertThat(high.matches("churn-v2", null, "features")).isFalse();
    assertThat(high.matches("search", null, "embedding")).isFalse();

    assertThat(rules.rule("EffectiveRankLow").orElseThrow().condition())
        .isEqualTo(new AlertRule.Level(false, new java.util.TreeMap<>(Map.of(Severity.INFO, 2.0))));
    assertThat(rules.rule("RedundancyAboveReference").orElseThrow().condition())
        .isEqualTo(new AlertRule.Relative(true, new java.util.TreeMap<>(Map.of(Severity.WARNING, 1.3))));
    assertThat(rules.rule("RedundancyClimbing").orElseThrow().condition())
        .isEqualTo(new AlertRule.Trend(true, 10, 0.01, 0.003, Severity.WARNING));
    assertThat(rules.rule("FeatureDrift").orElseThrow().metric().perInstance()).isTrue();
  }

  @Test
  void shouldLoadTheTestRulesAndApplyDefaults() {
    RuleSet rules = AlertRules.load(resource("rules.yaml"));

    AlertRule plain = rules.rule("Plain").orElseThrow();
    assertThat(plain.forWindows()).isEqualTo(1);
    assertThat(plain.keepFiringFor()).isEqualTo(1);
    assertThat(plain.condition().severities()).containsExactly(Severity.WARNING);
    assertThat(plain.match()).isEqualTo(AlertRule.Match.ALL);
    assertThat(plain.annotationTemplates().get("summary"))
        .isEqualTo("{{alertname}} {{target}}: {{metric}} = {{value}} (threshold {{threshold}}); {{details}}");
    assertThat(plain.annotationTemplates().get("description"))
        .isEqualTo("In window [{{windowStart}}, {{windowEnd}}) of {{events}} events, {{metric}} = {{value}}; the "
            + "alert fires while {{condition}}. {{top}}.");
    assertThat(rules.source()).endsWith("rules.yaml");
  }

  @Test
  void shouldAcceptNumbersWrittenInScientificNotationOrQuoted() {
    RuleSet rules = AlertRules.parse("""
        rules:
          - name: T
            metric: redundancy.meanAbsCorr
            trend: {rising: true, windows: "12", alpha: 1e-3, minSlope: "0.002"}
        """, "t.yaml");

    assertThat(rules.rules().get(0).condition()).isEqualTo(new AlertRule.Trend(true, 12, 0.001, 0.002,
        Severity.WARNING));
  }

  @Test
  void shouldAcceptAnEmptyRuleList() {
    assertThat(AlertRules.parse("rules: []", "empty.yaml").isEmpty()).isTrue();
  }

  static Stream<Arguments> invalidRules() {
    return Stream.of(
        Arguments.of("trend: {rising: true, windows: 2, alpha: 0.01}",
            "rules[0].trend.windows: must be an integer >= 4, got 2"),
        Arguments.of("trend: {rising: true, windows: 500, alpha: 0.01}",
            "rules[0].trend.windows: must be an integer <= 200, got 500"),
        Arguments.of("trend: {rising: true, alpha: 0.01}",
            "rules[0].trend.windows: required: an integer >= 4"),
        Arguments.of("trend: {rising: true, windows: 10, alpha: 0.7}",
            "rules[0].trend.alpha: must be a number in (0, 0.5], got 0.7"),
        Arguments.of("trend: {rising: true, windows: 4, alpha: 0.01}",
            "rules[0].trend: can never fire: with windows: 4 the smallest one-sided p-value Mann-Kendall reaches "
                + "is 0.04"),
        Arguments.of("trend: {rising: false, windows: 10, alpha: 0.01}",
            "rules[0].trend.rising: must be true (for the other direction write falling: true), got false"),
        Arguments.of("trend: {rising: true, falling: true, windows: 10, alpha: 0.01}",
            "rules[0].trend: needs exactly one of rising, falling; got rising and falling"),
        Arguments.of("trend: {rising: true, windows: 10, alpha: 0.01, minSlope: -1}",
            "rules[0].trend.minSlope: must be a number >= 0, got -1"),
        Arguments.of("levle: {above: 0.5}",
            "rules[0].levle: unknown key (did you mean 'level'?); allowed: name, metric, level, relative, trend, "
                + "for, keepFiringFor, severity, match, labels, annotations"),
        Arguments.of("level: {above: 0.5}\n    keep_firing_for: 2",
            "rules[0].keep_firing_for: unknown key (did you mean 'keepFiringFor'?)"),
        Arguments.of("severity: high\n    level: {above: 0.5}",
            "rules[0].severity: must be one of info, warning, critical, got \"high\" (a string)"),
        Arguments.of("for: 1",
            "rules[0]: needs exactly one of level, relative, trend; got none"),
        Arguments.of("level: {above: 0.5}\n    trend: {rising: true, windows: 10, alpha: 0.01}",
            "rules[0]: needs exactly one of level, relative, trend; got level and trend"),
        Arguments.of("level: {above: 0.5}\n    for: 0",
            "rules[0].for: must be an integer >= 1, got 0"),
        Arguments.of("level: {above: 0.5}\n    for: two",
            "rules[0].for: must be an integer >= 1, got \"two\" (a string)"),
        Arguments.of("level: {above: 0.5}\n    keepFiringFor: 1.5",
            "rules[0].keepFiringFor: must be an integer >= 1, got 1.5"),
        Arguments.of("level: {above: 0.5, below: 0.1}",
            "rules[0].level: needs exactly one of above, below; got above and below"),
        Arguments.of("level: {above: {warning: 0.5, critical: 0.4}}",
            "rules[0].level.above.critical: the critical level 0.4 is below the warning level 0.5; a higher "
                + "severity needs a level at least as high"),
        Arguments.of("level: {below: {warning: 0.2, critical: 0.3}}",
            "rules[0].level.below.critical: the critical level 0.3 is above the warning level 0.2"),
        Arguments.of("level: {above: {warn: 0.5}}",
            "rules[0].level.above.warn: unknown severity; allowed: info, warning, critical"),
        Arguments.of("level: {above: [0.5]}",
            "rules[0].level.above: must be a number or a mapping of severity (info, warning, critical) to a number, "
                + "got a list"),
        Arguments.of("level: {above: {warning: 0.5}}\n    severity: critical",
            "rules[0].severity: is not used: level gives its severities as a mapping"),
        Arguments.of("relative: {atLeast: 0}",
            "rules[0].relative.atLeast: must be a number > 0, got 0"),
        Arguments.of("relative: {moreThan: 1.2}",
            "rules[0].relative.moreThan: unknown key; allowed: atLeast, atMost"),
        Arguments.of("level: {above: 0.5}\n    labels: {severity: page}",
            "rules[0].labels.severity: is set by the engine"),
        Arguments.of("level: {above: 0.5}\n    labels: {value: x}",
            "rules[0].labels.value: is a template variable name"),
        Arguments.of("level: {above: 0.5}\n    labels: {team: 0.5}",
            "rules[0].labels.team: must be a string (quote it), got 0.5"),
        Arguments.of("level: {above: 0.5}\n    annotations: {summary: \"{{feature}} is {{value}}\"}",
            "rules[0].annotations.summary: unknown template variable [{{feature}}]"),
        Arguments.of("level: {above: 0.5}\n    annotations: {summary: \"{{ value\"}",
            "rules[0].annotations.summary: malformed placeholder"),
        Arguments.of("level: {above: 0.5}\n    match: {type: embeddings}",
            "rules[0].match.type: matches no type; the types are embedding and features"),
        Arguments.of("level: {above: 0.5}\n    match: {feature: \"age*\"}",
            "rules[0].match.feature: only applies to a metric path with *"),
        Arguments.of("level: {above: 0.5}\n    match: {modle: x}",
            "rules[0].match.modle: unknown key (did you mean 'model'?)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidRules")
  void shouldNameTheKeyOfEveryProblem(String ruleBody, String expected) {
    String yaml = "rules:\n  - name: R\n    metric: redundancy.meanAbsCorr\n    " + ruleBody + "\n";

    assertThatThrownBy(() -> AlertRules.parse(yaml, "alerts.yaml"))
        .isInstanceOf(AlertRulesException.class)
        .hasMessageContaining("alerts.yaml: " + expected);
  }

  @Test
  void shouldRejectBadMetricPaths() {
    assertThatThrownBy(() -> AlertRules.parse("""
        rules:
          - {name: A, metric: "drift.*.features.*.psi", level: {above: 1}}
          - {name: B, metric: "redundancy..meanAbsCorr", level: {above: 1}}
          - {name: C, level: {above: 1}}
        """, "m.yaml"))
        .hasMessageContaining("m.yaml: rules[0].metric: \"drift.*.features.*.psi\" has more than one *")
        .hasMessageContaining("m.yaml: rules[1].metric: segment 2 of \"redundancy..meanAbsCorr\" is \"\"")
        .hasMessageContaining("m.yaml: rules[2].metric: required");
  }

  /** A path the WindowStats schema cannot give a value at would never fire: refused, with the paths that exist. */
  @Test
  void shouldRejectAMetricPathThatCanNeverGiveAValue() {
    assertThatThrownBy(() -> AlertRules.parse("""
        rules:
          - {name: Typo, metric: "redundancy.meanAbsCor", level: {above: 0.9}}
          - {name: Text, metric: "model", level: {above: 1}}
          - {name: Past, metric: "count.more", level: {above: 1}}
          - {name: NoIndex, metric: "redundancy.pairs.first.corr", level: {above: 1}}
          - {name: Object, metric: "drift.embedding", level: {above: 1}}
        """, "p.yaml"))
        .hasMessageContaining("p.yaml: rules[0].metric: \"redundancy\" has no field \"meanAbsCor\"; nearest paths that"
            + " give values: redundancy.meanAbsCorr")
        .hasMessageContaining("p.yaml: rules[1].metric: \"model\" is a string, not a number or a boolean")
        .hasMessageContaining("p.yaml: rules[2].metric: \"count\" is a long value; the path cannot go on past it")
        .hasMessageContaining("p.yaml: rules[3].metric: \"redundancy.pairs\" is an array: the next segment must be an"
            + " index")
        .hasMessageContaining("p.yaml: rules[4].metric: \"drift.embedding\" is a record, not a number or a boolean,"
            + " so it never gives a value; nearest paths that give values: drift.embedding.centroidCosine");
  }

  @Test
  void shouldAcceptEveryKindOfPathTheSchemaGivesValuesAt() {
    RuleSet rules = AlertRules.parse("""
        rules:
          - {name: Plain, metric: "redundancy.meanAbsCorr", level: {above: 0.9}}
          - {name: PerFeature, metric: "drift.features.*.psi", level: {above: 0.2}}
          - {name: Verdict, metric: "drift.embedding.drifted", level: {above: 1}}
          - {name: Indexed, metric: "redundancy.pairs.0.corr", level: {above: 0.99}}
          - {name: Quality, metric: "quality.missingRate.*", level: {above: 0.5}}
          - {name: Count, metric: "count", level: {below: 10}}
        """, "ok.yaml");

    assertThat(rules.rules()).hasSize(6);
  }

  @Test
  void shouldRejectDuplicateRuleNames() {
    assertThatThrownBy(() -> AlertRules.parse("""
        rules:
          - {name: A, metric: redundancy.meanAbsCorr, level: {above: 0.5}}
          - {name: B, metric: redundancy.meanAbsCorr, level: {above: 0.5}}
          - {name: A, metric: redundancy.meanSqCorr, level: {above: 0.5}}
        """, "d.yaml"))
        .hasMessage("d.yaml: rules[2].name: duplicate rule name \"A\" (also rules[0])");
  }

  @Test
  void shouldRejectDuplicateYamlKeysWithTheirLine() {
    assertThatThrownBy(() -> AlertRules.parse("""
        rules:
          - name: A
            metric: redundancy.meanAbsCorr
            level: {above: 0.5}
            for: 2
            for: 3
        """, "k.yaml"))
        .hasMessageStartingWith("k.yaml: (file): line 6, column")
        .hasMessageContaining("Duplicate field 'for'");
  }

  @Test
  void shouldRejectInvalidYamlWithItsLine() {
    assertThatThrownBy(() -> AlertRules.parse("rules:\n  - name: [A\n", "s.yaml"))
        .isInstanceOf(AlertRulesException.class)
        .hasMessageStartingWith("s.yaml: (file): line ")
        .hasMessageContaining("not valid YAML");
  }

  @Test
  void shouldRejectSeveralDocuments() {
    assertThatThrownBy(() -> AlertRules.parse("rules: []\n---\nrules: []\n", "two.yaml"))
        .hasMessage("two.yaml: (file): has more than one YAML document (---); put every rule under one 'rules' "
            + "list");
  }

  @Test
  void shouldRejectAnEmptyFileAndUnknownTopLevelKeys() {
    assertThatThrownBy(() -> AlertRules.parse("", "e.yaml"))
        .hasMessage("e.yaml: rules: required; the file is empty (expected a mapping with a 'rules' list)");
    assertThatThrownBy(() -> AlertRules.parse("rule: []\nversion: 2\n", "t.yaml"))
        .hasMessageContaining("t.yaml: rule: unknown key (did you mean 'rules'?); allowed: version, rules")
        .hasMessageContaining("t.yaml: version: must be 1 (the only rules format so far), got 2")
        .hasMessageContaining("t.yaml: rules: required: a list of rules");
  }

  @Test
  void shouldReportEveryProblemOfAFileAtOnce() {
    Path file = resource("invalid.yaml");

    assertThatThrownBy(() -> AlertRules.load(file))
        .isInstanceOfSatisfying(AlertRulesException.class, e -> {
          assertThat(e.source()).isEqualTo(file.toString());
          assertThat(e.problems()).containsExactly(
              "rules[0].trend.windows: must be an integer >= 4, got 2",
              "rules[1].forr: unknown key (did you mean 'for'?); allowed: name, metric, level, relative, trend, "
                  + "for, keepFiringFor, severity, match, labels, annotations",
              "rules[2].name: duplicate rule name \"First\" (also rules[0])",
              "rules[2].level.above: must be a number or a mapping of severity (info, warning, critical) to a "
                  + "number, got \"high\" (a string)");
          assertThat(e.getMessage().lines()).allMatch(l -> l.startsWith(file + ": rules["));
        });
  }

  @Test
  void shouldSayWhenTheFileCannotBeRead() {
    Path missing = Path.of("does-not-exist", "alerts.yaml");

    assertThatThrownBy(() -> AlertRules.load(missing))
        .isInstanceOf(AlertRulesException.class)
        .hasMessageStartingWith(missing + ": cannot read the file: java.nio.file.NoSuchFileException");
  }

  @Test
  void shouldSuggestOnlyCloseKeys() {
    List<String> keys = List.of("name", "metric", "keepFiringFor");
    assertThat(AlertRules.suggestion("Metric", keys)).isEqualTo("metric");
    assertThat(AlertRules.suggestion("keep-firing-for", keys)).isEqualTo("keepFiringFor");
    assertThat(AlertRules.suggestion("nmae", keys)).isEqualTo("name");
    assertThat(AlertRules.suggestion("threshold", keys)).isNull();
  }
}
