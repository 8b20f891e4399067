package org.p2pnet.api.routine;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A routine as the scheduler sees it ({@code p2p:routines}).
 *
 * @param name         the routine's name ({@link Routine#NAME_PROPERTY})
 * @param interval     the time between the start of one run and the next
 * @param state        whether it is scheduled
 * @param running      true while a run is under way
 * @param lastRun      when the last run started
 * @param lastDuration how long the last run took
 * @param nextRun      when it runs next (empty while stopped)
 * @param runs         runs since the scheduler started it
 * @param failures     runs that threw
 * @param overruns     runs that took longer than the interval (the next one was delayed, never overlapped)
 * @param lastFailure  what the last failing run threw, or empty
 * @param provider     where it comes from: the symbolic name of the bundle that registered it, or
 *                     {@code api} for one added through {@link NetworkRoutines#add}
 */
public record RoutineInfo(String name, Duration interval, State state, boolean running, Optional<Instant> lastRun,
                          Optional<Duration> lastDuration, Optional<Instant> nextRun, long runs, long failures,
                          long overruns, String lastFailure, String provider) {
    /** Whether a routine is scheduled. */
    public enum State {
        /** Runs every interval. */
        STARTED,
        /** Not scheduled (p2p:routine-stop, or its configuration says so); can still be run once. */
        STOPPED
    }

    public RoutineInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(interval, "interval");
        Objects.requireNonNull(state, "state");
        lastRun = lastRun == null ? Optional.empty() : lastRun;
        lastDuration = lastDuration == null ? Optional.empty() : lastDuration;
        nextRun = nextRun == null ? Optional.empty() : nextRun;
        lastFailure = lastFailure == null ? "" : lastFailure;
        provider = provider == null ? "" : provider;
    }
}
