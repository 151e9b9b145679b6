package io.featuremon.replay;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.avro.FeatureImportance;
import io.featuremon.topology.EventType;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * One line of the replay format, turned into the Avro event a producer would have written.
 *
 * <pre>
 * {"type":"embedding","model":"m","segment":null,"timestamp":1767225600000,"id":"r1","vector":[0.1,0.2]}
 * {"type":"features","model":"m","timestamp":"2026-01-01T00:00:00Z","features":{"age":31,"country":"DE"}}
 * {"type":"importance","model":"m","importance":{"age":0.4,"income":0.3}}
 * </pre>
 *
 * <p>An importance line updates the model's feature importance (as a record on the compacted feature-importance
 * topic would) for the windows that close after it.
 *
 * <p>Parsing does not validate: a missing model becomes an empty one and NaN stays NaN, so that the topology's
 * own validation decides, exactly as it would for a record from Kafka. Only lines that are not events at all
 * (not JSON, unknown type, wrong field types) fail here. Optional {@code ingestTime} (epoch ms or ISO-8601) is the
 * Kafka record timestamp, against which "too far in the future" is judged; it defaults to the event time.
 */
public record JsonlEvent(EventType type, String model, String segment, SpecificRecord avro, long recordTimestamp) {

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .build();

  /** A line that is not an event, with the reason. */
  public static final class MalformedLineException extends Exception {
    public MalformedLineException(String reason) {
      super(reason);
    }
  }

  public static JsonlEvent parse(String line) throws MalformedLineException {
    JsonNode node;
    try {
      node = JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new MalformedLineException("not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new MalformedLineException("not a JSON object");
    }
    String typeText = text(node, "type");
    if (typeText == null) {
      throw new MalformedLineException("missing \"type\" (embedding, features or importance)");
    }
    if (typeText.equals("importance")) {
      return importance(node);
    }
    EventType type;
    try {
      type = EventType.ofLabel(typeText);
    } catch (IllegalArgumentException e) {
      throw new MalformedLineException(e.getMessage());
    }
    String model = text(node, "model");
    model = model == null ? "" : model;
    String segment = text(node, "segment");
    String id = text(node, "id");
    long timestamp = time(node, "timestamp", null);
    long ingest = node.has("ingestTime") ? time(node, "ingestTime", null) : Math.max(0, timestamp);
    SpecificRecord avro;
    if (type == EventType.EMBEDDING) {
      JsonNode vector = node.get("vector");
      if (vector == null || !vector.isArray()) {
        throw new MalformedLineException("\"vector\" must be an array of numbers");
      }
      List<Float> values = new ArrayList<>(vector.size());
      for (JsonNode v : vector) {
        if (!v.isNumber()) {
          throw new MalformedLineException("\"vector\" must be an array of numbers, found " + v.getNodeType());
        }
        values.add(v.floatValue());
      }
      avro = EmbeddingEvent.newBuilder().setModel(model).setSegment(segment).setTimestamp(timestamp)
          .setRequestId(id).setVector(values).build();
    } else {
      JsonNode features = node.get("features");
      if (features == null || !features.isObject()) {
        throw new MalformedLineException("\"features\" must be an object of name: number | string | boolean | null");
      }
      Map<String, Object> values = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = features.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        JsonNode v = f.getValue();
        if (v.isNull()) {
          values.put(f.getKey(), null);
        } else if (v.isNumber()) {
          values.put(f.getKey(), v.doubleValue());
        } else if (v.isTextual() || v.isBoolean()) {
          values.put(f.getKey(), v.asText());
        } else {
          throw new MalformedLineException("feature \"" + f.getKey() + "\" must be a number, string, boolean or null");
        }
      }
      avro = FeatureEvent.newBuilder().setModel(model).setSegment(segment).setTimestamp(timestamp)
          .setRequestId(id).setFeatures(values).build();
    }
    return new JsonlEvent(type, model, segment, avro, ingest);
  }

  /** {"type":"importance","model":"m","importance":{"age":0.4}}: goes to the feature-importance topic. */
  private static JsonlEvent importance(JsonNode node) throws MalformedLineException {
    String model = text(node, "model");
    JsonNode values = node.get("importance");
    if (model == null || values == null || !values.isObject()) {
      throw new MalformedLineException("an importance line needs \"model\" and an \"importance\" object of name: number");
    }
    Map<String, Double> importance = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = values.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNumber()) {
        throw new MalformedLineException("importance of \"" + e.getKey() + "\" must be a number");
      }
      importance.put(e.getKey(), e.getValue().doubleValue());
    }
    long ingest = node.has("ingestTime") ? time(node, "ingestTime", null) : 0;
    return new JsonlEvent(null, model, null, FeatureImportance.newBuilder().setModel(model).setImportance(importance).build(),
        ingest);
  }

  /** True for a feature-importance line (then {@link #type()} is null). */
  public boolean isImportance() {
    return type == null;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static long time(JsonNode node, String field, Long fallback) throws MalformedLineException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (fallback != null) {
        return fallback;
      }
      throw new MalformedLineException("missing \"" + field + "\" (epoch milliseconds or ISO-8601)");
    }
    if (v.isIntegralNumber()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      try {
        return Instant.parse(v.asText()).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new MalformedLineException("\"" + field + "\" '" + v.asText() + "' is neither epoch milliseconds nor"
            + " ISO-8601" + EventTimes.hint(v.asText()));
      }
    }
    throw new MalformedLineException("\"" + field + "\" must be epoch milliseconds or an ISO-8601 string");
  }
}
