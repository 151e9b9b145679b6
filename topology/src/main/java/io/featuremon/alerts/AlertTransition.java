package io.featuremon.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.featuremon.avro.Alert;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A change of one alert's state: it started firing or it resolved. Shaped like {@code io.featuremon.avro.Alert}
 * ({@link #toAvro()}) and like an Alertmanager API v2 alert ({@link #toAlertmanagerJson()}).
 *
 * @param fingerprint first 16 hex digits of SHA-256 over the sorted labels (see {@link #fingerprint(SortedMap)})
 * @param status firing or resolved
 * @param rule the rule's name (= the {@code alertname} label)
 * @param segment null when absent
 * @param instance the key under the metric's {@code *} (the {@code feature} label), or null
 * @param metric the concrete metric path ({@code *} replaced by the instance)
 * @param value level and relative rules: the metric's value in this window; trend rules: Sen's slope per window
 *     over the last {@code windows} values; NaN when resolving because the rule was removed or changed
 * @param threshold level rules: the level; relative rules: ratio × the reference's value; trend rules: the signed
 *     {@code minSlope}; NaN as for value
 * @param activeAt windowEnd of the first window of the breached run that led to firing (Prometheus' activeAt)
 * @param startsAt windowEnd of the window in which it fired (Prometheus sends its FiredAt as startsAt)
 * @param endsAt windowEnd of the window in which it resolved; null while firing
 */
public record AlertTransition(String fingerprint, Status status, String rule, String model, String segment,
    String type, String instance, Severity severity, String metric, double value, double threshold,
    long windowStart, long windowEnd, long activeAt, long startsAt, Long endsAt,
    SortedMap<String, String> labels, SortedMap<String, String> annotations) {

  /** The {@code status} of an alert record. */
  public enum Status {
    FIRING,
    RESOLVED;

    /** {@code firing} or {@code resolved}. */
    public String label() {
      return this == FIRING ? "firing" : "resolved";
    }
  }

  public AlertTransition {
    labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    annotations = Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
    if ((status == Status.RESOLVED) != (endsAt != null)) {
      throw new IllegalArgumentException("endsAt must be set exactly when resolved");
    }
  }

  /** The record for the alerts topic. */
  public Alert toAvro() {
    return Alert.newBuilder()
        .setFingerprint(fingerprint)
        .setStatus(status.label())
        .setRule(rule)
        .setModel(model)
        .setSegment(segment)
        .setType(type)
        .setSeverity(severity.label())
        .setMetric(metric)
        .setValue(value)
        .setThreshold(threshold)
        .setWindowStart(windowStart)
        .setWindowEnd(windowEnd)
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setLabels(new LinkedHashMap<>(labels))
        .setAnnotations(new LinkedHashMap<>(annotations))
        .setStartsAtRfc3339(rfc3339(startsAt))
        .setEndsAtRfc3339(endsAt == null ? null : rfc3339(endsAt))
        .build();
  }

  /**
   * An epoch-millisecond instant as RFC 3339 in UTC, {@code 2026-01-01T01:00:00Z} (milliseconds shown only when not
   * zero): {@link Instant#toString()}, which depends on nothing but the number.
   */
  public static String rfc3339(long epochMillis) {
    return Instant.ofEpochMilli(epochMillis).toString();
  }

  /**
   * One element of the JSON array that Alertmanager's {@code POST /api/v2/alerts} takes: labels, annotations,
   * startsAt and (when resolved) endsAt as RFC 3339 instants. Alertmanager treats an alert it does not hear about
   * again as resolved after its {@code resolve_timeout}, so whatever forwards firing records must re-send them
   * while they are active (for example from the latest record per fingerprint).
   */
  public ObjectNode toAlertmanagerJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode json = f.objectNode();
    ObjectNode l = json.putObject("labels");
    labels.forEach(l::put);
    ObjectNode a = json.putObject("annotations");
    annotations.forEach(a::put);
    json.put("startsAt", rfc3339(startsAt));
    if (endsAt != null) {
      json.put("endsAt", rfc3339(endsAt));
    }
    return json;
  }

  /**
   * First 16 hex digits of SHA-256 over {@code name=value\n} for each label in name order: the same labels always
   * give the same fingerprint (the scheme of {@code io.featuremon.topology.ThresholdAlerts}).
   */
  public static String fingerprint(SortedMap<String, String> labels) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (Map.Entry<String, String> e : labels.entrySet()) {
        sha.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }
}
