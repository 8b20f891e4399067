package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.testing.FakePeerChannel;

class ConnectCommandTest extends CommandTestSupport {

    @Test
    void dialsAndConfirmsWhoAnswered() throws Exception {
        network.connectOutcome = CompletableFuture.completedFuture(
                new FakePeerChannel(Peers.BOB, "192.0.2.8:7700", ChannelDirection.OUTBOUND));

        String text = run(connect("192.0.2.8:7700"));

        assertEquals(List.of(new PeerAddress("192.0.2.8", 7700)), network.dialled);
        assertEquals("connected to " + Peers.BOB.value() + " at 192.0.2.8:7700 (outbound)", text.strip());
    }

    @Test
    void rejectsABadAddressWithoutDialling() {
        assertEquals("invalid address: 'example.org' is not host:port", userErrorOf(connect("example.org")));
        assertEquals("invalid address: port 'http' is not a number", userErrorOf(connect("example.org:http")));
        assertTrue(network.dialled.isEmpty());
    }

    @Test
    void reportsTheReasonTheChannelFailed() {
        network.connectOutcome = CompletableFuture.failedFuture(
                new ChannelException(DisconnectReason.NETWORK_MISMATCH, "peer is on network 'lab'"));

        assertEquals("could not connect to 192.0.2.8:7700: NETWORK_MISMATCH peer is on network 'lab'",
                userErrorOf(connect("192.0.2.8:7700")));
    }

    @Test
    void unwrapsAFailureFromADependentStage() {
        CompletableFuture<PeerChannel> failed = new CompletableFuture<>();
        failed.completeExceptionally(new CompletionException(
                new ChannelException(DisconnectReason.CONNECTION_LOST, "Connection refused")));
        network.connectOutcome = failed;

        assertEquals("could not connect to 192.0.2.8:7700: CONNECTION_LOST Connection refused",
                userErrorOf(connect("192.0.2.8:7700")));
    }

    @Test
    void neutralisesControlCharactersTheRefusingPeerSent() {
        network.connectOutcome = CompletableFuture.failedFuture(
                new ChannelException(DisconnectReason.BLOCKED, "go away\u001b[2J"));

        assertEquals("could not connect to 192.0.2.8:7700: BLOCKED go away?[2J",
                userErrorOf(connect("192.0.2.8:7700")));
    }

    @Test
    void givesUpAfterTheTimeout() {
        ConnectCommand command = connect("192.0.2.99:7700");
        command.timeoutSeconds = 1;

        assertEquals("could not connect to 192.0.2.99:7700: no outcome within 1 s", userErrorOf(command));
    }

    @Test
    void rejectsATimeoutBelowOneSecondWithoutDialling() {
        ConnectCommand command = connect("192.0.2.8:7700");
        command.timeoutSeconds = 0;

        assertEquals("--timeout must be at least 1 second, got 0", userErrorOf(command));
        assertTrue(network.dialled.isEmpty());
    }

    private ConnectCommand connect(String address) {
        ConnectCommand command = wired(new ConnectCommand());
        command.address = address;
        return command;
    }
}
