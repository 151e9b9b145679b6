package io.featuremon.connect.alertmanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.featuremon.avro.Alert;
import org.junit.jupiter.api.Test;

class FiringSetTest {

    private static final Duration INTERVAL = Duration.ofSeconds(60);
    private static final Instant T0 = Instant.parse("2026-03-08T00:00:00Z");

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = T0;

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private final ManualClock clock = new ManualClock();
    private final FiringSet set = new FiringSet(INTERVAL, clock);

    static Alert alert(String fingerprint, String status, String startsAt, String endsAt) {
        return Alert.newBuilder().setFingerprint(fingerprint).setStatus(status).setRule("RedundancyHigh")
                .setModel("us-macro").setType("features").setSeverity("warning").setMetric("redundancy.meanAbsCorr")
                .setValue(0.6).setThreshold(0.5).setWindowStart(0).setWindowEnd(0)
                .setStartsAt(Instant.parse(startsAt).toEpochMilli())
                .setEndsAt(endsAt == null ? null : Instant.parse(endsAt).toEpochMilli())
                .setStartsAtRfc3339(startsAt).setEndsAtRfc3339(endsAt)
                .setLabels(Map.of("alertname", "RedundancyHigh", "model", "us-macro", "severity", "warning",
                        "fp", fingerprint))
                .setAnnotations(Map.of("summary", "redundancy high", "runbook_url", "https://runbooks.example.com/r"))
                .build();
    }

    @Test
    void shouldPostAFiringAlertWithEndsAtFourIntervalsAheadAndItsLabelsAndAnnotationsUnchanged() {
        PostableAlert post = set.apply("alerts-0", alert("a", "firing", "2026-03-07T23:00:00Z", null));

        assertThat(post.endsAt()).isEqualTo(T0.plus(INTERVAL.multipliedBy(4)));
        assertThat(post.startsAt()).isEqualTo(Instant.parse("2026-03-07T23:00:00Z"));
        assertThat(post.labels()).containsEntry("alertname", "RedundancyHigh").containsEntry("severity", "warning");
        assertThat(post.annotations()).containsEntry("runbook_url", "https://runbooks.example.com/r");
        assertThat(post.json()).containsEntry("endsAt", "2026-03-08T00:04:00Z").containsEntry("startsAt", "2026-03-07T23:00:00Z");
        assertThat(set.size()).isEqualTo(1);
    }

    @Test
    void shouldResendEveryFiringAlertOncePerIntervalWithAFreshEndsAt() {
        set.apply("alerts-0", alert("a", "firing", "2026-03-07T23:00:00Z", null));
        set.apply("alerts-1", alert("b", "firing", "2026-03-07T23:30:00Z", null));

        clock.advance(INTERVAL.minusSeconds(1));
        assertThat(set.due()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        List<PostableAlert> first = set.due();
        assertThat(first).extracting(PostableAlert::fingerprint).containsExactly("a", "b");
        assertThat(first).allSatisfy(p -> assertThat(p.endsAt()).isEqualTo(clock.instant().plus(INTERVAL.multipliedBy(4))));
        assertThat(set.due()).as("nothing more within the same interval").isEmpty();

        // Ten intervals later the alert is still re-sent, each time ending 4 intervals after that re-send: without
        // re-sending it would have ended at its first endsAt, T0 + 4 intervals.
        for (int i = 0; i < 10; i++) {
            clock.advance(INTERVAL);
            assertThat(set.due()).hasSize(2).allSatisfy(p -> assertThat(p.endsAt()).isAfter(T0.plus(INTERVAL.multipliedBy(4))));
        }
    }

    @Test
    void shouldPostAResolvedAlertOnceWithItsOwnEndTimeAndStopResendingIt() {
        set.apply("alerts-0", alert("a", "firing", "2026-03-07T23:00:00Z", null));
        PostableAlert resolved = set.apply("alerts-0", alert("a", "resolved", "2026-03-07T23:00:00Z", "2026-03-07T23:40:00Z"));

        assertThat(resolved.endsAt()).isEqualTo(Instant.parse("2026-03-07T23:40:00Z"));
        assertThat(set.size()).isZero();
        clock.advance(INTERVAL);
        assertThat(set.due()).isEmpty();
    }

    @Test
    void shouldNotPostAStartTimeAfterNowSinceAlertmanagerRefusesStartsAtAfterEndsAt() {
        PostableAlert post = set.apply("alerts-0", alert("a", "firing", "2026-03-09T00:00:00Z", null));

        assertThat(post.startsAt()).isEqualTo(T0);
        assertThat(post.startsAt()).isBefore(post.endsAt());
    }

    @Test
    void shouldForgetOnlyTheAlertsOfPartitionsGivenUp() {
        set.apply("alerts-0", alert("a", "firing", "2026-03-07T23:00:00Z", null));
        set.apply("alerts-1", alert("b", "firing", "2026-03-07T23:00:00Z", null));

        set.forget(List.of("alerts-0"));

        assertThat(set.all()).extracting(PostableAlert::fingerprint).containsExactly("b");
    }

    @Test
    void shouldRebuildTheSameFiringSetFromTheRecordsReadAgain() {
        List<Alert> history = List.of(alert("a", "firing", "2026-03-07T20:00:00Z", null),
                alert("b", "firing", "2026-03-07T21:00:00Z", null),
                alert("a", "resolved", "2026-03-07T20:00:00Z", "2026-03-07T22:00:00Z"),
                alert("c", "firing", "2026-03-07T23:00:00Z", null));
        history.forEach(a -> set.apply("alerts-0", a));

        FiringSet rebuilt = new FiringSet(INTERVAL, clock);
        history.forEach(a -> rebuilt.apply("alerts-0", a));

        assertThat(rebuilt.all()).isEqualTo(set.all());
        assertThat(rebuilt.all()).extracting(PostableAlert::fingerprint).containsExactly("b", "c");
    }

    @Test
    void shouldRefuseAStatusFeaturemonNeverWrites() {
        assertThatThrownBy(() -> set.apply("alerts-0", alert("a", "pending", "2026-03-07T23:00:00Z", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'pending'");
    }
}
