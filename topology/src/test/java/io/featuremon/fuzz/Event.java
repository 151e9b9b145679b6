package io.featuremon.fuzz;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.avro.EmbeddingEvent;
import io.featuremon.avro.FeatureEvent;
import io.featuremon.topology.EventType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/**
 * The content of one input event, before it is encoded: exactly one of {@code vector} (embeddings) and
 * {@code features} (tabular; values are Double, String or null) is set.
 */
public record Event(EventType type, String model, String segment, long timestamp, String requestId, float[] vector,
    Map<String, Object> features) {

  private static final JsonMapper JSON = JsonMapper.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  public static Event embedding(String model, String segment, long timestamp, String requestId, float[] vector) {
    return new Event(EventType.EMBEDDING, model, segment, timestamp, requestId, vector, null);
  }

  public static Event features(String model, String segment, long timestamp, String requestId,
      Map<String, Object> features) {
    return new Event(EventType.FEATURES, model, segment, timestamp, requestId, null, features);
  }

  public Event withModel(String newModel) {
    return new Event(type, newModel, segment, timestamp, requestId, vector, features);
  }

  public Event withSegment(String newSegment) {
    return new Event(type, model, newSegment, timestamp, requestId, vector, features);
  }

  public Event withTimestamp(long newTimestamp) {
    return new Event(type, model, segment, newTimestamp, requestId, vector, features);
  }

  public Event withVector(float[] newVector) {
    return new Event(type, model, segment, timestamp, requestId, newVector, null);
  }

  public Event withFeatures(Map<String, Object> newFeatures) {
    return new Event(type, model, segment, timestamp, requestId, null, newFeatures);
  }

  /** The generated Avro record a producer would send. */
  public SpecificRecord avro() {
    if (type == EventType.EMBEDDING) {
      List<Float> values = new ArrayList<>(vector.length);
      for (float v : vector) {
        values.add(v);
      }
      return EmbeddingEvent.newBuilder().setModel(model).setSegment(segment).setTimestamp(timestamp)
          .setRequestId(requestId).setVector(values).build();
    }
    return FeatureEvent.newBuilder().setModel(model).setSegment(segment).setTimestamp(timestamp)
        .setRequestId(requestId).setFeatures(new LinkedHashMap<>(features)).build();
  }

  /**
   * The event as a line of {@code featuremon replay} input, with {@code ingestTime} = the Kafka record timestamp.
   * Floats are written as the exact double of the float, so the replay's float conversion gives back the same bits.
   */
  public String jsonLine(long recordTimestamp) {
    ObjectNode line = JSON.createObjectNode();
    line.put("type", type.label());
    line.put("model", model);
    line.put("segment", segment);
    line.put("timestamp", timestamp);
    line.put("ingestTime", recordTimestamp);
    line.put("id", requestId);
    if (type == EventType.EMBEDDING) {
      ArrayNode array = line.putArray("vector");
      for (float v : vector) {
        array.add((double) v);
      }
    } else {
      ObjectNode values = line.putObject("features");
      for (Map.Entry<String, Object> e : features.entrySet()) {
        Object v = e.getValue();
        if (v == null) {
          values.putNull(e.getKey());
        } else if (v instanceof Double d) {
          values.put(e.getKey(), d.doubleValue());
        } else {
          values.put(e.getKey(), v.toString());
        }
      }
    }
    try {
      return JSON.writeValueAsString(line);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
