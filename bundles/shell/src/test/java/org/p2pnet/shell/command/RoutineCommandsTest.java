package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.routine.RoutineInfo;

/** p2p:routines, p2p:routine-start, -stop, -interval and -run against a fake scheduler. */
class RoutineCommandsTest extends CommandTestSupport {
    private final FakeNetworkRoutines routines = new FakeNetworkRoutines();

    private <C extends RoutineCommand> C routineCommand(C command) {
        wired(command).routines = routines;
        return command;
    }

    private RoutinesCommand list() {
        RoutinesCommand command = wired(new RoutinesCommand());
        command.routines = routines;
        return command;
    }

    // ---------------------------------------------------------------- p2p:routines

    @Test
    void listsEveryRoutineWithItsStateScheduleAndCounters() throws Exception {
        String text = run(list());

        List<String> lines = text.lines().toList();
        assertTrue(lines.get(0).startsWith("Routine"), text);
        for (String column : List.of("State", "Interval", "Last run", "Took", "Next run", "Runs", "Failures",
                "Overruns", "Provider", "Last failure")) {
            assertTrue(lines.get(0).contains(column), column + " in " + lines.get(0));
        }
        String save = lines.stream().filter(l -> l.startsWith("AddressBookSave")).findFirst().orElseThrow();
        assertTrue(save.contains("stopped"), save);
        assertTrue(save.contains("1m"), save);
        assertTrue(save.contains("41 ms"), save);
        assertTrue(save.contains("java.lang.IllegalStateException: disk full"), save);
        assertTrue(save.contains("org.p2pnet.routines"), save);
        String example = lines.stream().filter(l -> l.startsWith("LogPeerCount")).findFirst().orElseThrow();
        assertTrue(example.contains("started"), example);
        assertTrue(example.contains("30s"), example);
        assertTrue(example.contains("org.p2pnet.examples.routine"), example);
        assertTrue(text.contains(TextOutput.time(FakeNetworkRoutines.NEXT_RUN)), text);
    }

    @Test
    void showsARunUnderWay() throws Exception {
        routines.put(new RoutineInfo("Busy", Duration.ofSeconds(10), RoutineInfo.State.STARTED, true,
                Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, 0, "", "api"));

        assertTrue(run(list()).contains("started, running"));
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(list());

        assertEquals(3, json.size());
        JsonNode save = json.get(0);
        assertEquals(List.of("name", "state", "running", "intervalMs", "interval", "lastRun", "lastDurationMs",
                "nextRun", "runs", "failures", "overruns", "lastFailure", "provider"), fieldNames(save));
        assertEquals("AddressBookSave", save.get("name").asText());
        assertEquals("STOPPED", save.get("state").asText());
        assertEquals(60_000, save.get("intervalMs").asLong());
        assertEquals("1m", save.get("interval").asText());
        assertEquals("2026-11-21T10:00:00Z", save.get("lastRun").asText());
        assertEquals(41, save.get("lastDurationMs").asLong());
        assertTrue(save.get("nextRun").isNull());
        assertEquals(2, save.get("failures").asLong());
        assertEquals(1, save.get("overruns").asLong());
        assertEquals("java.lang.IllegalStateException: disk full", save.get("lastFailure").asText());
        JsonNode example = json.get(2);
        assertEquals("LogPeerCount", example.get("name").asText());
        assertTrue(example.get("lastRun").isNull());
        assertTrue(example.get("lastDurationMs").isNull());
        assertTrue(example.get("lastFailure").isNull());
        assertEquals("2026-11-21T10:01:00Z", example.get("nextRun").asText());
    }

    @Test
    void saysSoWhenThereIsNoRoutine() throws Exception {
        routines.routines.clear();

        assertTrue(run(list()).contains("no routine"));
    }

    // ---------------------------------------------------------------- start / stop

    @Test
    void startStartsAStoppedRoutine() throws Exception {
        RoutineStartCommand start = routineCommand(new RoutineStartCommand());
        start.name = "AddressBookSave";

        String text = run(start).trim();

        assertEquals("routine AddressBookSave started: every 1m; next run " + TextOutput.time(FakeNetworkRoutines.NEXT_RUN),
                text);
        assertEquals(List.of("start AddressBookSave"), routines.calls);
    }

