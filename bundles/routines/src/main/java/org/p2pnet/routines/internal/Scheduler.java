package org.p2pnet.routines.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.regex.Pattern;

import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduling decisions of the routines bundle, without threads or timers of its own: a time
 * source says what time it is, {@link #runDue()} starts every routine that is due, and each run
 * goes to an {@link Executor}. The OSGi component drives it from a timer (at {@link #nextDue()});
 * tests drive it with a clock they move and an executor they run by hand.
 *
 * <ul>
 * <li>A started routine runs every interval, measured from the start of one run to the start of
 * the next; the first run is one interval after it was started.</li>
 * <li>It never overlaps itself: a run that takes longer than the interval is counted as an
 * overrun, and the next run starts when it ends.</li>
 * <li>A run that throws is counted and keeps the schedule; the first failure of a streak is logged
 * at WARN with the stack trace, the following ones only counted, and the next success logs
 * "recovered after n failures".</li>
 * <li>Per-routine settings ({@link #configure}) override the routine's default interval and
 * state; they may be set before the routine exists (a bundle that registers it later).</li>
 * </ul>
 *
 * <p>Thread-safe. The change listener is called, outside any lock, whenever the next due time may
 * have moved.
 */
final class Scheduler {
    /** Names of routines: 1-64 characters of {@code A-Z a-z 0-9 _ . -}. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    /** The interval of a routine that says nothing else. */
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(60);

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    /** What the settings of one routine override; null fields do not. */
    record Settings(Duration interval, Boolean enabled) {
        static final Settings NONE = new Settings(null, null);
    }

    private final Clock clock;
    private final Executor runner;
    private final Runnable changed;

    /** Guarded by {@code this}. */
    private final Map<String, Entry> entries = new TreeMap<>();
    /** Guarded by {@code this}: settings by routine name, for present and future routines. */
    private Map<String, Settings> overrides = new HashMap<>();
    private boolean closed;

    /**
     * @param clock   what time it is
     * @param runner  where runs execute
     * @param changed told (outside any lock) when the next due time may have moved
     */
    Scheduler(Clock clock, Executor runner, Runnable changed) {
        this.clock = clock;
        this.runner = runner;
        this.changed = changed;
    }

    /** One scheduled routine; its mutable fields are guarded by the scheduler. */
    final class Entry {
        final String name;
        final Routine routine;
        final String provider;
        Duration defaultInterval;
        boolean started;
        /** When it was last started or its interval changed without a run: the base of the first run. */
        Instant scheduledFrom;
        Instant nextRun;
        boolean running;
        Instant lastRun;
        Duration lastDuration;
        long runs;
        long failures;
        long overruns;
        String lastFailure = "";
        int failureStreak;
        boolean overrunLogged;
        boolean removed;
        /** Completes when the run under way ends; null while none is. */
        CompletableFuture<RoutineInfo> current;

        Entry(String name, Routine routine, String provider, Duration defaultInterval) {
            this.name = name;
            this.routine = routine;
            this.provider = provider;
            this.defaultInterval = defaultInterval;
        }

        Duration interval() {
            Duration configured = overrides.getOrDefault(name, Settings.NONE).interval();
            return configured != null ? configured : defaultInterval;
        }

        boolean enabled() {
            Boolean configured = overrides.getOrDefault(name, Settings.NONE).enabled();
            return configured == null || configured;
        }

        RoutineInfo info() {
            return new RoutineInfo(name, interval(), started ? RoutineInfo.State.STARTED : RoutineInfo.State.STOPPED,
                    running, Optional.ofNullable(lastRun), Optional.ofNullable(lastDuration),
                    started ? Optional.ofNullable(nextRun) : Optional.empty(), runs, failures, overruns, lastFailure,
                    provider);
        }
    }

    /** Whether {@code name} may name a routine. */
    static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * @throws IllegalArgumentException naming the problem when {@code name} is not a routine name
     */
    static String checkName(String name) {
        if (!validName(name)) {
            throw new IllegalArgumentException("'" + name + "' is not a routine name: 1-64 characters of"
                    + " A-Z a-z 0-9 _ . -");
        }
        return name;
    }

    // ---------------------------------------------------------------- routines come and go

    /**
     * Schedules a routine (started unless its settings say {@code enabled = false}).
     *
     * @throws IllegalArgumentException when the name is invalid or taken, or the interval out of range
     * @throws IllegalStateException when the scheduler is closed
     */
    Entry add(String name, Duration defaultInterval, Routine routine, String provider) {
        checkName(name);
        Intervals.check(defaultInterval);
        Objects.requireNonNull(routine, "routine");
        Entry entry;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the routine scheduler is stopped");
            }
            if (entries.containsKey(name)) {
                throw new IllegalArgumentException("a routine named " + name + " exists already (from "
                        + entries.get(name).provider + ")");
            }
            entry = new Entry(name, routine, provider, defaultInterval);
            entries.put(name, entry);
            if (entry.enabled()) {
                schedule(entry);
            }
        }
        LOG.debug("Routine {} from {} added: every {}, {}", name, provider, Intervals.format(entry.interval()),
                entry.enabled() ? "started" : "stopped by its configuration");
        changed.run();
        return entry;
    }

    /** Unschedules the routine of this entry if it is still the one scheduled; a run under way finishes. */
    boolean remove(Entry entry) {
        synchronized (this) {
            if (entries.get(entry.name) != entry) {
                return false;
            }
            entries.remove(entry.name);
            entry.removed = true;
            entry.started = false;
            entry.nextRun = null;
        }
        LOG.debug("Routine {} from {} removed", entry.name, entry.provider);
        changed.run();
        return true;
    }

    /** A routine's default interval changed (its service properties): applies unless its settings override it. */
    void defaultInterval(Entry entry, Duration interval) {
        Intervals.check(interval);
        synchronized (this) {
            Duration before = entry.interval();
            entry.defaultInterval = interval;
            reschedule(entry, before);
        }
        changed.run();
    }

    // ---------------------------------------------------------------- operations

    /** Every routine, by name. */
    synchronized List<RoutineInfo> list() {
        List<RoutineInfo> all = new ArrayList<>(entries.size());
        entries.values().forEach(e -> all.add(e.info()));
        return all;
    }

    synchronized Optional<RoutineInfo> info(String name) {
        Entry e = entries.get(name);
        return e == null ? Optional.empty() : Optional.of(e.info());
    }

    /** Whether a routine of that name is scheduled or stopped here. */
    synchronized boolean exists(String name) {
        return entries.containsKey(name);
    }

    /**
     * Replaces the settings of every routine (the whole configuration): each routine's state and
     * interval follow at once — an interval change reschedules from the last run's start.
     */
    void configure(Map<String, Settings> settings) {
        synchronized (this) {
            Map<String, Duration> intervalsBefore = new HashMap<>();
            entries.values().forEach(e -> intervalsBefore.put(e.name, e.interval()));
            overrides = new HashMap<>(settings);
            for (Entry e : entries.values()) {
                apply(e, intervalsBefore.get(e.name));
            }
        }
        changed.run();
    }

    /** Sets one routine's settings (the rest stay). */
    void configure(String name, Settings settings) {
        synchronized (this) {
            Entry e = entries.get(name);
            Duration before = e == null ? null : e.interval();
            overrides.put(name, settings);
            if (e != null) {
                apply(e, before);
            }
        }
        changed.run();
    }

    /** The settings in force, by routine name (routines not here yet included). */
    synchronized Map<String, Settings> allSettings() {
        return Map.copyOf(overrides);
    }

    /** The settings in force for a routine. */
    synchronized Settings settings(String name) {
        return overrides.getOrDefault(name, Settings.NONE);
    }

    private void apply(Entry e, Duration intervalBefore) {
        if (e.enabled() && !e.started) {
            schedule(e);
        } else if (!e.enabled() && e.started) {
            e.started = false;
            e.nextRun = null;
        } else {
            reschedule(e, intervalBefore);
        }
    }

    /**
     * Runs a routine once now (a stopped one too), unless a run is under way: then the stage is
     * that run's.
     *
     * @throws IllegalArgumentException when there is no routine of that name
     */
    CompletionStage<RoutineInfo> runNow(String name) {
        CompletableFuture<RoutineInfo> outcome;
        synchronized (this) {
            Entry e = entries.get(name);
            if (e == null) {
                throw new IllegalArgumentException("there is no routine named " + name);
            }
            outcome = e.running ? e.current : launch(e);
        }
        changed.run();
        // the caller's dependants never run inside the scheduler's bookkeeping
        return outcome.thenApply(info -> info);
    }

    /**
     * Starts every started routine that is due and not running.
     *
     * @return how many runs were started
     */
    int runDue() {
        int launched = 0;
        synchronized (this) {
            if (closed) {
                return 0;
            }
            Instant now = clock.instant();
            for (Entry e : entries.values()) {
                if (e.started && !e.running && e.nextRun != null && !now.isBefore(e.nextRun)) {
                    launch(e);
                    launched++;
                }
            }
        }
        if (launched > 0) {
            changed.run();
        }
        return launched;
    }

    /** The earliest time a started routine that is not running is due; empty when none is. */
    synchronized Optional<Instant> nextDue() {
        Instant earliest = null;
        for (Entry e : entries.values()) {
            if (e.started && !e.running && e.nextRun != null && (earliest == null || e.nextRun.isBefore(earliest))) {
                earliest = e.nextRun;
            }
        }
        return Optional.ofNullable(earliest);
    }

    /** Stops scheduling: nothing is due any more; the stages of runs under way fail when they are abandoned. */
    void close() {
        synchronized (this) {
            closed = true;
            for (Entry e : entries.values()) {
                e.started = false;
                e.nextRun = null;
            }
        }
        changed.run();
    }

    /** Fails the stages of runs that never ended (their threads were interrupted and did not come back). */
    synchronized void abandonRuns(String why) {
        for (Entry e : entries.values()) {
            if (e.current != null) {
                e.current.completeExceptionally(new IllegalStateException(why));
            }
        }
    }

    // ---------------------------------------------------------------- scheduling

    private void schedule(Entry e) {
        Instant now = clock.instant();
        e.started = true;
        e.scheduledFrom = now;
        e.nextRun = now.plus(e.interval());
    }

    /** The interval may have changed: the next run is one new interval after the last start. */
    private void reschedule(Entry e, Duration before) {
        Duration interval = e.interval();
        if (!e.started || e.running || interval.equals(before)) {
            return;
        }
        Instant base = e.lastRun != null && e.lastRun.isAfter(e.scheduledFrom) ? e.lastRun : e.scheduledFrom;
        e.nextRun = base.plus(interval);
        LOG.debug("Routine {} now runs every {}; next at {}", e.name, Intervals.format(interval), e.nextRun);
    }

    /** Hands a run to the executor; called with the lock held. */
    private CompletableFuture<RoutineInfo> launch(Entry e) {
        CompletableFuture<RoutineInfo> outcome = new CompletableFuture<>();
        if (closed) {
            outcome.completeExceptionally(new IllegalStateException("the routine scheduler is stopped"));
            return outcome;
        }
        e.running = true;
        e.current = outcome;
        try {
            runner.execute(() -> execute(e, outcome));
        } catch (RejectedExecutionException stopping) {
            e.running = false;
            e.current = null;
            outcome.completeExceptionally(new IllegalStateException("the routine scheduler is stopped", stopping));
        }
        return outcome;
    }

    /** One run, on the executor's thread. */
    private void execute(Entry e, CompletableFuture<RoutineInfo> outcome) {
        Instant start;
        synchronized (this) {
            start = clock.instant();
            e.lastRun = start;
            if (e.started) {
                // tentative, so that the listing shows when it would run next; settled when the run ends
                e.nextRun = start.plus(e.interval());
            }
        }
        Throwable failure = null;
        try {
            e.routine.run();
        } catch (Exception | LinkageError | AssertionError | StackOverflowError thrown) {
            failure = thrown;
        } catch (Error fatal) {
            finished(e, start, fatal, outcome);
            throw fatal;
        }
        finished(e, start, failure, outcome);
    }

    private void finished(Entry e, Instant start, Throwable failure, CompletableFuture<RoutineInfo> outcome) {
        RoutineInfo info;
        synchronized (this) {
            Instant end = clock.instant();
            Duration took = end.isBefore(start) ? Duration.ZERO : Duration.between(start, end);
            Duration interval = e.interval();
            e.running = false;
            e.current = null;
            e.lastDuration = took;
            e.runs++;
            if (failure != null) {
                e.failures++;
                e.lastFailure = failure.toString();
                if (++e.failureStreak == 1) {
                    LOG.warn("Routine {} failed; it keeps its schedule, and further failures are only counted until"
                            + " it succeeds", e.name, failure);
                } else {
                    LOG.debug("Routine {} failed again ({} in a row): {}", e.name, e.failureStreak, failure.toString());
                }
            } else if (e.failureStreak > 0) {
                LOG.info("Routine {} recovered after {} failures", e.name, e.failureStreak);
                e.failureStreak = 0;
            }
            if (took.compareTo(interval) > 0) {
                e.overruns++;
                if (!e.overrunLogged) {
                    e.overrunLogged = true;
                    LOG.warn("Routine {} took {} ms, longer than its interval {}: its next run starts when a run ends"
                            + " (never overlapping); further overruns are only counted until a run fits",
                            e.name, took.toMillis(), Intervals.format(interval));
                }
            } else {
                e.overrunLogged = false;
            }
            if (e.started) {
                Instant byInterval = start.plus(interval);
                e.nextRun = byInterval.isAfter(end) ? byInterval : end;
            }
            info = e.info();
        }
        changed.run();
        if (failure != null) {
            outcome.completeExceptionally(failure);
        } else {
            outcome.complete(info);
        }
    }
}
