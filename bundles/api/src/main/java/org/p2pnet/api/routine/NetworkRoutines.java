package org.p2pnet.api.routine;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The routine scheduler (P2PNet's NetworkRoutines), provided by the routines bundle. It schedules
 * every {@link Routine} service by its {@value Routine#NAME_PROPERTY}, including ones registered
 * later by other bundles, and those {@link #add added} through this API. A routine never runs
 * concurrently with itself; one that throws is logged (once per streak of failures) and keeps its
 * schedule; one that runs longer than its interval is counted as an overrun and its next run
 * starts when it ends.
 *
 * <p>Intervals and started/stopped states set here are stored in Config Admin (PID
 * {@code org.p2pnet.routines}, keys {@code <name>.interval} and {@code <name>.enabled}) and
 * survive restarts.
 *
 * @since 1.1
 */
@ProviderType
public interface NetworkRoutines {

    /** Every routine known, by name. */
    List<RoutineInfo> list();

    Optional<RoutineInfo> routine(String name);

    /**
     * Schedules a routine from code (P2PNet's AddRoutine). It runs until the returned handle is
     * closed or the caller's bundle stops.
     *
     * @throws IllegalArgumentException when the name is invalid (1-64 characters of
     *         {@code A-Z a-z 0-9 _ . -}) or taken, or the interval out of range
     */
    AutoCloseable add(String name, Duration interval, Routine routine);

    /**
     * Schedules a stopped routine.
     *
     * @throws IllegalArgumentException when there is no routine of that name
     */
    void start(String name);

    /**
     * Unschedules a routine; a run under way finishes.
     *
     * @throws IllegalArgumentException when there is no routine of that name
     */
    void stop(String name);

    /**
     * Sets the interval, at once: the next run is rescheduled from the last run's start.
     *
     * @throws IllegalArgumentException for an unknown name or an interval outside
     *         {@link Intervals#MIN}..{@link Intervals#MAX}
     */
    void interval(String name, Duration interval);

    /**
     * Runs a routine once now (also a stopped one), unless a run is under way, whose end the stage
     * then waits for. Completes with its state after the run; fails with what the run threw.
     *
     * @throws IllegalArgumentException when there is no routine of that name
     */
    CompletionStage<RoutineInfo> runNow(String name);
}
