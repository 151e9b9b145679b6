package io.featuremon.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an alert says about its window beyond the bare value: the template variables {@code details}, {@code top},
 * {@code reference}, {@code referenceWindow} and {@code events}, read from the window's WindowStats JSON (and the
 * reference's). Pure functions of that JSON: fixed orders (ties broken by name or index), numbers through
 * {@link AlertEngine#format}, instants from event time, so the same window always says the same thing.
 *
 * <p>What {@code details} and {@code top} hold depends on the metric's {@link Family}:
 * <ul>
 *   <li>{@link Family#FEATURE_DRIFT} ({@code drift.features.<name>.*}): details = that feature's statistics (numeric:
 *       KS, W1/σ, PSI, JS; categorical: χ² p-value, PSI, JS, unseen share against the reference's missing mass);
 *       top = how many features drifted and the {@link #TOP} that explain it best (drifted first, then by PSI);</li>
 *   <li>{@link Family#EMBEDDING_DRIFT} ({@code drift.embedding.*}): details = the drifted share of the dimensions
 *       and the centroid's cosine distance; top = the dimensions WindowStats names, with their statistics;</li>
 *   <li>{@link Family#DRIFT} (any other {@code drift.*}: the redundancy ratios, the reference's count): details =
 *       the redundancy ratios; top = the strongest pairs;</li>
 *   <li>{@link Family#REDUNDANCY} ({@code redundancy.*}): details = meanAbsCorr, meanSqCorr and effectiveRank
 *       (each with the reference's value when there is one) over the non-constant dimensions; top = the strongest
 *       pairs;</li>
 *   <li>{@link Family#OTHER}: both empty, and the default texts do not use them.</li>
 * </ul>
 */
final class Explanation {
  private Explanation() {}

  /** How many features or pairs {@code top} names (dimensions: as many as WindowStats names, at most 5). */
  static final int TOP = 3;

  /** Which statistics explain a metric. */
  enum Family {
    FEATURE_DRIFT, EMBEDDING_DRIFT, DRIFT, REDUNDANCY, OTHER;

    static Family of(MetricSelector metric) {
      String path = metric.path();
      if (path.startsWith("drift.features.")) {
        return FEATURE_DRIFT;
      } else if (path.startsWith("drift.embedding.")) {
        return EMBEDDING_DRIFT;
      } else if (path.startsWith("drift.")) {
        return DRIFT;
      } else if (path.startsWith("redundancy.")) {
        return REDUNDANCY;
      }
      return OTHER;
    }

    /** Whether the metric is about drift, so there is always a reference to name. */
    boolean drift() {
      return this == FEATURE_DRIFT || this == EMBEDDING_DRIFT || this == DRIFT;
    }
  }

  /** The variables for one alert instance in this window. */
  static Map<String, String> variables(AlertRule rule, WindowContext ctx, String instance) {
    Map<String, String> vars = new TreeMap<>();
    JsonNode stats = ctx.stats();
    vars.put("events", stats.path("count").asText(""));
    Double reference = rule.metric().select(ctx.reference()).get(instance);
    vars.put("reference", reference == null ? "" : AlertEngine.format(reference));
    vars.put("referenceWindow", referenceWindow(stats.path("drift")));
    String details = "";
    String top = "";
    switch (rule.family()) {
      case FEATURE_DRIFT -> {
        String feature = rule.metric().segmentsOf(instance).get(2);
        details = featureStatistics(stats.path("drift").path("features").path(feature));
        top = topFeatures(stats.path("drift").path("features"));
      }
      case EMBEDDING_DRIFT -> {
        details = embeddingStatistics(stats);
        top = topDimensions(stats.path("drift").path("embedding").path("topDimensions"));
      }
      case DRIFT -> {
        JsonNode ratio = stats.path("drift").path("redundancyRatio");
        details = "against the reference, meanAbsCorr x " + number(ratio.path("meanAbsCorr"))
            + ", effectiveRank x " + number(ratio.path("effectiveRank"));
        top = topPairs(stats.path("redundancy").path("pairs"));
      }
      case REDUNDANCY -> {
        details = redundancyStatistics(stats.path("redundancy"), ctx.reference());
        top = topPairs(stats.path("redundancy").path("pairs"));
      }
      default -> { }
    }
    vars.put("details", details);
    vars.put("top", top);
    return vars;
  }

  /** "the reference window [a, b) of n events", "the window before [a, b) ...", "the reference profile of n events", or "". */
  static String referenceWindow(JsonNode drift) {
    if (!drift.isObject()) {
      return "";
    }
    String events = " of " + drift.path("referenceCount").asLong() + " events";
    String mode = drift.path("referenceMode").asText("");
    if (mode.equals("profile")) {
      // A profile covers its whole training file; its start and end are not a window's.
      return "the reference profile" + events;
    }
    return (mode.equals("previous") ? "the window before" : "the reference window") + " ["
        + AlertTransition.rfc3339(drift.path("referenceStart").asLong()) + ", "
        + AlertTransition.rfc3339(drift.path("referenceEnd").asLong()) + ")" + events;
  }

  /** Numeric: "KS 0.41, W1/σ 0.83, PSI 1.2, JS 0.3"; categorical: "χ² p 1e-9, PSI 0.5, JS 0.3, unseen 0.1 ...". */
  static String featureStatistics(JsonNode f) {
    if (!f.isObject()) {
      return "no drift statistics for this feature in this window";
    }
    List<String> parts = new ArrayList<>();
    if (f.hasNonNull("ks")) {
      boolean sketched = f.path("exact").isBoolean() && !f.path("exact").booleanValue();
      parts.add("KS " + number(f.path("ks")) + (sketched ? " ± " + number(f.path("ksError")) : ""));
      parts.add("W1/σ " + number(f.path("wasserstein"))
          + (sketched ? " ± " + number(f.path("wassersteinError")) : ""));
    }
    if (f.hasNonNull("pValue")) {
      parts.add("χ² p " + pValue(f.path("pValue")));
    }
    parts.add("PSI " + number(f.path("psi")));
    parts.add("JS " + number(f.path("js")));
    if (f.hasNonNull("unseenShare")) {
      parts.add("unseen values " + number(f.path("unseenShare")) + " of events (reference missing mass "
          + number(f.path("referenceMissingMass")) + ")");
    }
    return String.join(", ", parts);
  }

  /** "Drifted: 3 of 12 features; most drifted: cpi (KS 1, W1/σ 4.2, PSI 9.2), ..." in a fixed order. */
  static String topFeatures(JsonNode features) {
    if (!features.isObject() || features.isEmpty()) {
      return "No feature had drift statistics in this window";
    }
    List<Map.Entry<String, JsonNode>> all = new ArrayList<>();
    features.properties().forEach(all::add);
    all.sort(Comparator.comparing((Map.Entry<String, JsonNode> e) -> !e.getValue().path("drifted").asBoolean())
        .thenComparing(e -> e.getValue().path("psi").asDouble(), Comparator.reverseOrder())
        .thenComparing(Map.Entry::getKey));
    long drifted = all.stream().filter(e -> e.getValue().path("drifted").asBoolean()).count();
    List<String> named = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : all.subList(0, Math.min(TOP, all.size()))) {
      named.add(e.getKey() + " (" + featureStatistics(e.getValue()) + ")");
    }
    return "Drifted: " + drifted + " of " + all.size() + " features; "
        + (drifted > 0 ? "most drifted: " : "none drifted; largest PSI: ") + String.join("; ", named);
  }

  /** "driftedShare 0.45 (173 of 384 dimensions; drifted above 0.2), centroid cosine distance 0.19". */
  static String embeddingStatistics(JsonNode stats) {
    JsonNode e = stats.path("drift").path("embedding");
    if (!e.isObject()) {
      return "no embedding drift statistics in this window";
    }
    double share = e.path("driftedShare").asDouble();
    long d = stats.path("dimensions").asLong();
    return "driftedShare " + AlertEngine.format(share) + " (" + Math.round(share * d) + " of " + d
        + " dimensions; drifted above 0.2), centroid cosine distance " + number(e.path("centroidCosine"));
  }

  /** "Largest W1/σ: dimension 17 (W1/σ 0.83, KS 0.41, PSI 1.1, drifted), ...". */
  static String topDimensions(JsonNode top) {
    if (!top.isArray() || top.isEmpty()) {
      return "No dimension statistics in this window";
    }
    List<String> named = new ArrayList<>();
    for (JsonNode t : top) {
      named.add("dimension " + t.path("dimension").asInt() + " (W1/σ " + number(t.path("wasserstein")) + ", KS "
          + number(t.path("ks")) + ", PSI " + number(t.path("psi")) + (t.path("drifted").asBoolean()
          ? ", drifted)" : ", not drifted)"));
    }
    return "Largest W1/σ: " + String.join("; ", named);
  }

  /** "meanAbsCorr 0.58 (reference 0.29), meanSqCorr 0.41, effectiveRank 3.1 over 12 non-constant dimensions". */
  static String redundancyStatistics(JsonNode r, JsonNode reference) {
    JsonNode ref = reference == null ? null : reference.path("redundancy");
    List<String> parts = new ArrayList<>();
    for (String name : List.of("meanAbsCorr", "meanSqCorr", "effectiveRank")) {
      String part = name + " " + number(r.path(name));
      if (ref != null && ref.path(name).isNumber()) {
        part += " (reference " + number(ref.path(name)) + ")";
      }
      parts.add(part);
    }
    return String.join(", ", parts) + " over " + r.path("nonConstant").asLong() + " non-constant dimensions";
  }

  /** "Strongest pairs: a~b ρ 0.99, ..." (WindowStats orders them strongest first). */
  static String topPairs(JsonNode pairs) {
    if (!pairs.isArray() || pairs.isEmpty()) {
      return "No correlated pairs in this window";
    }
    List<String> named = new ArrayList<>();
    for (int i = 0; i < Math.min(TOP, pairs.size()); i++) {
      JsonNode p = pairs.get(i);
      named.add(p.path("a").asText() + "~" + p.path("b").asText() + " ρ " + number(p.path("corr")));
    }
    return "Strongest pairs: " + String.join(", ", named);
  }

  /** A p-value: as {@link #number} down to 1e-4, below that in scientific notation (1.50e-09), not 13 zeros. */
  private static String pValue(JsonNode n) {
    double p = n.asDouble();
    return n.isNumber() && p > 0 && p < 1e-4 ? String.format(Locale.ROOT, "%.3g", p) : number(n);
  }

  /** A JSON number as {@link AlertEngine#format} writes it; AvroJson's "NaN"/"Infinity" strings as they are. */
  private static String number(JsonNode n) {
    if (n.isNumber()) {
      return AlertEngine.format(n.doubleValue());
    }
    return n.isMissingNode() || n.isNull() ? "n/a" : n.asText();
  }
}
