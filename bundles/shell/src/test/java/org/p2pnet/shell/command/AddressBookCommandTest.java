package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.PeerAddress;

class AddressBookCommandTest extends CommandTestSupport {
    private static final Instant FIRST = Instant.parse("2026-11-20T08:00:00Z");
    private static final Instant SEEN = Instant.parse("2026-11-21T09:30:00Z");
    private static final Instant SUCCESS = Instant.parse("2026-11-21T09:00:00Z");

    private AddressBookCommand command() {
        network.addressBook.add(new AddressBookEntry(Peers.ALICE, new PeerAddress("192.0.2.7", 7700), "lan",
                "192.0", FIRST, SEEN, Optional.of(SUCCESS), Optional.of(SUCCESS), 0, true));
        network.addressBook.add(new AddressBookEntry(Peers.BOB, new PeerAddress("198.51.100.4", 7701), "peer-exchange",
                "198.51", FIRST, FIRST, Optional.empty(), Optional.of(SEEN), 3, false));
        return wired(new AddressBookCommand());
    }

    @Test
    void listsTheEntriesMostRecentlySeenFirst() throws Exception {
        String text = run(command());

        List<String> lines = text.lines().toList();
        for (String column : List.of("Peer", "Address", "Source", "Group", "Last seen", "Last success", "Failures",
                "Connected")) {
            assertTrue(lines.get(0).contains(column), column + " in " + lines.get(0));
        }
        assertTrue(lines.get(2).startsWith(Peers.ALICE.shortForm()), text);
        assertTrue(lines.get(2).contains("192.0.2.7:7700") && lines.get(2).contains("lan")
                && lines.get(2).contains(TextOutput.time(SUCCESS)) && lines.get(2).contains("yes"), text);
        assertTrue(lines.get(3).startsWith(Peers.BOB.shortForm()), text);
        assertTrue(lines.get(3).contains("peer-exchange") && lines.get(3).contains(" 3 ")
                && lines.get(3).contains(" - ") && lines.get(3).contains("no"), text);
    }

    @Test
    void limitShowsTheFirstN() throws Exception {
        AddressBookCommand command = command();
        command.limit = 1;

        String text = run(command);

        assertTrue(text.contains(Peers.ALICE.shortForm()), text);
        assertTrue(!text.contains(Peers.BOB.shortForm()), text);
    }

    @Test
    void aLimitBelowOneIsRejected() {
        AddressBookCommand command = command();
        command.limit = 0;

        assertEquals("--limit must be at least 1, got 0", userErrorOf(command));
    }

    @Test
    void saysSoWhenEmpty() throws Exception {
        assertTrue(run(wired(new AddressBookCommand())).contains("the address book is empty"));
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(command());

        assertEquals(2, json.size());
        assertEquals(List.of("peerId", "address", "source", "group", "firstSeen", "lastSeen", "lastSuccess",
                "lastAttempt", "failures", "connected"), fieldNames(json.get(0)));
        assertEquals(Peers.ALICE.value(), json.get(0).get("peerId").asText());
        assertEquals("192.0.2.7:7700", json.get(0).get("address").asText());
        assertEquals("2026-11-21T09:00:00Z", json.get(0).get("lastSuccess").asText());
        assertTrue(json.get(0).get("connected").asBoolean());
        assertTrue(json.get(1).get("lastSuccess").isNull());
        assertEquals(3, json.get(1).get("failures").asInt());
        assertEquals("peer-exchange", json.get(1).get("source").asText());
    }
}
