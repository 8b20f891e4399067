package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.testing.FakePeerChannel;

class DisconnectCommandTest extends CommandTestSupport {

    @BeforeEach
    void connectedToBobAndBothAbcds() {
        network.channels.add(new FakePeerChannel(Peers.BOB, "192.0.2.8:7700", ChannelDirection.OUTBOUND));
        network.channels.add(new FakePeerChannel(Peers.ABCD_1, "192.0.2.9:7700", ChannelDirection.INBOUND));
        network.channels.add(new FakePeerChannel(Peers.ABCD_2, "192.0.2.10:7700", ChannelDirection.INBOUND));
    }

    @Test
    void sendsRequestedWithTheDefaultTextAndConfirms() throws Exception {
        String text = run(disconnect("b0b0"));

        assertEquals(List.of(new FakePeerNetwork.Disconnected(Peers.BOB, DisconnectReason.REQUESTED,
                "disconnected by operator")), network.disconnected);
        assertEquals("disconnected from " + Peers.BOB.shortForm() + " (REQUESTED: disconnected by operator)",
                text.strip());
    }

    @Test
    void sendsTheOperatorsReason() throws Exception {
        DisconnectCommand command = disconnect(Peers.BOB.value());
        command.reason = "moving to another rack";

        run(command);

        assertEquals("moving to another rack", network.disconnected.get(0).message());
    }

    @Test
    void acceptsTheReasonAfterThePeer() throws Exception {
        DisconnectCommand command = disconnect(Peers.BOB.value());
        command.trailing = List.of("--reason", "moving to another rack");

        run(command);

        assertEquals("moving to another rack", network.disconnected.get(0).message());
    }

    @Test
    void rejectsOtherWordsAfterThePeer() {
        DisconnectCommand command = disconnect(Peers.BOB.value());
        command.trailing = List.of("now");

        assertEquals("unexpected 'now' after the peer; use: p2p:disconnect <peer> [--reason TEXT]", userErrorOf(command));
        assertTrue(network.disconnected.isEmpty());
    }

    @Test
    void rejectsAnAmbiguousPrefix() {
        assertEquals("'abcd' matches 2 peers: abcd10000000, abcd20000000", userErrorOf(disconnect("abcd")));
        assertTrue(network.disconnected.isEmpty());
    }

    @Test
    void rejectsAnUnknownPeer() {
        assertEquals("no known peer or open channel matches 'ffff'", userErrorOf(disconnect("ffff")));
    }

    @Test
    void rejectsAKnownPeerWithoutChannel() {
        network.knownPeers.add(new PeerInfo(Peers.ALICE, new PeerAddress("192.0.2.7", 7700), "", 1,
                FakePeerChannel.OPENED, FakePeerChannel.OPENED, false, Optional.empty()));

        assertEquals("peer a11ce0000000 is not connected; open a channel first with p2p:connect <host:port>",
                userErrorOf(disconnect("a11ce")));
    }

    @Test
    void rejectsAReasonTooLongForTheWire() {
        DisconnectCommand command = disconnect("b0b0");
        command.reason = "x".repeat(1025);

        assertEquals("--reason is longer than 1024 characters", userErrorOf(command));
    }

    @Test
    void reportsAFailedDisconnect() {
        network.disconnectOutcome = CompletableFuture.failedFuture(
                new ChannelException(DisconnectReason.CONNECTION_LOST, "channel already closed"));

        assertEquals("could not disconnect from b0b000000000: CONNECTION_LOST channel already closed",
                userErrorOf(disconnect("b0b0")));
    }

    private DisconnectCommand disconnect(String peer) {
        DisconnectCommand command = wired(new DisconnectCommand());
        command.peer = peer;
        return command;
    }
}
