package io.featuremon.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import io.featuremon.avro.Alert;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a console prints an alert record (the demo as records arrive, {@code replay} at its end): the status and the
 * summary on one line, with the fingerprint, then the description and the runbook link, when there is one, each on
 * a line of its own, for the caller to indent. Only the record's own fields are used, so the lines are as
 * deterministic as the record.
 */
public final class AlertText {
  private AlertText() {}

  /** The lines of an {@code Alert} record. */
  public static List<String> lines(Alert alert) {
    return lines(alert.getStatus(), alert.getFingerprint(), alert.getAnnotations());
  }

  /** The lines of an alert as the replay writes it (AvroJson's rendering of the record). */
  public static List<String> lines(JsonNode alert) {
    Map<String, String> annotations = new java.util.TreeMap<>();
    alert.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
    return lines(alert.path("status").asText(), alert.path("fingerprint").asText(), annotations);
  }

  /** When the alert changed state: startsAt when it fired, endsAt when it resolved (RFC 3339, UTC). */
  public static String time(JsonNode alert) {
    JsonNode ends = alert.path("endsAtRfc3339");
    return ends.isTextual() ? ends.asText() : alert.path("startsAtRfc3339").asText();
  }

  private static List<String> lines(String status, String fingerprint, Map<String, String> annotations) {
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "%-8s %s [%s]", status.toUpperCase(Locale.ROOT),
        annotations.getOrDefault("summary", ""), fingerprint));
    String description = annotations.get("description");
    if (description != null && !description.isEmpty()) {
      out.add(description);
    }
    String runbook = annotations.get(AlertRules.RUNBOOK_URL);
    if (runbook != null && !runbook.isEmpty()) {
      out.add("runbook: " + runbook);
    }
    return out;
  }
}
