package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.broadcast.ReceivedBroadcast;
import org.p2pnet.api.message.ReceivedMessage;

/** p2p:messages with the broadcast bundle: broadcasts shown among the messages, marked as such. */
class MessagesBroadcastTest extends CommandTestSupport {
    private static final Instant T0 = Instant.parse("2026-11-21T10:15:00Z");
    private static final String ID_1 = "1".repeat(64);
    private static final String ID_2 = "2".repeat(64);

    private final FakeMessageLog log = new FakeMessageLog();
    private final FakeBroadcasts broadcasts = new FakeBroadcasts();

    @BeforeEach
    void messagesAndBroadcasts() {
        network.knownPeers.add(Peers.known(Peers.ALICE));
        network.knownPeers.add(Peers.known(Peers.BOB));
        log.messages.add(new ReceivedMessage(Peers.ALICE, "m-1", "first message", T0, T0.plusSeconds(1)));
        log.messages.add(new ReceivedMessage(Peers.BOB, "m-2", "second message", T0, T0.plusSeconds(3)));
        log.received = 2;
        // newest first, as the service returns them
        broadcasts.recent.add(new ReceivedBroadcast(FakeBroadcasts.packet(ID_2, "", "mine\u001b[2J", 2000L,
                Peers.ALICE), Optional.empty(), T0.plusSeconds(4)));
        broadcasts.recent.add(new ReceivedBroadcast(FakeBroadcasts.packet(ID_1, "alert", "to all", 1000L,
                Peers.ABCD_1), Optional.of(Peers.BOB), T0.plusSeconds(2)));
        broadcasts.delivered = 2;
    }

    private MessagesCommand command() {
        MessagesCommand command = wired(new MessagesCommand());
        command.messageLog = log;
        command.broadcasts = broadcasts;
        return command;
    }

    @Test
    void showsBroadcastsAmongMessagesByArrivalMarkedAsBroadcasts() throws Exception {
        String text = run(command());

        int first = text.indexOf("first message");
        int alert = text.indexOf("[broadcast alert] to all");
        int second = text.indexOf("second message");
        int mine = text.indexOf("[broadcast] mine?[2J");
        assertTrue(first >= 0 && first < alert && alert < second && second < mine, text);
        assertTrue(text.contains(MessagesCommand.THIS_NODE), text);
        assertTrue(text.contains("(2 shown of 2 received since start)"), text);
        assertTrue(text.contains("(2 broadcasts shown of 2 delivered since start)"), text);
        assertFalse(text.contains("\u001b"), text);
    }

    @Test
    void theLimitAppliesToMessagesAndBroadcastsTogether() throws Exception {
        MessagesCommand command = command();
        command.limit = 2;

        String text = run(command);

        assertTrue(text.contains("second message") && text.contains("mine"), text);
        assertFalse(text.contains("first message") || text.contains("to all"), text);
    }

    @Test
    void aPeerFilterKeepsTheBroadcastsThatCameFromThatPeer() throws Exception {
        MessagesCommand command = command();
        command.peer = "b0b0";

        String text = run(command);

        assertTrue(text.contains("second message") && text.contains("to all"), text);
        assertFalse(text.contains("first message") || text.contains("mine"), text);
    }

    @Test
    void jsonMarksBroadcastsWithTitleAndOrigin() throws Exception {
        JsonNode json = runJson(command());

        assertEquals(4, json.size());
        assertEquals(List.of("from", "id", "text", "sentAt", "receivedAt", "broadcast", "title", "origin"),
                fieldNames(json.get(0)));
        JsonNode message = json.get(0);
        assertFalse(message.get("broadcast").asBoolean());
        assertTrue(message.get("title").isNull() && message.get("origin").isNull());
        JsonNode relayed = json.get(1);
        assertTrue(relayed.get("broadcast").asBoolean());
        assertEquals(ID_1, relayed.get("id").asText());
        assertEquals(Peers.BOB.value(), relayed.get("from").asText());
        assertEquals(Peers.ABCD_1.value(), relayed.get("origin").asText());
        assertEquals("alert", relayed.get("title").asText());
        assertEquals("to all", relayed.get("text").asText());
        assertEquals("1970-01-01T00:00:01Z", relayed.get("sentAt").asText());
        assertEquals("2026-11-21T10:15:02Z", relayed.get("receivedAt").asText());
        JsonNode own = json.get(3);
        assertTrue(own.get("from").isNull(), "originated here");
        assertEquals("mine\u001b[2J", own.get("text").asText());
    }

    @Test
    void withoutTheMessageBundleShowsTheBroadcastsAndSaysSo() throws Exception {
        MessagesCommand command = command();
        command.messageLog = null;

        String text = run(command);

        assertTrue(text.contains("to all") && text.contains("mine"), text);
        assertTrue(text.contains("the message handler bundle is not running: broadcasts only"), text);
    }

    @Test
    void withoutEitherBundleExplains() {
        MessagesCommand command = command();
        command.messageLog = null;
        command.broadcasts = null;

        assertEquals(MessagesCommand.NO_MESSAGE_LOG, userErrorOf(command));
    }
}
