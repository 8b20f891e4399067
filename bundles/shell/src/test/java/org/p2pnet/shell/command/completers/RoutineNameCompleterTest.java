package org.p2pnet.shell.command.completers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.routine.NetworkRoutines;
import org.p2pnet.api.routine.Routine;
import org.p2pnet.api.routine.RoutineInfo;

class RoutineNameCompleterTest {

    @Test
    void offersTheRoutineNamesOrNothingWithoutTheRoutinesBundle() {
        RoutineNameCompleter completer = new RoutineNameCompleter();
        assertTrue(completer.names().isEmpty());

        completer.routines = new NetworkRoutines() {
            @Override
            public List<RoutineInfo> list() {
                return List.of(info("PeerExchange"), info("AddressBookSave"));
            }

            @Override
            public Optional<RoutineInfo> routine(String name) {
                return Optional.empty();
            }

            @Override
            public AutoCloseable add(String name, Duration interval, Routine routine) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void start(String name) {
            }

            @Override
            public void stop(String name) {
            }

            @Override
            public void interval(String name, Duration interval) {
            }

            @Override
            public CompletionStage<RoutineInfo> runNow(String name) {
                throw new UnsupportedOperationException();
            }
        };

        assertEquals(List.of("AddressBookSave", "PeerExchange"), List.copyOf(completer.names()));
    }

    private static RoutineInfo info(String name) {
        return new RoutineInfo(name, Duration.ofSeconds(60), RoutineInfo.State.STARTED, false, null, null, null, 0, 0,
                0, "", "org.p2pnet.routines");
    }
}
