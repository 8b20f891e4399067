package org.p2pnet.jmx.internal;

import javax.management.ConstructorParameters;

import org.p2pnet.api.routine.RoutineInfo;

/** One routine, a row of {@link RoutinesMXBean#getRoutines()}. */
public final class RoutineRow {
    private final String name;
    private final long intervalMillis;
    private final String state;
    private final boolean running;
    private final String lastRun;
    private final long lastDurationMillis;
    private final String nextRun;
    private final long runs;
    private final long failures;
    private final long overruns;
    private final String lastFailure;
    private final String provider;

    @ConstructorParameters({"name", "intervalMillis", "state", "running", "lastRun", "lastDurationMillis", "nextRun",
            "runs", "failures", "overruns", "lastFailure", "provider"})
    public RoutineRow(String name, long intervalMillis, String state, boolean running, String lastRun,
            long lastDurationMillis, String nextRun, long runs, long failures, long overruns, String lastFailure,
            String provider) {
        this.name = name;
        this.intervalMillis = intervalMillis;
        this.state = state;
        this.running = running;
        this.lastRun = lastRun;
        this.lastDurationMillis = lastDurationMillis;
        this.nextRun = nextRun;
        this.runs = runs;
        this.failures = failures;
        this.overruns = overruns;
        this.lastFailure = lastFailure;
        this.provider = provider;
    }

    static RoutineRow of(RoutineInfo r) {
        return new RoutineRow(r.name(), r.interval().toMillis(), r.state().name(), r.running(), Views.iso(r.lastRun()),
                r.lastDuration().map(java.time.Duration::toMillis).orElse(-1L), Views.iso(r.nextRun()), r.runs(),
                r.failures(), r.overruns(), r.lastFailure(), r.provider());
    }

    public String getName() {
        return name;
    }

    public long getIntervalMillis() {
        return intervalMillis;
    }

    /** STARTED or STOPPED. */
    public String getState() {
        return state;
    }

    public boolean isRunning() {
        return running;
    }

    /** ISO-8601 UTC, or the empty string before the first run. */
    public String getLastRun() {
        return lastRun;
    }

    /** -1 before the first run. */
    public long getLastDurationMillis() {
        return lastDurationMillis;
    }

    /** ISO-8601 UTC, or the empty string while stopped. */
    public String getNextRun() {
        return nextRun;
    }

    public long getRuns() {
        return runs;
    }

    public long getFailures() {
        return failures;
    }

    public long getOverruns() {
        return overruns;
    }

    public String getLastFailure() {
        return lastFailure;
    }

    public String getProvider() {
        return provider;
    }
}
