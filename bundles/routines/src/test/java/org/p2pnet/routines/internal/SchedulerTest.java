package org.p2pnet.routines.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.p2pnet.routines.internal.TestClock.at;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;

/** The scheduling decisions, with a clock the test moves and runs the test executes: no thread, no waiting. */
class SchedulerTest {
    private final TestClock clock = new TestClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final AtomicInteger changes = new AtomicInteger();
    private final Scheduler scheduler = new Scheduler(clock, executor, changes::incrementAndGet);
    private final AtomicInteger runs = new AtomicInteger();
    private final Routine counting = runs::incrementAndGet;

    private RoutineInfo info(String name) {
        return scheduler.info(name).orElseThrow();
    }

    /** Moves the clock to {@code T0 + seconds}, starts what is due and runs it to the end. */
    private int runDueAt(long seconds) {
        clock.advance(Duration.between(clock.instant(), at(seconds)));
        int launched = scheduler.runDue();
        executor.runAll();
        return launched;
    }

    @Test
    void runsOnceEveryIntervalFromWhenItWasAdded() {
        scheduler.add("Counter", Duration.ofSeconds(10), counting, "test");

        assertEquals(Optional.of(at(10)), info("Counter").nextRun());
        assertEquals(Optional.of(at(10)), scheduler.nextDue());
        assertEquals(0, runDueAt(9));
        assertEquals(1, runDueAt(10));
        assertEquals(1, runs.get());
        assertEquals(0, runDueAt(19));
        assertEquals(1, runDueAt(20));
        assertEquals(1, runDueAt(30));
        RoutineInfo i = info("Counter");
        assertEquals(3, i.runs());
        assertEquals(Optional.of(at(30)), i.lastRun());
        assertEquals(Optional.of(Duration.ZERO), i.lastDuration());
        assertEquals(Optional.of(at(40)), i.nextRun());
        assertEquals(RoutineInfo.State.STARTED, i.state());
        assertEquals("test", i.provider());
        assertTrue(changes.get() > 0, "the driver is told when the next due time moves");
    }

    @Test
    void anIntervalChangeReschedulesFromTheLastRunsStart() {
        scheduler.add("R", Duration.ofSeconds(60), counting, "test");
        runDueAt(60);
        clock.advance(Duration.ofSeconds(10)); // t70

        scheduler.configure("R", new Scheduler.Settings(Duration.ofSeconds(30), null));
        assertEquals(Duration.ofSeconds(30), info("R").interval());
        assertEquals(Optional.of(at(90)), info("R").nextRun());

        // shorter than the time since the last start: due at once
        scheduler.configure("R", new Scheduler.Settings(Duration.ofSeconds(5), null));
        assertEquals(Optional.of(at(65)), info("R").nextRun());
        assertEquals(1, scheduler.runDue());
        executor.runAll();
        assertEquals(2, runs.get());
        assertEquals(Optional.of(at(75)), info("R").nextRun());
    }

    @Test
    void anIntervalChangeBeforeTheFirstRunCountsFromWhenItWasStarted() {
        scheduler.add("R", Duration.ofSeconds(60), counting, "test");
        clock.advance(Duration.ofSeconds(20));

        scheduler.configure("R", new Scheduler.Settings(Duration.ofSeconds(30), null));

        assertEquals(Optional.of(at(30)), info("R").nextRun());
    }

    @Test
    void aSlowRunNeverOverlapsItselfAndIsCountedAsAnOverrun() {
        Routine slow = () -> {
            runs.incrementAndGet();
            clock.advance(Duration.ofSeconds(25)); // the run takes 25 s of a 10 s interval
        };
        scheduler.add("Slow", Duration.ofSeconds(10), slow, "test");
        clock.advance(Duration.ofSeconds(10));
        assertEquals(1, scheduler.runDue());
        assertTrue(info("Slow").running());

        // due again by the clock, but running: nothing more starts
        clock.advance(Duration.ofSeconds(30));
        assertEquals(0, scheduler.runDue());
        assertEquals(1, executor.pending());
        clock.advance(Duration.ofSeconds(-30));

        executor.runNext(); // starts at t10, ends at t35
        RoutineInfo i = info("Slow");
        assertFalse(i.running());
        assertEquals(1, i.overruns());
        assertEquals(Optional.of(Duration.ofSeconds(25)), i.lastDuration());
        assertEquals(Optional.of(at(35)), i.nextRun(), "the next run starts when the slow one ended");
        assertEquals(1, scheduler.runDue());
        executor.runNext(); // t35 -> t60
        assertEquals(2, info("Slow").overruns());
        assertEquals(2, runs.get());
    }

