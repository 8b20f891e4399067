package org.p2pnet.shell.command;

import org.p2pnet.testing.FakePeerChannel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.TrustLevel;

/** p2p:inbound, p2p:inbound-accept and p2p:inbound-reject against the fake network's queue. */
class InboundCommandTest extends CommandTestSupport {
    private static final Instant SINCE = Instant.parse("2026-11-21T10:15:00Z");

    @BeforeEach
    void twoPeersWait() {
        network.inbound.add(new InboundRequest("in-1", Peers.BOB, new PeerAddress("192.0.2.8", 51234),
                "p2pnet/0.1.0", SINCE));
        network.inbound.add(new InboundRequest("in-2", Peers.ALICE, new PeerAddress("2001:db8::7", 40000),
                "evil\u001b[2J", SINCE.plusSeconds(5)));
    }

    private InboundAcceptCommand accept(String id) {
        InboundAcceptCommand command = wired(new InboundAcceptCommand());
        command.requestId = id;
        return command;
    }

    private InboundRejectCommand reject(String id, String... message) {
        InboundRejectCommand command = wired(new InboundRejectCommand());
        command.requestId = id;
        command.message = message.length == 0 ? null : List.of(message);
        return command;
    }

    @Test
    void listsTheWaitingPeersOldestFirst() throws Exception {
        String text = run(wired(new InboundCommand()));

        assertTrue(text.contains("Request") && text.contains("Waiting since"), text);
        assertTrue(text.indexOf("in-1") < text.indexOf("in-2"), text);
        assertTrue(text.contains(Peers.BOB.shortForm()) && text.contains("192.0.2.8:51234"), text);
        assertTrue(text.contains("[2001:db8:0:0:0:0:0:7]:40000") || text.contains("[2001:db8::7]:40000"), text);
        assertTrue(text.contains("evil?[2J") && !text.contains("\u001b"), text);
    }

    @Test
    void saysWhenNobodyWaits() throws Exception {
        network.inbound.clear();

        assertTrue(run(wired(new InboundCommand())).contains("no inbound peer is waiting"));
    }

    @Test
    void listsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(wired(new InboundCommand()));

        assertEquals(2, json.size());
        JsonNode first = json.get(0);
        assertEquals(List.of("requestId", "peerId", "remote", "agent", "requestedAt"), fieldNames(first));
        assertEquals("in-1", first.get("requestId").asText());
        assertEquals(Peers.BOB.value(), first.get("peerId").asText());
        assertEquals("192.0.2.8:51234", first.get("remote").asText());
        assertEquals("2026-11-21T10:15:00Z", first.get("requestedAt").asText());
    }

    @Test
    void acceptLetsThePeerInAndPrintsItsChannel() throws Exception {
        network.acceptOutcome = CompletableFuture.completedFuture(
                new FakePeerChannel(Peers.BOB, "192.0.2.8:51234", ChannelDirection.INBOUND).trust(TrustLevel.DEFAULT, false, 0));

        String text = run(accept("in-1")).trim();

        assertEquals(List.of("in-1"), network.accepted);
        assertEquals("accepted request in-1 from " + Peers.BOB.shortForm() + ": channel tcp-" + Peers.BOB.shortForm()
                + " from 192.0.2.8:51234 (inbound, trust DEFAULT)", text);
    }

    @Test
    void acceptReportsWhyTheChannelFailed() {
        network.acceptOutcome = CompletableFuture.failedFuture(
                new ChannelException(DisconnectReason.CONNECTION_LOST, "the peer left while waiting"));

        assertEquals("could not accept request in-1 from " + Peers.BOB.shortForm()
                + ": CONNECTION_LOST the peer left while waiting", userErrorOf(accept("in-1")));
    }

    @Test
    void acceptGivesUpAfterTheTimeout() {
        InboundAcceptCommand command = accept("in-1");
        assertEquals(10, command.timeoutSeconds, "waits 10 s unless told otherwise");
        command.timeoutSeconds = 1;

        assertEquals("could not accept request in-1 from " + Peers.BOB.shortForm() + ": no outcome within 1 s",
                userErrorOf(command));
    }

    @Test
    void acceptOfARequestNotWaitingIsAMistake() {
        assertEquals("no inbound request 'in-9' is waiting", userErrorOf(accept("in-9")));
        InboundAcceptCommand command = accept("in-1");
        command.timeoutSeconds = 0;
        assertEquals("--timeout must be at least 1 second, got 0", userErrorOf(command));
    }

    @Test
    void rejectTurnsThePeerAwayWithTheMessage() throws Exception {
        String text = run(reject("in-2", "not", "today")).trim();

        assertEquals(List.of(new FakePeerNetwork.Rejected("in-2", "not today")), network.rejected);
        assertEquals("rejected request in-2 from " + Peers.ALICE.shortForm() + " (NOT_TRUSTED: not today)", text);
    }

    @Test
    void rejectHasADefaultMessage() throws Exception {
        run(reject("in-1"));

        assertEquals(InboundRejectCommand.DEFAULT_MESSAGE, network.rejected.get(0).message());
    }

    @Test
    void rejectRefusesMistakes() {
        assertEquals("no inbound request 'in-9' is waiting", userErrorOf(reject("in-9")));
        assertEquals("the message is longer than 1024 characters", userErrorOf(reject("in-1", "x".repeat(1025))));
        assertTrue(network.rejected.isEmpty());
        assertEquals(2, network.inbound.size());
    }
}