    @Test
    void startSaysWhenAlreadyStarted() throws Exception {
        RoutineStartCommand start = routineCommand(new RoutineStartCommand());
        start.name = "LogPeerCount";

        assertEquals("routine LogPeerCount was already started", run(start).trim());
        assertEquals(List.of(), routines.calls);
    }

    @Test
    void stopStopsAStartedRoutine() throws Exception {
        RoutineStopCommand stop = routineCommand(new RoutineStopCommand());
        stop.name = "LogPeerCount";

        assertEquals("routine LogPeerCount stopped; p2p:routine-run still runs it once", run(stop).trim());
        assertEquals(RoutineInfo.State.STOPPED, routines.routine("LogPeerCount").orElseThrow().state());
    }

    @Test
    void stopSaysWhenAlreadyStopped() throws Exception {
        RoutineStopCommand stop = routineCommand(new RoutineStopCommand());
        stop.name = "AddressBookSave";

        assertEquals("routine AddressBookSave was already stopped", run(stop).trim());
        assertEquals(List.of(), routines.calls);
    }

    @Test
    void anUnknownNameIsRefusedByEveryCommand() {
        RoutineStartCommand start = routineCommand(new RoutineStartCommand());
        start.name = "Nope";
        RoutineStopCommand stop = routineCommand(new RoutineStopCommand());
        stop.name = "Nope";
        RoutineIntervalCommand interval = routineCommand(new RoutineIntervalCommand());
        interval.name = "Nope";
        interval.interval = List.of("30s");
        RoutineRunCommand runNow = routineCommand(new RoutineRunCommand());
        runNow.name = "Nope";

        for (RoutineCommand command : List.of(start, stop, interval, runNow)) {
            assertEquals("there is no routine named 'Nope'; p2p:routines lists them", userErrorOf(command));
        }
        assertEquals(List.of(), routines.calls);
    }

    // ---------------------------------------------------------------- interval

    @Test
    void intervalSetsTheIntervalAtOnce() throws Exception {
        RoutineIntervalCommand interval = routineCommand(new RoutineIntervalCommand());
        interval.name = "LogPeerCount";
        interval.interval = List.of("5m");

        assertEquals("routine LogPeerCount now runs every 5m; next run "
                + TextOutput.time(FakeNetworkRoutines.NEXT_RUN), run(interval).trim());
        assertEquals(List.of("interval LogPeerCount 5m"), routines.calls);
    }

    @Test
    void intervalOfAStoppedRoutineAppliesOnceStarted() throws Exception {
        RoutineIntervalCommand interval = routineCommand(new RoutineIntervalCommand());
        interval.name = "AddressBookSave";
        interval.interval = List.of("500MS");

        assertEquals("routine AddressBookSave now runs every 500ms once started", run(interval).trim());
    }

    @Test
    void intervalRejectsNonsenseWithTheAcceptedForm() {
        String form = "is not an interval: write a whole number and a unit, e.g. 500ms, 30s, 5m, 1h, 1d";
        assertEquals("'5 minutes' " + form, intervalError(List.of("5", "minutes")));
        assertEquals("'abc' " + form, intervalError(List.of("abc")));
        assertEquals("'-5s' " + form, intervalError(List.of("-5s")));
        assertEquals("'1.5m' " + form, intervalError(List.of("1.5m")));
        assertEquals("'0s' is out of range: an interval must be between 100ms and 7d", intervalError(List.of("0s")));
        assertEquals("'8d' is out of range: an interval must be between 100ms and 7d", intervalError(List.of("8d")));
        assertEquals("'99ms' is out of range: an interval must be between 100ms and 7d",
                intervalError(List.of("99ms")));
        assertEquals(List.of(), routines.calls);
    }

    private String intervalError(List<String> words) {
        RoutineIntervalCommand interval = routineCommand(new RoutineIntervalCommand());
        interval.name = "LogPeerCount";
        interval.interval = words;
        return userErrorOf(interval);
    }

    // ---------------------------------------------------------------- run