    @Test
    void aRunThatFitsItsIntervalIsNoOverrun() {
        Routine exact = () -> clock.advance(Duration.ofSeconds(10));
        scheduler.add("Exact", Duration.ofSeconds(10), exact, "test");

        runDueAt(10);

        assertEquals(0, info("Exact").overruns());
        assertEquals(Optional.of(at(20)), info("Exact").nextRun());
    }

    @Test
    void aThrowingRunIsCountedKeepsItsScheduleAndIsLoggedOncePerStreak() {
        AtomicInteger calls = new AtomicInteger();
        Routine flaky = () -> {
            int n = calls.incrementAndGet();
            if (n <= 3 || n == 5) {
                throw new IllegalStateException("disk full " + n);
            }
        };
        scheduler.add("Flaky", Duration.ofSeconds(10), flaky, "test");
        try (StderrCapture log = new StderrCapture()) {
            runDueAt(10);
            runDueAt(20);
            runDueAt(30);
            assertEquals(1, log.count("Routine Flaky failed"), log.text());
            assertTrue(log.text().contains("disk full 1"), "the first failure with what it threw: " + log.text());
            assertTrue(log.text().contains("at org.p2pnet"), "with its stack trace: " + log.text());
            RoutineInfo i = info("Flaky");
            assertEquals(3, i.failures());
            assertEquals("java.lang.IllegalStateException: disk full 3", i.lastFailure());
            assertEquals(Optional.of(at(40)), i.nextRun(), "keeps its schedule");

            runDueAt(40); // succeeds: the streak ends
            runDueAt(50); // fails: a new streak, logged again
            assertEquals(2, log.count("Routine Flaky failed"), log.text());
            assertEquals(4, info("Flaky").failures());
            assertEquals(5, info("Flaky").runs());
            assertEquals(Optional.of(at(60)), info("Flaky").nextRun());
        }
    }

    @Test
    void stopUnschedulesAndStartSchedulesAgain() {
        scheduler.add("R", Duration.ofSeconds(10), counting, "test");
        scheduler.configure("R", new Scheduler.Settings(null, false));

        assertEquals(RoutineInfo.State.STOPPED, info("R").state());
        assertEquals(Optional.empty(), info("R").nextRun());
        assertEquals(Optional.empty(), scheduler.nextDue());
        assertEquals(0, runDueAt(100));

        scheduler.configure("R", new Scheduler.Settings(null, true));
        assertEquals(RoutineInfo.State.STARTED, info("R").state());
        assertEquals(Optional.of(at(110)), info("R").nextRun());
        assertEquals(1, runDueAt(110));
        assertEquals(1, runs.get());
    }

    @Test
    void stopWhileRunningLetsTheRunFinishAndSchedulesNothing() {
        scheduler.add("R", Duration.ofSeconds(10), counting, "test");
        clock.advance(Duration.ofSeconds(10));
        scheduler.runDue();

        scheduler.configure("R", new Scheduler.Settings(null, false));
        executor.runAll();

        assertEquals(1, runs.get());
        assertEquals(Optional.empty(), info("R").nextRun());
        assertEquals(0, runDueAt(1000));
    }

    @Test
    void runNowRunsAStoppedRoutineOnceAndCompletesWithItsState() throws Exception {
        scheduler.add("R", Duration.ofSeconds(10), counting, "test");
        scheduler.configure("R", new Scheduler.Settings(null, false));

        CompletableFuture<RoutineInfo> stage = scheduler.runNow("R").toCompletableFuture();
        assertFalse(stage.isDone());
        executor.runAll();

        RoutineInfo after = stage.get();
        assertEquals(1, after.runs());
        assertEquals(RoutineInfo.State.STOPPED, after.state());
        assertEquals(1, runs.get());
        assertEquals(0, runDueAt(1000), "still stopped");
    }

    @Test
    void runNowOfAStartedRoutineReschedulesFromItsStart() {
        scheduler.add("R", Duration.ofSeconds(10), counting, "test");
        clock.advance(Duration.ofSeconds(4));

        scheduler.runNow("R");
        executor.runAll();

        assertEquals(Optional.of(at(14)), info("R").nextRun());
    }

    @Test
    void runNowWhileARunIsUnderWayWaitsForThatRun() throws Exception {
        scheduler.add("R", Duration.ofSeconds(10), counting, "test");
        clock.advance(Duration.ofSeconds(10));
        scheduler.runDue();

        CompletableFuture<RoutineInfo> stage = scheduler.runNow("R").toCompletableFuture();

        assertEquals(1, executor.pending(), "no second run");
        assertFalse(stage.isDone());
        executor.runAll();
        assertEquals(1, stage.get().runs());
        assertEquals(1, runs.get());
    }

