package org.p2pnet.routines.internal;

import org.p2pnet.api.ChannelDirection;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DiscernResult;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.testing.FakePeerChannel;

/** The four default routines against a fake core. */
class DefaultRoutinesTest {
    private final RoutineNetwork network = new RoutineNetwork();

    // ---------------------------------------------------------------- MaintainMinimumPeers

    @Test
    void maintainMinimumPeersDialsOnlyTheMissingCount() throws Exception {
        network.minPeers = 4;
        network.channels.add(channel('1', TrustLevel.DEFAULT));
        network.book.addAll(List.of(RoutineNetwork.entry('a', 1), RoutineNetwork.entry('b', 2),
                RoutineNetwork.entry('c', 3), RoutineNetwork.entry('d', 4)));
        network.connectOutcome = CompletableFuture.completedFuture(channel('a', TrustLevel.DEFAULT));

        new MaintainMinimumPeersRoutine(network, Map.of()).run();

        assertEquals(List.of(3), network.candidatesAsked);
        assertEquals(List.of(new PeerAddress("192.0.2.1", 7700), new PeerAddress("192.0.2.2", 7700),
                new PeerAddress("192.0.2.3", 7700)), network.dialled);
    }

    @Test
    void maintainMinimumPeersDoesNothingAtMinPeers() throws Exception {
        network.minPeers = 2;
        network.channels.add(channel('1', TrustLevel.DEFAULT));
        network.channels.add(channel('2', TrustLevel.DEFAULT));
        network.book.add(RoutineNetwork.entry('a', 1));

        new MaintainMinimumPeersRoutine(network, Map.of()).run();
        network.channels.add(channel('3', TrustLevel.DEFAULT));
        new MaintainMinimumPeersRoutine(network, Map.of()).run();

        assertEquals(List.of(), network.candidatesAsked);
        assertEquals(List.of(), network.dialled);
    }

    @Test
    void maintainMinimumPeersTakesFailedAndUnansweredDialsInItsStride() throws Exception {
        network.minPeers = 2;
        network.book.addAll(List.of(RoutineNetwork.entry('a', 1), RoutineNetwork.entry('b', 2)));
        network.connectOutcome = CompletableFuture.failedFuture(new ChannelException(org.p2pnet.api.DisconnectReason.CONNECTION_LOST, "connection refused"));

        new MaintainMinimumPeersRoutine(network, Map.of()).run();
        assertEquals(2, network.dialled.size());

        // dials that never end: the run returns after dialWait
        network.connectOutcome = new CompletableFuture<>();
        MaintainMinimumPeersRoutine waitingBriefly = new MaintainMinimumPeersRoutine(network,
                Map.of(MaintainMinimumPeersRoutine.DIAL_WAIT, "100ms"));
        assertEquals(Duration.ofMillis(100), waitingBriefly.dialWait());
        waitingBriefly.run();
        assertEquals(4, network.dialled.size());
    }

    @Test
    void maintainMinimumPeersDialsOthersAtOnceWhenACandidateRefusesAndStopsWhenAllAreTried() throws Exception {
        network.minPeers = 2;
        // the book's first choices are gone for good (a just-killed peer refuses at once)
        network.book.addAll(List.of(RoutineNetwork.entry('a', 1), RoutineNetwork.entry('b', 2),
                RoutineNetwork.entry('c', 3), RoutineNetwork.entry('d', 4)));
        CompletableFuture<org.p2pnet.api.PeerChannel> refused = CompletableFuture.failedFuture(
                new ChannelException(org.p2pnet.api.DisconnectReason.CONNECTION_LOST, "connection refused"));
        network.connectOutcomes.put(new PeerAddress("192.0.2.1", 7700), refused);
        network.connectOutcomes.put(new PeerAddress("192.0.2.2", 7700), refused);
        network.connectOutcome = CompletableFuture.completedFuture(channel('c', TrustLevel.DEFAULT));

        new MaintainMinimumPeersRoutine(network, Map.of()).run();

        assertEquals(List.of(new PeerAddress("192.0.2.1", 7700), new PeerAddress("192.0.2.2", 7700),
                new PeerAddress("192.0.2.3", 7700), new PeerAddress("192.0.2.4", 7700)), network.dialled,
                "the two refusals did not leave the node short until the next run");

        // every candidate refuses: each is dialled once, then the run ends
        network.dialled.clear();
        network.connectOutcome = refused;
        new MaintainMinimumPeersRoutine(network, Map.of()).run();
        assertEquals(4, network.dialled.size(), "no candidate dialled twice in one run: " + network.dialled);
    }

    @Test
    void maintainMinimumPeersWithNoCandidateDialsNobody() throws Exception {
        network.minPeers = 3;

        new MaintainMinimumPeersRoutine(network, Map.of()).run();

        assertEquals(List.of(3), network.candidatesAsked);
        assertEquals(List.of(), network.dialled);
    }

