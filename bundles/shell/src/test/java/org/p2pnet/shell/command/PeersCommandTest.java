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
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerInfo;

class PeersCommandTest extends CommandTestSupport {
    private static final Instant FIRST_SEEN = Instant.parse("2026-11-20T08:00:00Z");
    private static final Instant LAST_SEEN = Instant.parse("2026-11-21T10:15:30Z");
    private static final Instant ENDED = Instant.parse("2026-11-21T10:16:00Z");

    @BeforeEach
    void twoPeers() {
        network.knownPeers.add(new PeerInfo(Peers.BOB, new PeerAddress("192.0.2.8", 7700), "p2pnet/0.1.0\u001b[31m", 1,
                FIRST_SEEN, LAST_SEEN, false, Optional.of(
                        new DisconnectRecord(DisconnectReason.REQUESTED, "maintenance", true, ENDED))));
        network.knownPeers.add(new PeerInfo(Peers.ALICE, new PeerAddress("192.0.2.7", 7700), "p2pnet/0.1.0", 1,
                FIRST_SEEN, LAST_SEEN, true, Optional.empty()));
    }

    @Test
    void listsPeersWithShortIdsSortedById() throws Exception {
        String text = run(wired(new PeersCommand()));

        assertTrue(text.contains(Peers.ALICE.shortForm()), text);
        assertFalse(text.contains(Peers.ALICE.value()), text);
        assertTrue(text.indexOf(Peers.ALICE.shortForm()) < text.indexOf(Peers.BOB.shortForm()), text);
        assertTrue(text.contains("192.0.2.8:7700"), text);
        assertTrue(text.contains("REQUESTED by remote: maintenance"), text);
    }

    @Test
    void neutralisesTerminalEscapesInWhatPeersAdvertise() throws Exception {
        String text = run(wired(new PeersCommand()));

        assertFalse(text.contains("\u001b"), text);
        assertTrue(text.contains("p2pnet/0.1.0?[31m"), text);
    }

    @Test
    void verboseShowsFullIdsAndProtocol() throws Exception {
        PeersCommand command = wired(new PeersCommand());
        command.verbose = true;

        String text = run(command);

        assertTrue(text.contains(Peers.ALICE.value()), text);
        assertTrue(text.contains("Protocol"), text);
        assertTrue(text.contains("First seen"), text);
    }

    @Test
    void saysWhenNoPeerIsKnown() throws Exception {
        network.knownPeers.clear();

        assertTrue(run(wired(new PeersCommand())).contains("no known peers"));
    }

    @Test
    void printsJsonWithFullIdsAndIsoTimes() throws Exception {
        JsonNode json = runJson(wired(new PeersCommand()));

        assertEquals(2, json.size());
        JsonNode alice = json.get(0);
        assertEquals(List.of("id", "address", "agent", "protocolVersion", "connected", "firstSeen", "lastSeen",
                "lastDisconnect"), fieldNames(alice));
        assertEquals(Peers.ALICE.value(), alice.get("id").asText());
        assertEquals("192.0.2.7:7700", alice.get("address").asText());
        assertTrue(alice.get("connected").asBoolean());
        assertEquals("2026-11-20T08:00:00Z", alice.get("firstSeen").asText());
        assertTrue(alice.get("lastDisconnect").isNull());

        JsonNode bobDisconnect = json.get(1).get("lastDisconnect");
        assertEquals("REQUESTED", bobDisconnect.get("reason").asText());
        assertEquals("maintenance", bobDisconnect.get("message").asText());
        assertTrue(bobDisconnect.get("byRemote").asBoolean());
        assertEquals("2026-11-21T10:16:00Z", bobDisconnect.get("at").asText());
    }
}
