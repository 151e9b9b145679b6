package io.featuremon.alerts;

import static io.featuremon.alerts.Windows.window;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AlertStateTest {
  static final RuleSet EXAMPLE = AlertRules.load(Path.of("..", "docs", "alert-rules.example.yaml"));
  static final RuleSet MIXED = AlertRules.parse("""
      rules:
        - {name: High, metric: redundancy.meanAbsCorr, level: {above: {warning: 0.5, critical: 0.8}}, for: 2,
           keepFiringFor: 2, labels: {team: "ml é ü"}}
        - {name: Climb, metric: redundancy.meanAbsCorr, trend: {rising: true, windows: 5, alpha: 0.05}}
        - {name: Drift, metric: drift.features.*.psi, level: {above: 0.2}}
      """, "mixed.yaml");

  @Test
  void shouldWriteTheEmptyStateAsFormatByteLastWindowEndAndTwoZeroCounts() {
    byte[] bytes = AlertState.empty().toBytes();

    assertThat(bytes).containsExactly(1, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(AlertState.fromBytes(bytes).toBytes()).isEqualTo(bytes);
    assertThat(AlertState.fromBytes(bytes).isEmpty()).isTrue();
  }

  @Test
  void shouldRoundTripOnePendingAlertByteForByte() {
    AlertState s = AlertEngine.evaluate(AlertState.empty(), MIXED, window(0).meanAbsCorr(0.6).context()).state();

    assertThat(s.pendingCount()).isEqualTo(1);
    assertThat(s.firing()).isEmpty();
    byte[] bytes = s.toBytes();
    assertThat(bytes[0]).isEqualTo(AlertState.FORMAT_V1);
    AlertState back = AlertState.fromBytes(bytes);
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back).isEqualTo(s);
    assertThat(back.lastWindowEnd()).isEqualTo(Windows.end(0));
    assertThat(back.history("Climb", null)).containsExactly(0.6);
  }

  @Test
  void shouldRoundTripManyFiringAndPendingAlertsAndHistoriesByteForByte() {
    Windows.Run r = new Windows.Run(MIXED);
    for (int i = 0; i < 12; i++) {
      r.next(window(i).meanAbsCorr(0.4 + 0.05 * i).psi("age", 0.3).psi("zip", i % 2 == 0 ? 0.3 : 0.1)
          .psi("ü-name with spaces", 0.25).context());
    }
    AlertState s = r.state;
    assertThat(s.firing()).extracting(a -> a.rule() + "/" + a.instance() + "/" + a.severity().label())
        .containsExactly("Climb/null/warning", "Drift/age/warning", "Drift/ü-name with spaces/warning",
            "High/null/warning", "High/null/critical");

    byte[] bytes = s.toBytes();
    AlertState back = AlertState.fromBytes(bytes);

    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back.firing()).isEqualTo(s.firing());
    assertThat(back.firing().get(3).labels()).containsEntry("team", "ml é ü");
    assertThat(back.history("Climb", "")).hasSize(5);
  }

  @Property(tries = 200)
  void shouldRoundTripEveryReachableStateAndEvaluateTheSameFromItsBytes(@ForAll("values") List<Double> values) {
    AlertState live = AlertState.empty();
    AlertState stored = AlertState.empty();
    for (int i = 0; i < values.size(); i++) {
      double v = values.get(i);
      Windows w = window(i, "churn-a", i % 3 == 0 ? null : "eu", "embedding").meanAbsCorr(v)
          .psi("age", v / 2).psi("zip", 1 - v);
      ((com.fasterxml.jackson.databind.node.ObjectNode) w.json().get("redundancy")).put("effectiveRank", 1 + 3 * v);
      WindowContext ctx = w.context(window(-1).meanAbsCorr(0.4));
      AlertEngine.Evaluation a = AlertEngine.evaluate(live, EXAMPLE, ctx);
      AlertEngine.Evaluation b = AlertEngine.evaluate(AlertState.fromBytes(stored.toBytes()), EXAMPLE, ctx);
      assertThat(b.transitions()).isEqualTo(a.transitions());
      byte[] bytes = a.state().toBytes();
      assertThat(b.state().toBytes()).isEqualTo(bytes);
      assertThat(AlertState.fromBytes(bytes).toBytes()).isEqualTo(bytes);
      live = a.state();
      stored = b.state();
    }
  }

  @Provide
  Arbitrary<List<Double>> values() {
    return Arbitraries.doubles().between(0, 1).list().ofMinSize(1).ofMaxSize(60);
  }

  @Test
  void shouldRejectAnUnknownFormatByte() {
    byte[] bytes = AlertState.empty().toBytes();
    bytes[0] = 2;

    assertThatThrownBy(() -> AlertState.fromBytes(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alert state has format 2; this build reads format 1");
  }

  @Test
  void shouldRejectTruncatedAndTrailingBytes() {
    Windows.Run r = Windows.run(MIXED, 0.9, 0.9, 0.9);
    byte[] bytes = r.state.toBytes();

    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] truncated = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> AlertState.fromBytes(truncated)).as("cut at %d", cut)
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> AlertState.fromBytes(longer)).hasMessage("alert state has 1 trailing bytes");
  }
}
