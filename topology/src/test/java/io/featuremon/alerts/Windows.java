package io.featuremon.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Test builder for WindowStats JSON in AvroJson's shape, and for running windows through the engine. */
final class Windows {
  static final long START = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  static final long SIZE = 3_600_000L;          // 1 h windows

  private final ObjectNode json = JsonNodeFactory.instance.objectNode();
  private final int index;

  private Windows(int index, String model, String segment, String type) {
    this.index = index;
    json.put("model", model);
    if (segment == null) {
      json.putNull("segment");
    } else {
      json.put("segment", segment);
    }
    json.put("type", type);
    json.put("windowStart", start(index));
    json.put("windowEnd", end(index));
    json.put("count", 1000);
    json.put("incomplete", 0);
    json.put("dimensions", 8);
    json.putArray("constant");
    json.putArray("dead");
    ObjectNode r = json.putObject("redundancy");
    r.put("nonConstant", 8);
    r.put("fretL1", 0.0);
    r.put("effectiveRank", 6.0);
    r.put("meanSqCorr", 0.0);
    r.putArray("pairs");
  }

  /** Window number {@code index} of model m, no segment, embeddings. */
  static Windows window(int index) {
    return new Windows(index, "m", null, "embedding");
  }

  static Windows window(int index, String model, String segment, String type) {
    return new Windows(index, model, segment, type);
  }

  static long start(int index) {
    return START + index * SIZE;
  }

  static long end(int index) {
    return start(index) + SIZE;
  }

  Windows meanAbsCorr(double v) {
    ((ObjectNode) json.get("redundancy")).put("meanAbsCorr", v);
    return this;
  }

  Windows meanAbsCorrNull() {
    ((ObjectNode) json.get("redundancy")).putNull("meanAbsCorr");
    return this;
  }

  Windows meanAbsCorrNaN() {
    ((ObjectNode) json.get("redundancy")).put("meanAbsCorr", "NaN");
    return this;
  }

  Windows psi(String feature, double v) {
    ObjectNode drift = json.has("drift") ? (ObjectNode) json.get("drift") : json.putObject("drift");
    ObjectNode features = drift.has("features") ? (ObjectNode) drift.get("features") : drift.putObject("features");
    features.putObject(feature).put("psi", v);
    return this;
  }

  ObjectNode json() {
    return json;
  }

  WindowContext context() {
    return WindowContext.of(json, null);
  }

  WindowContext context(Windows reference) {
    return WindowContext.of(json, reference == null ? null : reference.json());
  }

  int index() {
    return index;
  }

  /** Runs a series of meanAbsCorr values (NaN = a window without the field) through the engine. */
  static Run run(RuleSet rules, double... meanAbsCorr) {
    Run run = new Run(rules);
    for (int i = 0; i < meanAbsCorr.length; i++) {
      Windows w = window(i);
      if (!Double.isNaN(meanAbsCorr[i])) {
        w.meanAbsCorr(meanAbsCorr[i]);
      }
      run.next(w.context());
    }
    return run;
  }

  /** Feeds windows one at a time, remembering every transition with the window index it came in. */
  static final class Run {
    final RuleSet rules;
    AlertState state = AlertState.empty();
    final List<AlertTransition> transitions = new ArrayList<>();
    final List<Integer> windowOf = new ArrayList<>();
    private int windows;

    Run(RuleSet rules) {
      this.rules = rules;
    }

    List<AlertTransition> next(WindowContext ctx) {
      // Through the binary form every time, as the state store will.
      AlertEngine.Evaluation e = AlertEngine.evaluate(AlertState.fromBytes(state.toBytes()), rules, ctx);
      state = e.state();
      for (AlertTransition t : e.transitions()) {
        transitions.add(t);
        windowOf.add(windows);
      }
      windows++;
      return e.transitions();
    }

    /** "F3" = FIRING in window 3, "R7" = RESOLVED in window 7, in order. */
    List<String> events() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < transitions.size(); i++) {
        out.add((transitions.get(i).status() == AlertTransition.Status.FIRING ? "F" : "R") + windowOf.get(i));
      }
      return out;
    }
  }
}
