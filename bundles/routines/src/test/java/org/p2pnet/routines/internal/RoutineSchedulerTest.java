package org.p2pnet.routines.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;
import org.p2pnet.testing.Conditions;

/** The component around the scheduler: whiteboard services, Config Admin, the API, its threads. */
class RoutineSchedulerTest {
    private final TestClock clock = new TestClock();
    private final ManualExecutor executor = new ManualExecutor();
    private final FakeConfigAdmin configAdmin = new FakeConfigAdmin();
    private final AtomicInteger runs = new AtomicInteger();
    private final Routine counting = runs::incrementAndGet;

    private RoutineScheduler component(Map<String, ?> initial) {
        return new RoutineScheduler(clock, executor, configAdmin.admin(), initial);
    }

    private static RoutineInfo info(RoutineScheduler s, String name) {
        return s.routine(name).orElseThrow();
    }

    private static Hashtable<String, Object> config(Object... keyValues) {
        Hashtable<String, Object> d = new Hashtable<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            d.put((String) keyValues[i], keyValues[i + 1]);
        }
        return d;
    }

    // ---------------------------------------------------------------- whiteboard

    @Test
    void aRoutineServiceIsScheduledByItsNameWithItsIntervalAndBundle() {
        RoutineScheduler s = component(Map.of());

        s.routineAdded(counting, 12, "LogPeerCount", 30_000L, "org.p2pnet.examples.routine");

        RoutineInfo i = info(s, "LogPeerCount");
        assertEquals(Duration.ofSeconds(30), i.interval());
        assertEquals("org.p2pnet.examples.routine", i.provider());
        assertEquals(RoutineInfo.State.STARTED, i.state());
    }

    @Test
    void theIntervalPropertyMayBeTextAndDefaultsTo60Seconds() {
        RoutineScheduler s = component(Map.of());

        s.routineAdded(counting, 1, "Text", "5000", "b");
        s.routineAdded(counting, 2, "None", null, "b");
        s.routineAdded(counting, 3, "Nonsense", "often", "b");
        s.routineAdded(counting, 4, "TooFast", 1L, "b");

        assertEquals(Duration.ofSeconds(5), info(s, "Text").interval());
        assertEquals(Duration.ofSeconds(60), info(s, "None").interval());
        assertEquals(Duration.ofSeconds(60), info(s, "Nonsense").interval());
        assertEquals(Duration.ofSeconds(60), info(s, "TooFast").interval());
    }

    @Test
    void aRoutineServiceWithoutAValidNameIsIgnoredAndCounted() {
        RoutineScheduler s = component(Map.of());
        try (StderrCapture log = new StderrCapture()) {
            s.routineAdded(counting, 1, null, 1000L, "bundle.a");
            s.routineAdded(counting, 2, "has spaces", 1000L, "bundle.a");
            s.routineAdded(counting, 3, 42, 1000L, "bundle.a");
            s.routineModified(2, "still spaces", 1000L);

            assertEquals(List.of(), s.list());
            assertEquals(3, s.ignoredRoutines());
            assertEquals(3, log.count("Ignoring the Routine service"), log.text());
            assertTrue(log.text().contains("its p2pnet.routine.name is missing"), log.text());
            assertTrue(log.text().contains("is 'has spaces', not a routine name"), log.text());
        }
    }

    @Test
    void aRoutineServiceAppearingLaterIsScheduledAndOneLeavingIsUnscheduled() {
        RoutineScheduler s = component(Map.of());
        s.routineAdded(counting, 1, "First", 10_000L, "a");
        assertEquals(List.of("First"), s.list().stream().map(RoutineInfo::name).toList());

        s.routineAdded(counting, 2, "Later", 10_000L, "b");
        assertEquals(List.of("First", "Later"), s.list().stream().map(RoutineInfo::name).toList());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(2, s.scheduler().runDue());
        executor.runAll();
        assertEquals(2, runs.get());

        s.routineRemoved(2);
        assertEquals(List.of("First"), s.list().stream().map(RoutineInfo::name).toList());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(1, s.scheduler().runDue());
    }

    @Test
    void aSecondServiceOfATakenNameWaitsAndTakesOverWhenTheFirstLeaves() {
        RoutineScheduler s = component(Map.of());
        AtomicInteger second = new AtomicInteger();
        s.routineAdded(counting, 1, "Same", 10_000L, "a");
        s.routineAdded(second::incrementAndGet, 2, "Same", 20_000L, "b");

        assertEquals("a", info(s, "Same").provider());
        assertEquals(1, s.ignoredRoutines());

        s.routineRemoved(1);
        assertEquals("b", info(s, "Same").provider());
        assertEquals(Duration.ofSeconds(20), info(s, "Same").interval());
    }

    @Test
    void changedServicePropertiesApply() {
        RoutineScheduler s = component(Map.of());
        s.routineAdded(counting, 1, "Old", 10_000L, "a");

        s.routineModified(1, "Old", 20_000L);
        assertEquals(Duration.ofSeconds(20), info(s, "Old").interval());

        s.routineModified(1, "New", 20_000L);
        assertEquals(Optional.empty(), s.routine("Old"));
        assertEquals(Duration.ofSeconds(20), info(s, "New").interval());
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void intervalsAndStatesComeFromTheConfigurationAndApplyLive() {
        RoutineScheduler s = component(Map.of("Other.interval", "5m"));
        s.routineAdded(counting, 1, "R", 10_000L, "a");
        s.routineAdded(counting, 2, "Other", 10_000L, "a");
        assertEquals(Duration.ofMinutes(5), info(s, "Other").interval(), "configured before it appeared");

        s.updated(config("R.interval", "30s", "R.enabled", "false", "service.pid", RoutineScheduler.PID));

        assertEquals(Duration.ofSeconds(30), info(s, "R").interval());
        assertEquals(RoutineInfo.State.STOPPED, info(s, "R").state());
        assertEquals(Duration.ofSeconds(10), info(s, "Other").interval(), "its key is gone: the default again");

        s.updated(config("R.enabled", "TRUE", "R.interval", 90_000L));
        assertEquals(RoutineInfo.State.STARTED, info(s, "R").state());
        assertEquals(Duration.ofSeconds(90), info(s, "R").interval());

        s.updated(null);
        assertEquals(Duration.ofSeconds(10), info(s, "R").interval());
        assertEquals(0, s.rejectedConfigurations());
    }

    @Test
    void invalidValuesAreRejectedNamingKeyAndValueCountedAndThePreviousSettingStays() {
        RoutineScheduler s = component(Map.of());
        s.routineAdded(counting, 1, "R", 10_000L, "a");
        s.updated(config("R.interval", "30s", "R.enabled", "false"));

        try (StderrCapture log = new StderrCapture()) {
            s.updated(config("R.interval", "5 minutes", "R.enabled", "maybe", "bad name.interval", "5s",
                    "DiscernPeerChannels.inactivityLimit", "whatever"));

            assertEquals(Duration.ofSeconds(30), info(s, "R").interval());
            assertEquals(RoutineInfo.State.STOPPED, info(s, "R").state());
            assertEquals(3, s.rejectedConfigurations());
            String text = log.text();
            assertTrue(text.contains("invalid configuration of org.p2pnet.routines: R.interval = 5 minutes rejected"
                    + " ('5 minutes' is not an interval"), text);
            assertTrue(text.contains("R.enabled = maybe rejected (write true or false)"), text);
            assertTrue(text.contains("bad name.interval = 5s rejected ('bad name' is not a routine name"), text);
            assertFalse(text.contains("inactivityLimit"), "a routine's own keys are not the scheduler's: " + text);

            // the same rejection again is counted, not logged again
            s.updated(config("R.interval", "5 minutes"));
            assertEquals(4, s.rejectedConfigurations());
            assertEquals(1, log.count("R.interval = 5 minutes"), text);
            assertEquals(RoutineInfo.State.STARTED, info(s, "R").state(), "R.enabled is gone: the default");
        }
        for (String nonsense : List.of("0s", "abc", "8d", "-5s", "5")) {
            s.updated(config("R.interval", nonsense));
            assertEquals(Duration.ofSeconds(30), info(s, "R").interval(), nonsense);
        }
        assertEquals(9, s.rejectedConfigurations());
    }

    // ---------------------------------------------------------------- the API writes through Config Admin

    @Test
    void startStopAndIntervalApplyAtOnceAndAreStoredKeepingTheOtherKeys() {
        configAdmin.stored = config("felix.fileinstall.filename", "file:/etc/org.p2pnet.routines.cfg",
                "Other.interval", "5m");
        RoutineScheduler s = component(Map.of());
        s.routineAdded(counting, 1, "R", 10_000L, "a");

        s.stop("R");
        assertEquals(RoutineInfo.State.STOPPED, info(s, "R").state());
        assertEquals("false", configAdmin.stored.get("R.enabled"));
        assertEquals("5m", configAdmin.stored.get("Other.interval"));
        assertEquals("file:/etc/org.p2pnet.routines.cfg", configAdmin.stored.get("felix.fileinstall.filename"));
        assertEquals(List.of("?"), configAdmin.locations);

        s.interval("R", Duration.ofSeconds(90));
        assertEquals(Duration.ofSeconds(90), info(s, "R").interval());
        assertEquals(RoutineInfo.State.STOPPED, info(s, "R").state(), "stays stopped");
        assertEquals("90s", configAdmin.stored.get("R.interval"));

        s.start("R");
        assertEquals(RoutineInfo.State.STARTED, info(s, "R").state());
        assertEquals("true", configAdmin.stored.get("R.enabled"));
        assertEquals("90s", configAdmin.stored.get("R.interval"));
        assertEquals(3, configAdmin.updates.size());

        // Config Admin delivering what was stored changes nothing
        s.updated(configAdmin.stored);
        assertEquals(Duration.ofSeconds(90), info(s, "R").interval());
        assertEquals(RoutineInfo.State.STARTED, info(s, "R").state());
    }

    @Test
    void theApiRefusesUnknownNamesAndIntervalsOutOfRange() {
        RoutineScheduler s = component(Map.of());
        s.routineAdded(counting, 1, "R", 10_000L, "a");

        assertEquals("there is no routine named Nope",
                assertThrows(IllegalArgumentException.class, () -> s.start("Nope")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.stop("Nope"));
        assertThrows(IllegalArgumentException.class, () -> s.interval("Nope", Duration.ofSeconds(5)));
        assertThrows(IllegalArgumentException.class, () -> s.interval("R", Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> s.interval("R", Duration.ofDays(8)));
        assertThrows(IllegalArgumentException.class, () -> s.runNow("Nope"));
        assertEquals(0, configAdmin.updates.size());
    }

    @Test
    void withoutConfigAdminTheApiStillApplies() {
        RoutineScheduler s = new RoutineScheduler(clock, executor, null, Map.of());
        s.routineAdded(counting, 1, "R", 10_000L, "a");

        s.interval("R", Duration.ofSeconds(20));

        assertEquals(Duration.ofSeconds(20), info(s, "R").interval());
    }

    @Test
    void theStoredConfigurationAppliesFromActivation() {
        FakeConfigAdmin stored = new FakeConfigAdmin(config("R.enabled", "false"));
        RoutineScheduler s = new RoutineScheduler(stored.admin());
        try {
            s.routineAdded(counting, 1, "R", 10_000L, "a");
            assertEquals(RoutineInfo.State.STOPPED, info(s, "R").state());
        } finally {
            s.deactivate();
        }
    }

    // ---------------------------------------------------------------- routines added through the API

    @Test
    void anAddedRoutineRunsUntilItsHandleIsClosed() throws Exception {
        RoutineScheduler s = component(Map.of());

        AutoCloseable handle = s.add("FromCode", Duration.ofSeconds(5), counting);
        assertEquals("api", info(s, "FromCode").provider());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(1, s.scheduler().runDue());
        executor.runAll();

        handle.close();
        handle.close();
        assertEquals(Optional.empty(), s.routine("FromCode"));
        clock.advance(Duration.ofSeconds(50));
        assertEquals(0, s.scheduler().runDue());
        assertEquals(1, runs.get());
        assertThrows(IllegalArgumentException.class, () -> s.add("bad name", Duration.ofSeconds(5), counting));
    }

    @Test
    void theServiceOfABundleRemovesItsRoutinesWhenReleased() throws Exception {
        RoutineScheduler s = component(Map.of());
        NetworkRoutinesService ofBundle = new NetworkRoutinesService(s);
        NetworkRoutinesService ofOther = new NetworkRoutinesService(s);
        ofBundle.add("Mine", Duration.ofSeconds(5), counting);
        AutoCloseable closedEarly = ofBundle.add("Closed", Duration.ofSeconds(5), counting);
        ofOther.add("Theirs", Duration.ofSeconds(5), counting);
        closedEarly.close();

        ofBundle.deactivate();

        assertEquals(List.of("Theirs"), ofOther.list().stream().map(RoutineInfo::name).toList());
    }

    // ---------------------------------------------------------------- threads

    @Test
    void runsOnItsOwnThreadsAndReleasesThemOnDeactivate() throws Exception {
        RoutineScheduler s = RoutineScheduler.withThreads(Clock.systemUTC(), null);
        CountDownLatch interrupted = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        s.routineAdded(counting, 1, "Frequent", 100L, "test");
        s.routineAdded(() -> {
            blocking.countDown();
            try {
                new CountDownLatch(1).await(); // until interrupted
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        }, 2, "Stuck", 60_000L, "test");
        Conditions.await("Frequent ran three times", Duration.ofSeconds(10), () -> runs.get() >= 3);
        assertTrue(routineThreads().stream().allMatch(n -> n.startsWith(RoutineScheduler.THREAD_PREFIX)));
        assertTrue(s.runNow("Frequent").toCompletableFuture().get(10, TimeUnit.SECONDS).runs() >= 3);
        s.runNow("Stuck");
        assertTrue(blocking.await(10, TimeUnit.SECONDS));

        s.deactivate();

        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the stuck run was interrupted");
        Conditions.await("no p2pnet-routine-* thread is alive", Duration.ofSeconds(10),
                () -> routineThreads().isEmpty());
    }

    private static List<String> routineThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(RoutineScheduler.THREAD_PREFIX))
                .map(Thread::getName)
                .toList();
    }
}
