package io.featuremon.connect.alertmanager;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.featuremon.avro.Alert;

/**
 * The alerts that are firing now, and what to post for them: the sink's whole state, kept apart from Kafka and HTTP
 * so that it can be tested with a clock in hand.
 *
 * <p>Alertmanager's contract is Prometheus's: a client re-sends each active alert every so often with an
 * {@code endsAt} a little in the future, and Alertmanager resolves the alert by itself once {@code endsAt} passes
 * without a fresh post. So a firing alert is posted with {@code endsAt} = now + 4 × the re-send interval and posted
 * again every interval ({@link #due()}); a resolved alert is posted once, with its own end time, and leaves the set.
 * If the connector dies, its alerts resolve at most 4 intervals later instead of firing for ever; if Alertmanager
 * loses its state (a restart without storage), the next re-send brings every firing alert back.
 *
 * <p>Each alert is remembered with the partition its record came from (its source), so that a task can forget the alerts of
 * partitions it gives up ({@link #forget}) and rebuild those it takes on from their records. Not thread-safe: the
 * task serialises access.
 */
public final class FiringSet {

    /** Alertmanager's own rule, Prometheus's default: an alert stays active 4 re-send intervals after its last post. */
    static final int ENDS_AT_INTERVALS = 4;

    private record Firing(String source, Alert alert) {
    }

    private final Duration resendInterval;
    private final Clock clock;
    // Insertion order, so that posts list alerts in the order they began firing (stable output, easier to read).
    private final Map<String, Firing> firing = new LinkedHashMap<>();
    private Instant nextResend;

    public FiringSet(Duration resendInterval, Clock clock) {
        if (resendInterval.isNegative() || resendInterval.isZero()) {
            throw new IllegalArgumentException("resend interval must be positive, got " + resendInterval);
        }
        this.resendInterval = resendInterval;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.nextResend = clock.instant().plus(resendInterval);
    }

    /**
     * Takes one state change from the alerts topic ({@code source}: the partition it came from, as topic-partition)
     * and says what to post for it now: the alert firing until
     * now + 4 intervals, or resolved at its end time.
     *
     * @throws IllegalArgumentException if the record's status is neither firing nor resolved (a bad record)
     */
    public PostableAlert apply(String source, Alert alert) {
        String fingerprint = alert.getFingerprint();
        switch (alert.getStatus()) {
            case "firing" -> {
                firing.put(fingerprint, new Firing(source, alert));
                return firingNow(alert, clock.instant());
            }
            case "resolved" -> {
                firing.remove(fingerprint);
                return resolved(alert);
            }
            default -> throw new IllegalArgumentException("alert " + fingerprint + " has status '" + alert.getStatus()
                    + "'; featuremon writes only 'firing' or 'resolved'");
        }
    }

    /**
     * Every firing alert with a fresh endsAt when a re-send interval has passed since the last re-send, else
     * nothing. The next one is due an interval after this one.
     */
    public List<PostableAlert> due() {
        Instant now = clock.instant();
        if (now.isBefore(nextResend)) {
            return List.of();
        }
        nextResend = now.plus(resendInterval);
        return firing(now);
    }

    /** Every firing alert, as it would be posted now. */
    public List<PostableAlert> all() {
        return firing(clock.instant());
    }

    /** Drops the alerts whose records came from {@code sources} (partitions given up, or about to be read again). */
    public void forget(Collection<String> sources) {
        firing.values().removeIf(f -> sources.contains(f.source()));
    }

    public int size() {
        return firing.size();
    }

    public Optional<Alert> get(String fingerprint) {
        return Optional.ofNullable(firing.get(fingerprint)).map(Firing::alert);
    }

    private List<PostableAlert> firing(Instant now) {
        List<PostableAlert> posts = new ArrayList<>(firing.size());
        for (Firing f : firing.values()) {
            posts.add(firingNow(f.alert(), now));
        }
        return posts;
    }

    private PostableAlert firingNow(Alert alert, Instant now) {
        Instant startsAt = instant(alert.getStartsAtRfc3339(), alert.getStartsAt());
        // startsAt is event time: a producer's clock ahead of ours could put it after endsAt, which Alertmanager
        // refuses ("start time must be before end time"). An alert cannot have begun after now.
        if (startsAt.isAfter(now)) {
            startsAt = now;
        }
        return new PostableAlert(alert.getFingerprint(), alert.getLabels(), alert.getAnnotations(), startsAt,
                now.plus(resendInterval.multipliedBy(ENDS_AT_INTERVALS)));
    }

    private static PostableAlert resolved(Alert alert) {
        Instant startsAt = instant(alert.getStartsAtRfc3339(), alert.getStartsAt());
        if (alert.getEndsAt() == null) {
            throw new IllegalArgumentException("resolved alert " + alert.getFingerprint() + " has no endsAt");
        }
        Instant endsAt = instant(alert.getEndsAtRfc3339(), alert.getEndsAt());
        return new PostableAlert(alert.getFingerprint(), alert.getLabels(), alert.getAnnotations(), startsAt,
                endsAt.isBefore(startsAt) ? startsAt : endsAt);
    }

    private static Instant instant(String rfc3339, Long epochMillis) {
        // The RFC 3339 field is the one featuremon writes for Alertmanager; records from before it carry only ms.
        return rfc3339 != null ? Instant.parse(rfc3339) : Instant.ofEpochMilli(epochMillis);
    }
}
