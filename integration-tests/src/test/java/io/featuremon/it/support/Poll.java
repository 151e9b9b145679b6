package io.featuremon.it.support;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Checks a condition again and again until it holds or a deadline passes, as Awaitility does.
 *
 * <p>The pause between two checks is only the polling interval: nothing here guesses how long Kafka takes.
 * A condition that never holds fails the test with what it waited for and what it saw last.
 */
public final class Poll {

    private static final long INTERVAL_MILLIS = 100;

    private Poll() {
    }

    /** What a check saw: whether the condition holds, and a description of the state for the failure message. */
    public record Outcome(boolean done, String seen) {

        public static Outcome done(String seen) {
            return new Outcome(true, seen);
        }

        public static Outcome notYet(String seen) {
            return new Outcome(false, seen);
        }
    }

    /**
     * @param what    what is awaited, for the failure message
     * @param check   looks once; may throw {@link AssertionError} to fail at once (e.g. the application died)
     * @throws AssertionError if no check says done within {@code timeout}
     */
    public static void until(String what, Duration timeout, Supplier<Outcome> check) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Outcome last = check.get();
        while (!last.done()) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("Waited " + timeout + " for " + what + "; last seen: " + last.seen());
            }
            try {
                Thread.sleep(INTERVAL_MILLIS); // the polling interval, not a wait for the condition
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for " + what, e);
            }
            last = check.get();
        }
    }
}