    @Test
    void runRunsOnceAndPrintsTheOutcome() throws Exception {
        RoutineRunCommand runNow = routineCommand(new RoutineRunCommand());
        runNow.name = "AddressBookSave";

        assertEquals("routine AddressBookSave ran in 41 ms; runs 8, failures 2", run(runNow).trim());
        assertEquals(List.of("run AddressBookSave"), routines.calls);
    }

    @Test
    void runPrintsWhatTheRoutineThrew() {
        routines.runOutcome = CompletableFuture.failedFuture(
                new IllegalStateException("cannot write /data/p2pnet/addressbook.json: disk full"));
        RoutineRunCommand runNow = routineCommand(new RoutineRunCommand());
        runNow.name = "AddressBookSave";

        assertEquals("routine AddressBookSave failed: IllegalStateException: cannot write"
                + " /data/p2pnet/addressbook.json: disk full", userErrorOf(runNow));
    }

    @Test
    void runGivesUpAfterTheTimeout() {
        routines.runOutcome = new CompletableFuture<>();
        RoutineRunCommand runNow = routineCommand(new RoutineRunCommand());
        runNow.name = "LogPeerCount";
        runNow.timeoutSeconds = 1;

        assertEquals("routine LogPeerCount is still running after 1 s; p2p:routines shows when it ends",
                userErrorOf(runNow));
    }

    @Test
    void runRejectsATimeoutBelowOneSecond() {
        RoutineRunCommand runNow = routineCommand(new RoutineRunCommand());
        runNow.name = "LogPeerCount";
        runNow.timeoutSeconds = 0;

        assertEquals("--timeout must be at least 1 second, got 0", userErrorOf(runNow));
        assertEquals(List.of(), routines.calls);
    }

    @Test
    void runSaysItWaitedForARunUnderWay() throws Exception {
        RoutineInfo busy = new RoutineInfo("Busy", Duration.ofSeconds(10), RoutineInfo.State.STARTED, true,
                Optional.empty(), Optional.empty(), Optional.empty(), 0, 0, 0, "", "api");
        routines.put(busy);
        routines.runOutcome = CompletableFuture.completedFuture(new RoutineInfo("Busy", Duration.ofSeconds(10),
                RoutineInfo.State.STARTED, false, Optional.of(FakeNetworkRoutines.LAST_RUN),
                Optional.of(Duration.ofMillis(1500)), Optional.empty(), 1, 0, 0, "", "api"));
        RoutineRunCommand runNow = routineCommand(new RoutineRunCommand());
        runNow.name = "Busy";

        assertEquals("routine Busy ran (the run under way, waited for) in 1500 ms; runs 1, failures 0",
                run(runNow).trim());
    }

    // ---------------------------------------------------------------- without the routines bundle

    @Test
    void everyCommandExplainsWhenTheRoutinesBundleIsNotRunning() {
        RoutinesCommand listing = wired(new RoutinesCommand());
        RoutineStartCommand start = wired(new RoutineStartCommand());
        start.name = "LogPeerCount";
        RoutineStopCommand stop = wired(new RoutineStopCommand());
        stop.name = "LogPeerCount";
        RoutineIntervalCommand interval = wired(new RoutineIntervalCommand());
        interval.name = "LogPeerCount";
        interval.interval = List.of("30s");
        RoutineRunCommand runNow = wired(new RoutineRunCommand());
        runNow.name = "LogPeerCount";

        for (P2pCommand command : List.of(listing, start, stop, interval, runNow)) {
            assertEquals("the routines bundle is not running (feature:install p2pnet-routines)", userErrorOf(command));
        }
    }

    @Test
    void theCommandsAreServicesInScopeP2pWithHelpText() {
        CommandAnnotationsTest annotations = new CommandAnnotationsTest();
        for (Class<? extends P2pCommand> type : List.of(RoutinesCommand.class, RoutineStartCommand.class,
                RoutineStopCommand.class, RoutineIntervalCommand.class, RoutineRunCommand.class,
                AddressBookCommand.class)) {
            annotations.isAServiceInScopeP2pWithHelpText(type);
            annotations.describesEveryArgumentAndOption(type);
        }
    }
}
