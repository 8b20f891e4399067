package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.genesis.GenesisMode;

class GenesisPeersCommandTest extends CommandTestSupport {
    private final FakeGenesisServer genesis = new FakeGenesisServer();

    @Test
    void showsModeNetworkKeyAndCountersAboveTheRegistrations() throws Exception {
        String text = run(command());

        assertEquals("authority (answers signed)", valueOf(text, "Mode"));
        assertEquals("p2pnet", valueOf(text, "Network"));
        assertEquals(FakeGenesisServer.KEY_ID, valueOf(text, "Authority key id"));
        assertEquals("2", valueOf(text, "Registrations"));
        assertEquals("1.50", valueOf(text, "Requests/s"));
        assertEquals("GET /p2pnet/genesis/peers 200 30, POST /p2pnet/genesis/peers 200 12", valueOf(text, "Requests"));
        assertEquals("bad_signature 1, rate_limited 3", valueOf(text, "Rejections"));
    }

    @Test
    void tableShowsShortIdsAddressesTimesAndDialBackMostRecentlySeenFirst() throws Exception {
        String text = run(command());

        for (String column : List.of("Peer", "Address", "First seen", "Last seen", "Expires", "Dial-back")) {
            assertTrue(text.contains(column), column + " in\n" + text);
        }
        String alice = rowOf(text, Peers.ALICE.shortForm());
        assertTrue(alice.contains("203.0.113.7:7700"), alice);
        assertTrue(alice.contains(TextOutput.time(FakeGenesisServer.FIRST_SEEN)), alice);
        assertTrue(alice.contains(TextOutput.time(FakeGenesisServer.LAST_SEEN)), alice);
        assertTrue(alice.contains(TextOutput.time(FakeGenesisServer.LAST_SEEN.plusSeconds(600))), alice);
        assertTrue(alice.contains("OK"), alice);
        String bob = rowOf(text, Peers.BOB.shortForm());
        assertTrue(bob.contains("198.51.100.4:7701"), bob);
        assertTrue(bob.contains("PENDING"), bob);
        assertTrue(text.indexOf(alice) < text.indexOf(bob), "the service's order is kept:\n" + text);
        assertFalse(text.contains(Peers.ALICE.value()), "short ids only:\n" + text);
    }

    @Test
    void fullShowsFullIds() throws Exception {
        GenesisPeersCommand command = command();
        command.full = true;

        String text = run(command);

        assertTrue(rowOf(text, Peers.ALICE.value()).contains("203.0.113.7:7700"), text);
        assertTrue(text.contains(Peers.BOB.value()), text);
    }

    @Test
    void saysWhenNoNodeIsRegisteredAndWhenTrustless() throws Exception {
        genesis.registrations.clear();
        genesis.mode = GenesisMode.TRUSTLESS;

        String text = run(command());

        assertEquals("0", valueOf(text, "Registrations"));
        assertEquals("trustless (answers not signed)", valueOf(text, "Mode"));
        assertTrue(text.contains("no node registered"), text);
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(command());

        assertEquals(List.of("mode", "networkName", "authorityKeyId", "registrationCount", "requestsPerSecond",
                "requests", "rejections", "registrations"), fieldNames(json));
        assertEquals("authority", json.get("mode").asText());
        assertEquals("p2pnet", json.get("networkName").asText());
        assertEquals(FakeGenesisServer.KEY_ID, json.get("authorityKeyId").asText());
        assertEquals(2, json.get("registrationCount").asInt());
        assertEquals(1.5, json.get("requestsPerSecond").asDouble());
        assertEquals(List.of("GET /p2pnet/genesis/peers 200", "GET /p2pnet/genesis/whoami 200",
                "POST /p2pnet/genesis/peers 200"), fieldNames(json.get("requests")), "every kind, sorted");
        assertEquals(12, json.get("requests").get("POST /p2pnet/genesis/peers 200").asLong());
        assertEquals(List.of("bad_signature", "rate_limited", "stale"), fieldNames(json.get("rejections")));
        assertEquals(3, json.get("rejections").get("rate_limited").asLong());

        JsonNode alice = json.get("registrations").get(0);
        assertEquals(List.of("peerId", "address", "firstSeen", "lastSeen", "expiresAt", "dialBack"),
                fieldNames(alice));
        assertEquals(Peers.ALICE.value(), alice.get("peerId").asText());
        assertEquals("203.0.113.7:7700", alice.get("address").asText());
        assertEquals("2026-11-21T09:00:00Z", alice.get("firstSeen").asText());
        assertEquals("2026-11-21T10:15:30Z", alice.get("lastSeen").asText());
        assertEquals("2026-11-21T10:25:30Z", alice.get("expiresAt").asText());
        assertEquals("OK", alice.get("dialBack").asText());
        assertEquals("PENDING", json.get("registrations").get(1).get("dialBack").asText());
    }

    @Test
    void jsonOfATrustlessNodeWithoutRegistrations() throws Exception {
        genesis.registrations.clear();
        genesis.mode = GenesisMode.TRUSTLESS;

        JsonNode json = runJson(command());

        assertEquals("trustless", json.get("mode").asText());
        assertTrue(json.get("registrations").isArray());
        assertEquals(0, json.get("registrations").size());
    }

    @Test
    void explainsWhenTheGenesisBundleIsNotRunning() {
        GenesisPeersCommand command = command();
        command.genesis = null;

        assertEquals(GenesisPeersCommand.NO_GENESIS_SERVER, userErrorOf(command));
        assertTrue(GenesisPeersCommand.NO_GENESIS_SERVER.endsWith("(feature:install p2pnet-genesis)"));
    }

    @Test
    void theGenesisCommandsAreServicesInScopeP2pWithHelpText() {
        for (Class<? extends P2pCommand> type : List.of(GenesisPeersCommand.class, GenesisKeyCommand.class,
                BootstrapCommand.class)) {
            CommandAnnotationsTest annotations = new CommandAnnotationsTest();
            annotations.isAServiceInScopeP2pWithHelpText(type);
            annotations.describesEveryArgumentAndOption(type);
        }
    }

    private static String rowOf(String text, String start) {
        return text.lines().filter(line -> line.startsWith(start)).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + start + " in:\n" + text));
    }

    private GenesisPeersCommand command() {
        GenesisPeersCommand command = wired(new GenesisPeersCommand());
        command.genesis = genesis;
        return command;
    }
}
