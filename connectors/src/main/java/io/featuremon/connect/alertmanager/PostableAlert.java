package io.featuremon.connect.alertmanager;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * One alert as Alertmanager's {@code POST /api/v2/alerts} takes it: labels (the identity), annotations, startsAt
 * and endsAt. featuremon's {@code Alert} record has no generator URL, so none is sent.
 */
public record PostableAlert(String fingerprint, Map<String, String> labels, Map<String, String> annotations,
        Instant startsAt, Instant endsAt) {

    public PostableAlert {
        labels = new TreeMap<>(labels);
        annotations = new TreeMap<>(annotations);
    }

    /** The JSON object Alertmanager reads; instants in RFC 3339, UTC. */
    public Map<String, Object> json() {
        return Map.of("labels", labels, "annotations", annotations,
                "startsAt", startsAt.toString(), "endsAt", endsAt.toString());
    }
}
