package io.featuremon.alerts;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One validated rule of a rules file (see {@link AlertRules} for the YAML format). Immutable.
 *
 * <p>Every rule watches one metric ({@link #metric()}) with exactly one {@link Condition}; each severity the
 * condition names is an alert of its own (its own labels, fingerprint and lifecycle; see {@link AlertEngine}).
 */
public final class AlertRule {

  /** What makes a value breach the rule. */
  public sealed interface Condition permits Level, Relative, Trend {
    /** The severities this condition can raise, in escalation order. */
    SortedSet<Severity> severities();
  }

  /**
   * Breached when the value is at or above ({@code above}) or at or below the level of a severity.
   *
   * @param levels severity to level; for {@code above} a higher severity has a level at least as high
   */
  public record Level(boolean above, SortedMap<Severity, Double> levels) implements Condition {
    public Level {
      levels = Collections.unmodifiableSortedMap(new TreeMap<>(levels));
    }

    @Override
    public SortedSet<Severity> severities() {
      return Collections.unmodifiableSortedSet(new TreeSet<>(levels.keySet()));
    }

    boolean breached(double value, Severity severity) {
      double level = levels.get(severity);
      return above ? value >= level : value <= level;
    }
  }

  /**
   * Breached when the value is at least ({@code atLeast}) or at most ratio × the reference's value of the same metric
   * (and instance). The comparison is taken literally, so it is meant for non-negative metrics.
   */
  public record Relative(boolean atLeast, SortedMap<Severity, Double> ratios) implements Condition {
    public Relative {
      ratios = Collections.unmodifiableSortedMap(new TreeMap<>(ratios));
    }

    @Override
    public SortedSet<Severity> severities() {
      return Collections.unmodifiableSortedSet(new TreeSet<>(ratios.keySet()));
    }
  }

  /**
   * Breached when the Mann–Kendall test over the last {@code windows} values says rising (or falling) at one-sided
   * level {@code alpha} and Sen's slope is at least {@code minSlope} per window in that direction.
   */
  public record Trend(boolean rising, int windows, double alpha, double minSlope, Severity severity)
      implements Condition {
    @Override
    public SortedSet<Severity> severities() {
      return Collections.unmodifiableSortedSet(new TreeSet<>(List.of(severity)));
    }
  }

  /** Label filters: globs on model, segment (absent = the empty string), type and, for a {@code *} path, feature. */
  public record Match(List<String> model, List<String> segment, List<String> type, List<String> feature) {
    public Match {
      model = List.copyOf(model);
      segment = List.copyOf(segment);
      type = List.copyOf(type);
      feature = List.copyOf(feature);
    }

    static final Match ALL = new Match(List.of(), List.of(), List.of(), List.of());
  }

  private final int index;
  private final String name;
  private final MetricSelector metric;
  private final Condition condition;
  private final int forWindows;
  private final int keepFiringFor;
  private final Match match;
  private final SortedMap<String, String> labels;
  private final SortedMap<String, Template> annotations;
  private final List<Glob> modelGlobs;
  private final List<Glob> segmentGlobs;
  private final List<Glob> typeGlobs;
  private final List<Glob> featureGlobs;
  private final boolean booleanMetric;

  AlertRule(int index, String name, MetricSelector metric, Condition condition, int forWindows, int keepFiringFor,
      Match match, Map<String, String> labels, Map<String, Template> annotations, boolean booleanMetric) {
    this.index = index;
    this.name = Objects.requireNonNull(name);
    this.metric = Objects.requireNonNull(metric);
    this.condition = Objects.requireNonNull(condition);
    this.forWindows = forWindows;
    this.keepFiringFor = keepFiringFor;
    this.match = Objects.requireNonNull(match);
    this.labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    this.annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
    this.modelGlobs = match.model().stream().map(Glob::of).toList();
    this.segmentGlobs = match.segment().stream().map(Glob::of).toList();
    this.typeGlobs = match.type().stream().map(Glob::of).toList();
    this.featureGlobs = match.feature().stream().map(Glob::of).toList();
    this.booleanMetric = booleanMetric;
  }

  /** Whether the metric is a boolean field (a verdict): its value renders as true or false in annotations. */
  public boolean booleanMetric() {
    return booleanMetric;
  }

  /** Which statistics explain the metric in annotations. */
  Explanation.Family family() {
    return Explanation.Family.of(metric);
  }

  /** Position in the rules file, from 0: rules are evaluated and reported in this order. */
  public int index() {
    return index;
  }

  /** The rule's name: the {@code alertname} label. */
  public String name() {
    return name;
  }

  public MetricSelector metric() {
    return metric;
  }

  public Condition condition() {
    return condition;
  }

  /** Consecutive breached windows (with a value) needed to fire; at least 1. */
  public int forWindows() {
    return forWindows;
  }

  /** Consecutive clear windows (with a value) needed to resolve a firing alert; at least 1. */
  public int keepFiringFor() {
    return keepFiringFor;
  }

  public Match match() {
    return match;
  }

  /** The rule's static labels (never one of the reserved names). */
  public SortedMap<String, String> labels() {
    return labels;
  }

  /** Annotation templates by name, with the defaults for {@code summary} and {@code description} filled in. */
  public SortedMap<String, String> annotationTemplates() {
    SortedMap<String, String> out = new TreeMap<>();
    annotations.forEach((k, v) -> out.put(k, v.text()));
    return Collections.unmodifiableSortedMap(out);
  }

  SortedMap<String, Template> annotations() {
    return annotations;
  }

  /** Whether the rule applies to this (model, segment, type); an absent segment matches as the empty string. */
  public boolean matches(String model, String segment, String type) {
    return Glob.any(modelGlobs, model) && Glob.any(segmentGlobs, segment == null ? "" : segment)
        && Glob.any(typeGlobs, type);
  }

  /** Whether an instance key (a feature, for a {@code *} path) is selected by {@code match.feature}. */
  public boolean matchesInstance(String instance) {
    return Glob.any(featureGlobs, instance);
  }

  /** A one-line statement of the condition for one severity, e.g. {@code redundancy.meanAbsCorr >= 0.7}. */
  public String describe(Severity severity) {
    return describe(severity, metric.path());
  }

  /**
   * The condition for one severity, stated on a concrete path ({@link MetricSelector#pathOf}): {@code
   * drift.features.age.psi >= 0.2}; for a boolean metric with a level in (0, 1] above, {@code ... is true}.
   */
  public String describe(Severity severity, String path) {
    if (condition instanceof Level level) {
      double at = level.levels().get(severity);
      if (booleanMetric && level.above() && at > 0 && at <= 1) {
        return path + " is true";
      }
      return path + (level.above() ? " >= " : " <= ") + AlertEngine.format(at);
    } else if (condition instanceof Relative relative) {
      return path + (relative.atLeast() ? " >= " : " <= ") + AlertEngine.format(relative.ratios().get(severity))
          + " x reference";
    } else {
      Trend trend = (Trend) condition;
      return path + (trend.rising() ? " rising" : " falling") + " (Mann-Kendall over " + trend.windows()
          + " windows, alpha " + AlertEngine.format(trend.alpha()) + (trend.minSlope() > 0 ? ", |Sen slope| >= "
          + AlertEngine.format(trend.minSlope()) : "") + ")";
    }
  }

  @Override
  public String toString() {
    return name + ": " + metric.path() + " " + condition;
  }
}