    @Test
    void maintainMinimumPeersRejectsAnInvalidDialWait() {
        MaintainMinimumPeersRoutine routine = new MaintainMinimumPeersRoutine(network,
                Map.of(MaintainMinimumPeersRoutine.DIAL_WAIT, "2s"));

        routine.modified(Map.of(MaintainMinimumPeersRoutine.DIAL_WAIT, "forever"));

        assertEquals(Duration.ofSeconds(2), routine.dialWait());
        assertEquals(1, routine.rejectedConfigurations());
    }

    // ---------------------------------------------------------------- PeerExchange

    @Test
    void peerExchangeAsksOnlyEnhancedChannels() {
        network.channels.add(channel('1', TrustLevel.NONE));
        network.channels.add(channel('2', TrustLevel.ENHANCED));
        network.channels.add(channel('3', TrustLevel.DEFAULT));
        network.channels.add(channel('4', TrustLevel.ENHANCED));
        PeerExchangeRoutine routine = new PeerExchangeRoutine(network, Map.of(), new Random(7));

        for (int i = 0; i < 40; i++) {
            routine.run();
        }

        assertEquals(40, network.sent.size());
        for (RoutineNetwork.Sent s : network.sent) {
            assertTrue(s.peer().equals(FakePeerChannel.peer('2')) || s.peer().equals(FakePeerChannel.peer('4')),
                    "asked " + s.peer());
            PeerGroupPacket request = (PeerGroupPacket) s.packet();
            assertEquals(List.of(), request.peers());
            assertEquals(16, request.want());
        }
        assertTrue(network.sent.stream().anyMatch(s -> s.peer().equals(FakePeerChannel.peer('2'))), "random pick");
        assertTrue(network.sent.stream().anyMatch(s -> s.peer().equals(FakePeerChannel.peer('4'))), "random pick");
    }

    @Test
    void peerExchangeSendsNothingWithoutAnEnhancedChannel() {
        network.channels.add(channel('1', TrustLevel.DEFAULT));

        new PeerExchangeRoutine(network, Map.of(), new Random(1)).run();

        assertEquals(List.of(), network.sent);
    }

    @Test
    void peerExchangeAsksForTheConfiguredNumberAndRejectsNonsense() {
        network.channels.add(channel('2', TrustLevel.ENHANCED));
        PeerExchangeRoutine routine = new PeerExchangeRoutine(network, Map.of(PeerExchangeRoutine.WANT, "8"),
                new Random(1));

        for (Object bad : List.of("0", "65", "many", 1000L)) {
            routine.modified(Map.of(PeerExchangeRoutine.WANT, bad));
        }
        routine.run();

        assertEquals(8, ((PeerGroupPacket) network.sent.get(0).packet()).want());
        assertEquals(4, routine.rejectedConfigurations());
    }

    // ---------------------------------------------------------------- DiscernPeerChannels

    @Test
    void discernPeerChannelsPassesTheConfiguredInactivityLimit() {
        network.discernResult = new DiscernResult(1, 2, 0);
        DiscernPeerChannelsRoutine routine = new DiscernPeerChannelsRoutine(network, Map.of());

        routine.run();
        routine.modified(Map.of(DiscernPeerChannelsRoutine.INACTIVITY_LIMIT, "15m"));
        routine.run();

        assertEquals(List.of(Duration.ofMinutes(60), Duration.ofMinutes(15)), network.discernLimits);
    }

    @Test
    void discernPeerChannelsRejectsAnInvalidLimitAndKeepsThePreviousOne() {
        DiscernPeerChannelsRoutine routine = new DiscernPeerChannelsRoutine(network,
                Map.of(DiscernPeerChannelsRoutine.INACTIVITY_LIMIT, "30m"));

        try (StderrCapture log = new StderrCapture()) {
            routine.modified(Map.of(DiscernPeerChannelsRoutine.INACTIVITY_LIMIT, "an hour"));
            assertTrue(log.text().contains("DiscernPeerChannels.inactivityLimit = an hour rejected"), log.text());
        }
        routine.run();

        assertEquals(List.of(Duration.ofMinutes(30)), network.discernLimits);
        assertEquals(1, routine.rejectedConfigurations());
    }

    // ---------------------------------------------------------------- AddressBookSave

    @Test
    void addressBookSaveSavesAndThrowsWhatTheCoreThrows() {
        AddressBookSaveRoutine routine = new AddressBookSaveRoutine(network);

        routine.run();
        assertEquals(1, network.saves);

        network.saveFailure = new IllegalStateException("cannot write /data/p2pnet/addressbook.json: disk full");
        assertSame(network.saveFailure, assertThrows(IllegalStateException.class, routine::run));
    }

    /** An open outbound channel to the peer of that digit, at that trust level. */
    private static FakePeerChannel channel(char digit, TrustLevel level) {
        return new FakePeerChannel(FakePeerChannel.peer(digit), "192.0.2.9:40000", ChannelDirection.OUTBOUND)
                .trust(level, false, 0);
    }
}
