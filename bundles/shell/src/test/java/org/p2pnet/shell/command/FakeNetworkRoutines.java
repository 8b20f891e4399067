package org.p2pnet.shell.command;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;

/** The routine scheduler as a test sets it: routines by name; records what commands ask of it. */
final class FakeNetworkRoutines implements NetworkRoutines {
    static final Instant LAST_RUN = Instant.parse("2026-11-21T10:00:00Z");
    static final Instant NEXT_RUN = Instant.parse("2026-11-21T10:01:00Z");

    final Map<String, RoutineInfo> routines = new TreeMap<>();
    final List<String> calls = new ArrayList<>();
    /** What runNow answers; null: completes at once with the routine after one more run. */
    CompletionStage<RoutineInfo> runOutcome;

    FakeNetworkRoutines() {
        put(new RoutineInfo("DiscernPeerChannels", Duration.ofSeconds(60), RoutineInfo.State.STARTED, false,
                Optional.of(LAST_RUN), Optional.of(Duration.ofMillis(3)), Optional.of(NEXT_RUN), 12, 0, 0, "",
                "org.p2pnet.routines"));
        put(new RoutineInfo("AddressBookSave", Duration.ofSeconds(60), RoutineInfo.State.STOPPED, false,
                Optional.of(LAST_RUN), Optional.of(Duration.ofMillis(41)), Optional.empty(), 7, 2, 1,
                "java.lang.IllegalStateException: disk full", "org.p2pnet.routines"));
        put(new RoutineInfo("LogPeerCount", Duration.ofSeconds(30), RoutineInfo.State.STARTED, false,
                Optional.empty(), Optional.empty(), Optional.of(NEXT_RUN), 0, 0, 0, "",
                "org.p2pnet.examples.routine"));
    }

    void put(RoutineInfo info) {
        routines.put(info.name(), info);
    }

    private RoutineInfo get(String name) {
        RoutineInfo info = routines.get(name);
        if (info == null) {
            throw new IllegalArgumentException("there is no routine named " + name);
        }
        return info;
    }

    private static RoutineInfo with(RoutineInfo r, Duration interval, RoutineInfo.State state, long runs) {
        return new RoutineInfo(r.name(), interval, state, r.running(), r.lastRun(), r.lastDuration(),
                state == RoutineInfo.State.STARTED ? Optional.of(NEXT_RUN) : Optional.empty(), runs, r.failures(),
                r.overruns(), r.lastFailure(), r.provider());
    }

    @Override
    public List<RoutineInfo> list() {
        return List.copyOf(routines.values());
    }

    @Override
    public Optional<RoutineInfo> routine(String name) {
        return Optional.ofNullable(routines.get(name));
    }

    @Override
    public AutoCloseable add(String name, Duration interval, Routine routine) {
        throw new UnsupportedOperationException("the shell never adds routines");
    }

    @Override
    public void start(String name) {
        RoutineInfo r = get(name);
        calls.add("start " + name);
        put(with(r, r.interval(), RoutineInfo.State.STARTED, r.runs()));
    }

    @Override
    public void stop(String name) {
        RoutineInfo r = get(name);
        calls.add("stop " + name);
        put(with(r, r.interval(), RoutineInfo.State.STOPPED, r.runs()));
    }

    @Override
    public void interval(String name, Duration interval) {
        RoutineInfo r = get(name);
        Intervals.check(interval);
        calls.add("interval " + name + " " + Intervals.format(interval));
        put(with(r, interval, r.state(), r.runs()));
    }

    @Override
    public CompletionStage<RoutineInfo> runNow(String name) {
        RoutineInfo r = get(name);
        calls.add("run " + name);
        if (runOutcome != null) {
            return runOutcome;
        }
        RoutineInfo after = with(r, r.interval(), r.state(), r.runs() + 1);
        put(after);
        return CompletableFuture.completedFuture(after);
    }
}
