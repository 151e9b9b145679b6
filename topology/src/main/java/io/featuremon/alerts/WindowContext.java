package io.featuremon.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * One closed window of one (model, segment, type), as the alert engine sees it.
 *
 * @param model the model
 * @param segment the segment; null or empty when absent (then no {@code segment} label)
 * @param type {@code embedding} or {@code features}
 * @param windowStart inclusive, epoch ms
 * @param windowEnd exclusive, epoch ms: the time of every decision made in this window
 * @param stats the window's WindowStats as JSON (AvroJson's rendering)
 * @param reference the reference's WindowStats JSON for relative rules, or null when there is none
 */
public record WindowContext(String model, String segment, String type, long windowStart, long windowEnd,
    JsonNode stats, JsonNode reference) {

  public WindowContext {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(stats, "stats");
    if (segment != null && segment.isEmpty()) {
      segment = null;
    }
    if (windowEnd <= windowStart) {
      throw new IllegalArgumentException("windowEnd " + windowEnd + " must be after windowStart " + windowStart);
    }
  }

  /**
   * The context of a WindowStats JSON, taking model, segment, type, windowStart and windowEnd from it.
   *
   * @throws IllegalArgumentException when one of those fields is missing
   */
  public static WindowContext of(JsonNode stats, JsonNode reference) {
    Objects.requireNonNull(stats, "stats");
    for (String field : new String[] {"model", "type", "windowStart", "windowEnd"}) {
      if (!stats.hasNonNull(field)) {
        throw new IllegalArgumentException("WindowStats JSON has no " + field);
      }
    }
    JsonNode segment = stats.get("segment");
    return new WindowContext(stats.get("model").asText(), segment == null || segment.isNull() ? null
        : segment.asText(), stats.get("type").asText(), stats.get("windowStart").asLong(),
        stats.get("windowEnd").asLong(), stats, reference);
  }
}
