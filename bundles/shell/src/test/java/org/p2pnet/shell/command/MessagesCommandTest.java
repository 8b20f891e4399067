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
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.message.ReceivedMessage;

class MessagesCommandTest extends CommandTestSupport {
    private static final Instant SENT = Instant.parse("2026-11-21T10:15:29Z");
    private static final Instant RECEIVED = Instant.parse("2026-11-21T10:15:30Z");

    private final FakeMessageLog log = new FakeMessageLog();

    @BeforeEach
    void messagesFromTwoPeers() {
        for (PeerId peer : new PeerId[] {Peers.ALICE, Peers.BOB, Peers.ABCD_1, Peers.ABCD_2}) {
            network.knownPeers.add(new PeerInfo(peer, new PeerAddress("192.0.2.7", 7700), "", 1, RECEIVED, RECEIVED,
                    true, Optional.empty()));
        }
        log.messages.add(new ReceivedMessage(Peers.ALICE, "m-1", "hello bob", SENT, RECEIVED));
        log.messages.add(new ReceivedMessage(Peers.BOB, "m-2", "hi alice", SENT, RECEIVED));
        log.messages.add(new ReceivedMessage(Peers.ALICE, "m-3", "bye\u001b[2J", SENT, RECEIVED));
        log.received = 3;
    }

    @Test
    void showsTheLastMessagesOldestFirst() throws Exception {
        String text = run(command());

        assertTrue(text.indexOf("hello bob") < text.indexOf("hi alice"), text);
        assertTrue(text.indexOf("hi alice") < text.indexOf("bye"), text);
        assertTrue(text.contains(Peers.ALICE.shortForm()), text);
        assertTrue(text.contains("(3 shown of 3 received since start)"), text);
        assertFalse(text.contains("\u001b"), text);
        assertEquals(20, log.lastLimit);
    }

    @Test
    void filtersByPeerPrefixAndLimit() throws Exception {
        MessagesCommand command = command();
        command.peer = "a11c";
        command.limit = 1;

        String text = run(command);

        assertTrue(text.contains("bye"), text);
        assertFalse(text.contains("hello bob"), text);
        assertFalse(text.contains("hi alice"), text);
    }

    @Test
    void explainsWhenTheMessageHandlerIsNotRunning() {
        MessagesCommand command = command();
        command.messageLog = null;

        assertEquals(MessagesCommand.NO_MESSAGE_LOG, userErrorOf(command));
    }

    @Test
    void rejectsAnAmbiguousPeerPrefix() {
        MessagesCommand command = command();
        command.peer = "abcd";

        assertEquals("'abcd' matches 2 peers: abcd10000000, abcd20000000", userErrorOf(command));
    }

    @Test
    void rejectsALimitBelowOne() {
        MessagesCommand command = command();
        command.limit = 0;

        assertEquals("--limit must be at least 1, got 0", userErrorOf(command));
    }

    @Test
    void printsJsonWithFullIdsAndIsoTimes() throws Exception {
        JsonNode json = runJson(command());

        assertEquals(3, json.size());
        JsonNode first = json.get(0);
        assertEquals(List.of("from", "id", "text", "sentAt", "receivedAt", "broadcast", "title", "origin"),
                fieldNames(first));
        assertFalse(first.get("broadcast").asBoolean());
        assertEquals(Peers.ALICE.value(), first.get("from").asText());
        assertEquals("m-1", first.get("id").asText());
        assertEquals("hello bob", first.get("text").asText());
        assertEquals("2026-11-21T10:15:29Z", first.get("sentAt").asText());
        assertEquals("2026-11-21T10:15:30Z", first.get("receivedAt").asText());
        assertEquals("bye\u001b[2J", json.get(2).get("text").asText());
    }

    private MessagesCommand command() {
        MessagesCommand command = wired(new MessagesCommand());
        command.messageLog = log;
        return command;
    }
}
