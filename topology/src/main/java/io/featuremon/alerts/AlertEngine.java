package io.featuremon.alerts;

import io.featuremon.alerts.AlertRule.Level;
import io.featuremon.alerts.AlertRule.Relative;
import io.featuremon.alerts.AlertRule.Trend;
import io.featuremon.alerts.AlertState.InstanceKey;
import io.featuremon.alerts.AlertState.Phase;
import io.featuremon.alerts.AlertState.Series;
import io.featuremon.alerts.AlertState.SeriesKey;
import io.featuremon.alerts.AlertTransition.Status;
import io.featuremon.serdes.AvroJson;
import io.featuremon.stats.drift.TrendTest;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The alert lifecycle, window by window: a pure function of (state, rules, window) — no clock, no randomness, no
 * hash-order iteration — so the same windows give the same transitions and the same state bytes.
 *
 * <h2>Alerts</h2>
 * An alert is one (rule, instance, severity): the instance is the key under the metric's {@code *} ({@code ""}
 * without one). Its labels are {@code alertname} (the rule), {@code model}, {@code segment} (when present),
 * {@code type}, {@code feature} (for a {@code *} metric), {@code severity} and the rule's static labels; its
 * fingerprint is the first 16 hex digits of SHA-256 over those labels, sorted. Severity is a label, so a rule with
 * warning and critical levels gives two alerts with different fingerprints — the way Prometheus users write one
 * rule per severity, and what Alertmanager's {@code inhibit_rules} expect (mute the warning while the critical with
 * equal alertname, model, segment, type, feature fires). Escalating from warning to critical therefore fires the
 * critical alert while the warning one stays firing (no repeat); de-escalating resolves the critical one only. The
 * other option, one alert whose severity label changes, would change its label set and thus its identity in
 * Alertmanager anyway, leaving the old one to time out.
 *
 * <h2>Lifecycle, per alert</h2>
 * Only windows in which the alert's value exists count ({@link MetricSelector}: a missing, null or non-finite
 * metric, a missing reference for a relative rule, or fewer than {@code windows} values for a trend rule is
 * <em>no value</em>); a window without a value changes nothing — it neither breaches nor clears, and does not break a
 * run of breaches or of clears. With a value:
 * <ul>
 *   <li>breached and inactive: pending, held = 1, activeAt = windowEnd; breached and pending: held + 1. When held
 *       reaches {@code for}: <b>FIRING</b> is emitted once, startsAt = windowEnd of that window (Prometheus sends
 *       the moment an alert fired, its FiredAt, as startsAt; the start of the run is kept as activeAt);</li>
 *   <li>not breached and pending: back to inactive, nothing emitted;</li>
 *   <li>firing: each breached window resets the clear count and emits nothing; each clear window adds one, and the
 *       {@code keepFiringFor}-th clear window in a row emits <b>RESOLVED</b> with endsAt = that windowEnd.</li>
 * </ul>
 * So a FIRING is never repeated while an alert is active, and with {@code for: 1, keepFiringFor: 1} an alert fires
 * in the first breached window and resolves in the first clear one.
 *
 * <h2>Trend rules</h2>
 * The state keeps each (rule, instance)'s last {@code windows} values (a window without a value adds none). Once
 * there are {@code windows} of them, each new value is tested with {@link TrendTest#mannKendall}: breached when
 * the one-sided p-value is below alpha and Sen's slope has the rule's direction and at least {@code minSlope}
 * magnitude; clear otherwise. The lifecycle above then applies, so {@code keepFiringFor} can bridge a window in
 * which the test narrowly fails. Note the test is repeated every window over overlapping windows of values, so the
 * chance of a false alarm over a long flat series is far above alpha per window: use a small alpha, {@code for}
 * ≥ 2, and a {@code minSlope} that a real climb exceeds.
 *
 * <h2>Rule changes</h2>
 * When the rules change between windows (a restart with another file), a firing alert whose rule is gone, no
 * longer applies to this (model, segment, type) or feature, no longer has its severity, or whose labels changed is
 * RESOLVED in the next window with the labels it fired with (value and threshold NaN), so Alertmanager does not
 * keep a ghost; a pending one is dropped; trend histories are trimmed to the new {@code windows}.
 *
 * <h2>Order</h2>
 * Windows must come in increasing windowEnd order; a window ending at or before the last one evaluated is ignored
 * (no transitions, same state), so re-evaluating a window cannot emit twice. Transitions come in this order: those
 * for changed rules (by rule name, instance, severity), then rule by rule in file order, instance by instance in
 * key order, severity by severity from info to critical.
 */
public final class AlertEngine {
  private AlertEngine() {}

  /** The outcome of one window: the transitions to publish and the state to store. */
  public record Evaluation(List<AlertTransition> transitions, AlertState state) {
    public Evaluation {
      transitions = List.copyOf(transitions);
      Objects.requireNonNull(state);
    }
  }

  /**
   * Evaluates every rule that matches the window's (model, segment, type).
   *
   * @param state the group's state ({@link AlertState#empty()} at first)
   * @param rules the rules
   * @param ctx the closed window
   */
  public static Evaluation evaluate(AlertState state, RuleSet rules, WindowContext ctx) {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(ctx, "ctx");
    if (ctx.windowEnd() <= state.lastWindowEnd()) {
      return new Evaluation(List.of(), state);
    }
    Run run = new Run(state, ctx);
    run.retireChangedRules(rules);
    for (AlertRule rule : rules.rules()) {
      if (rule.matches(ctx.model(), ctx.segment(), ctx.type())) {
        run.evaluate(rule);
      }
    }
    return new Evaluation(run.out, new AlertState(ctx.windowEnd(), run.series, run.histories));
  }

  /** The labels of one alert: the identity Alertmanager sees. */
  static SortedMap<String, String> labels(AlertRule rule, WindowContext ctx, String instance, Severity severity) {
    SortedMap<String, String> labels = new TreeMap<>(rule.labels());
    labels.put("alertname", rule.name());
    labels.put("model", ctx.model());
    if (ctx.segment() != null) {
      labels.put("segment", ctx.segment());
    }
    labels.put("type", ctx.type());
    if (rule.metric().perInstance()) {
      labels.put("feature", instance);
    }
    labels.put("severity", severity.label());
    return labels;
  }

  /**
   * Numbers in annotations: 4 significant digits of the shortest decimal, plain notation, no trailing zeros; the same
   * on every JDK ({@link AvroJson#decimal}: Java 17's {@code Double.toString} sometimes gives other digits).
   */
  static String format(double v) {
    if (!Double.isFinite(v)) {
      return Double.toString(v);
    }
    if (v == 0) {
      return "0";
    }
    return new BigDecimal(AvroJson.decimal(v)).round(new MathContext(4, RoundingMode.HALF_EVEN))
        .stripTrailingZeros().toPlainString();
  }

  private static final class Run {
    final WindowContext ctx;
    final TreeMap<SeriesKey, Series> series;
    final TreeMap<InstanceKey, double[]> histories;
    final List<AlertTransition> out = new ArrayList<>();

    Run(AlertState state, WindowContext ctx) {
      this.ctx = ctx;
      this.series = new TreeMap<>(state.series());
      this.histories = new TreeMap<>(state.histories());
    }

    void retireChangedRules(RuleSet rules) {
      for (Map.Entry<SeriesKey, Series> e : List.copyOf(series.entrySet())) {
        SeriesKey key = e.getKey();
        Series s = e.getValue();
        AlertRule rule = rules.rule(key.rule()).orElse(null);
        boolean live = applies(rule, key.instance()) && rule.condition().severities().contains(key.severity());
        if (live && s.phase() == Phase.FIRING) {
          live = labels(rule, ctx, key.instance(), key.severity()).equals(s.labels());
        }
        if (!live) {
          series.remove(key);
          if (s.phase() == Phase.FIRING) {
            out.add(retired(key, s));
          }
        }
      }
      for (Map.Entry<InstanceKey, double[]> e : List.copyOf(histories.entrySet())) {
        AlertRule rule = rules.rule(e.getKey().rule()).orElse(null);
        if (!applies(rule, e.getKey().instance()) || !(rule.condition() instanceof Trend trend)) {
          histories.remove(e.getKey());
        } else if (e.getValue().length > trend.windows()) {
          double[] h = e.getValue();
          histories.put(e.getKey(), Arrays.copyOfRange(h, h.length - trend.windows(), h.length));
        }
      }
    }

    private boolean applies(AlertRule rule, String instance) {
      if (rule == null || !rule.matches(ctx.model(), ctx.segment(), ctx.type())) {
        return false;
      }
      return rule.metric().perInstance() ? !instance.isEmpty() && rule.matchesInstance(instance)
          : instance.isEmpty();
    }

    private AlertTransition retired(SeriesKey key, Series s) {
      SortedMap<String, String> annotations = new TreeMap<>();
      annotations.put("summary", key.rule() + " " + target(s.labels()) + ": resolved because its rule was "
          + "removed or changed");
      annotations.put("description", "the rules no longer define this alert with these labels; window ["
          + Instant.ofEpochMilli(ctx.windowStart()) + ", " + Instant.ofEpochMilli(ctx.windowEnd()) + ")");
      return new AlertTransition(AlertTransition.fingerprint(s.labels()), Status.RESOLVED, key.rule(), ctx.model(),
          ctx.segment(), ctx.type(), key.instance().isEmpty() ? null : key.instance(), key.severity(), s.metric(),
          Double.NaN, Double.NaN, ctx.windowStart(), ctx.windowEnd(), s.activeAt(), s.startsAt(), ctx.windowEnd(),
          s.labels(), annotations);
    }

    void evaluate(AlertRule rule) {
      SortedMap<String, Double> values = rule.metric().select(ctx.stats());
      AlertRule.Condition condition = rule.condition();
      SortedMap<String, Double> references = condition instanceof Relative
          ? rule.metric().select(ctx.reference()) : null;
      for (Map.Entry<String, Double> e : values.entrySet()) {
        String instance = e.getKey();
        if (rule.metric().perInstance() && !rule.matchesInstance(instance)) {
          continue;
        }
        double value = e.getValue();
        if (condition instanceof Level level) {
          for (Map.Entry<Severity, Double> l : level.levels().entrySet()) {
            Map<String, String> vars = new TreeMap<>();
            step(rule, instance, l.getKey(), level.breached(value, l.getKey()), value, l.getValue(), vars);
          }
        } else if (condition instanceof Relative relative) {
          Double reference = references.get(instance);
          if (reference == null) {
            continue;
          }
          for (Map.Entry<Severity, Double> r : relative.ratios().entrySet()) {
            double threshold = r.getValue() * reference;
            boolean breached = relative.atLeast() ? value >= threshold : value <= threshold;
            Map<String, String> vars = new TreeMap<>();
            vars.put("reference", format(reference));
            vars.put("ratio", format(r.getValue()));
            step(rule, instance, r.getKey(), breached, value, threshold, vars);
          }
        } else {
          trend(rule, (Trend) condition, instance, value);
        }
      }
    }

    private void trend(AlertRule rule, Trend trend, String instance, double value) {
      InstanceKey key = new InstanceKey(rule.name(), instance);
      double[] old = histories.getOrDefault(key, new double[0]);
      double[] h;
      if (old.length < trend.windows()) {
        h = Arrays.copyOf(old, old.length + 1);
      } else {
        h = Arrays.copyOfRange(old, old.length - trend.windows() + 1, old.length + 1);
      }
      h[h.length - 1] = value;
      histories.put(key, h);
      if (h.length < trend.windows()) {
        return;
      }
      TrendTest.MannKendall mk = TrendTest.mannKendall(h, trend.alpha());
      double slope = mk.senSlope();
      double p = trend.rising() ? mk.pRising() : mk.pFalling();
      boolean breached = p < trend.alpha()
          && (trend.rising() ? slope > 0 && slope >= trend.minSlope() : slope < 0 && -slope >= trend.minSlope());
      Map<String, String> vars = new TreeMap<>();
      vars.put("slope", format(slope));
      vars.put("pValue", format(p));
      vars.put("current", format(value));
      vars.put("windows", Integer.toString(trend.windows()));
      vars.put("alpha", format(trend.alpha()));
      double threshold = trend.rising() ? trend.minSlope() : -trend.minSlope();
      step(rule, instance, trend.severity(), breached, slope, threshold, vars);
    }

    /** One window of one alert's lifecycle (see the class comment). */
    private void step(AlertRule rule, String instance, Severity severity, boolean breached, double value,
        double threshold, Map<String, String> vars) {
      SeriesKey key = new SeriesKey(rule.name(), instance, severity);
      Series s = series.get(key);
      long now = ctx.windowEnd();
      if (breached) {
        if (s == null || s.phase() == Phase.PENDING) {
          int held = s == null ? 1 : s.held() + 1;
          long activeAt = s == null ? now : s.activeAt();
          if (held >= rule.forWindows()) {
            SortedMap<String, String> labels = labels(rule, ctx, instance, severity);
            String metric = rule.metric().pathOf(instance);
            series.put(key, Series.firing(0, activeAt, now, metric, labels));
            out.add(transition(rule, instance, severity, Status.FIRING, value, threshold, activeAt, now, null,
                labels, metric, vars));
          } else {
            series.put(key, Series.pending(held, activeAt));
          }
        } else if (s.clear() != 0) {
          series.put(key, Series.firing(0, s.activeAt(), s.startsAt(), s.metric(), s.labels()));
        }
      } else if (s != null) {
        if (s.phase() == Phase.PENDING) {
          series.remove(key);
        } else if (s.clear() + 1 >= rule.keepFiringFor()) {
          series.remove(key);
          out.add(transition(rule, instance, severity, Status.RESOLVED, value, threshold, s.activeAt(),
              s.startsAt(), now, s.labels(), s.metric(), vars));
        } else {
          series.put(key, Series.firing(s.clear() + 1, s.activeAt(), s.startsAt(), s.metric(), s.labels()));
        }
      }
    }

    private AlertTransition transition(AlertRule rule, String instance, Severity severity, Status status,
        double value, double threshold, long activeAt, long startsAt, Long endsAt, SortedMap<String, String> labels,
        String metric, Map<String, String> extra) {
      Map<String, String> vars = new TreeMap<>(labels);
      vars.putAll(Explanation.variables(rule, ctx, instance));
      vars.putAll(extra);
      boolean verdict = rule.booleanMetric() && !(rule.condition() instanceof Trend) && (value == 0 || value == 1);
      vars.put("value", verdict ? Boolean.toString(value == 1) : format(value));
      vars.put("threshold", format(threshold));
      vars.put("metric", metric);
      vars.put("target", target(labels));
      vars.put("condition", rule.describe(severity, metric));
      vars.put("windowStart", Instant.ofEpochMilli(ctx.windowStart()).toString());
      vars.put("windowEnd", Instant.ofEpochMilli(ctx.windowEnd()).toString());
      vars.put("activeAt", Instant.ofEpochMilli(activeAt).toString());
      vars.put("startsAt", Instant.ofEpochMilli(startsAt).toString());
      SortedMap<String, String> annotations = new TreeMap<>();
      rule.annotations().forEach((name, template) -> annotations.put(name, template.render(vars)));
      return new AlertTransition(AlertTransition.fingerprint(labels), status, rule.name(), ctx.model(),
          ctx.segment(), ctx.type(), instance.isEmpty() ? null : instance, severity, metric, value, threshold,
          ctx.windowStart(), ctx.windowEnd(), activeAt, startsAt, endsAt, labels, annotations);
    }

    private static String target(SortedMap<String, String> labels) {
      StringBuilder b = new StringBuilder();
      for (String name : new String[] {"model", "segment", "type", "feature"}) {
        String v = labels.get(name);
        if (v != null) {
          b.append(b.length() == 0 ? "" : " ").append(name).append('=').append(v);
        }
      }
      return b.toString();
    }
  }
}