    @Test
    void runNowFailsWithWhatTheRunThrew() {
        scheduler.add("Broken", Duration.ofSeconds(10), () -> {
            throw new java.io.IOException("no route to host");
        }, "test");

        CompletableFuture<RoutineInfo> stage = scheduler.runNow("Broken").toCompletableFuture();
        executor.runAll();

        ExecutionException e = assertThrows(ExecutionException.class, stage::get);
        assertEquals("no route to host", e.getCause().getMessage());
        assertEquals(1, info("Broken").failures());
    }

    @Test
    void runNowOfAnUnknownRoutineIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> scheduler.runNow("Nope"));
        assertEquals("there is no routine named Nope", e.getMessage());
    }

    @Test
    void namesAndIntervalsAreChecked() {
        scheduler.add("Taken", Duration.ofSeconds(10), counting, "bundle.a");

        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> scheduler.add("Taken", Duration.ofSeconds(10), counting, "bundle.b")).getMessage()
                .contains("exists already (from bundle.a)"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> scheduler.add("two words", Duration.ofSeconds(10), counting, "x")).getMessage()
                .contains("'two words' is not a routine name"));
        assertThrows(IllegalArgumentException.class, () -> scheduler.add("", Duration.ofSeconds(10), counting, "x"));
        assertThrows(IllegalArgumentException.class,
                () -> scheduler.add("x".repeat(65), Duration.ofSeconds(10), counting, "x"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> scheduler.add("Fast", Duration.ofMillis(10), counting, "x")).getMessage()
                .contains("between 100ms and 7d"));
        assertEquals(1, scheduler.list().size());
    }

    @Test
    void removedRoutinesAreUnscheduledAndARunUnderWayFinishes() {
        Scheduler.Entry entry = scheduler.add("R", Duration.ofSeconds(10), counting, "test");
        clock.advance(Duration.ofSeconds(10));
        scheduler.runDue();

        assertTrue(scheduler.remove(entry));
        assertFalse(scheduler.remove(entry), "removing twice does nothing");
        assertEquals(Optional.empty(), scheduler.info("R"));
        executor.runAll();
        assertEquals(1, runs.get());
        assertEquals(0, runDueAt(100));
        // the name is free again
        assertSame(RoutineInfo.State.STARTED,
                scheduler.info(scheduler.add("R", Duration.ofSeconds(10), counting, "test").name).orElseThrow().state());
    }

    @Test
    void settingsForARoutineNotHereYetApplyWhenItArrives() {
        scheduler.configure(Map.of("Later", new Scheduler.Settings(Duration.ofMinutes(5), false)));

        scheduler.add("Later", Duration.ofSeconds(10), counting, "test");

        assertEquals(Duration.ofMinutes(5), info("Later").interval());
        assertEquals(RoutineInfo.State.STOPPED, info("Later").state());
    }

    @Test
    void settingsRemovedFallBackToTheDefaults() {
        scheduler.add("R", Duration.ofSeconds(10), counting, "test");
        scheduler.configure(Map.of("R", new Scheduler.Settings(Duration.ofMinutes(5), false)));

        scheduler.configure(Map.of());

        assertEquals(Duration.ofSeconds(10), info("R").interval());
        assertEquals(RoutineInfo.State.STARTED, info("R").state());
    }

    @Test
    void theEarliestDueRoutineDecidesTheNextWakeUp() {
        scheduler.add("Slow", Duration.ofMinutes(5), counting, "test");
        scheduler.add("Fast", Duration.ofSeconds(10), counting, "test");

        assertEquals(Optional.of(at(10)), scheduler.nextDue());
        clock.advance(Duration.ofSeconds(10));
        scheduler.runDue();
        assertEquals(Optional.of(at(300)), scheduler.nextDue(), "a running routine is not due");
        executor.runAll();
        assertEquals(Optional.of(at(20)), scheduler.nextDue());
    }

    @Test
    void afterCloseNothingRunsAndRunNowFails() {
        scheduler.add("R", Duration.ofSeconds(10), counting, "test");

        scheduler.close();

        assertEquals(0, runDueAt(100));
        assertTrue(scheduler.runNow("R").toCompletableFuture().isCompletedExceptionally());
        assertThrows(IllegalStateException.class, () -> scheduler.add("S", Duration.ofSeconds(10), counting, "x"));
        Instant unused = clock.instant();
        assertEquals(at(100), unused);
    }
}
