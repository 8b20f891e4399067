package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.testing.FakePeerChannel;

class ChannelsCommandTest extends CommandTestSupport {

    @BeforeEach
    void oneChannel() {
        network.channels.add(new FakePeerChannel(Peers.BOB, new PeerAddress("192.0.2.8", 51234),
                ChannelDirection.INBOUND, new ChannelStats(12, 10, 2048, 1900)));
    }

    @Test
    void listsOpenChannels() throws Exception {
        String text = run(wired(new ChannelsCommand()));

        assertTrue(text.contains(Peers.BOB.shortForm()), text);
        assertTrue(text.contains("192.0.2.8:51234"), text);
        assertTrue(text.contains("INBOUND"), text);
        assertTrue(text.contains("DEFAULT"), text);
        assertTrue(text.contains("12 / 10"), text);
        assertTrue(text.contains("2048 / 1900"), text);
    }

    @Test
    void showsTrustLevelPendingAndUntrustedDrops() throws Exception {
        network.channels.clear();
        network.channels.add(Peers.inbound(Peers.ALICE, TrustLevel.DEFAULT, true, 0));
        network.channels.add(Peers.inbound(Peers.BOB, TrustLevel.NONE, false, 42));

        String text = run(wired(new ChannelsCommand()));

        assertTrue(text.contains("Untrusted drops"), text);
        String alice = text.lines().filter(l -> l.startsWith(Peers.ALICE.shortForm())).findFirst().orElseThrow();
        String bob = text.lines().filter(l -> l.startsWith(Peers.BOB.shortForm())).findFirst().orElseThrow();
        assertTrue(alice.contains("DEFAULT (pending)"), alice);
        assertTrue(bob.contains("NONE") && !bob.contains("pending") && bob.trim().endsWith("42"), bob);
    }

    @Test
    void jsonCarriesThePendingStateAndDrops() throws Exception {
        network.channels.clear();
        network.channels.add(Peers.inbound(Peers.BOB, TrustLevel.ENHANCED, true, 5));

        JsonNode channel = runJson(wired(new ChannelsCommand())).get(0);

        assertEquals("ENHANCED", channel.get("trustLevel").asText());
        assertTrue(channel.get("trustPending").asBoolean());
        assertEquals(5, channel.get("untrustedDrops").asLong());
    }

    @Test
    void saysWhenNoChannelIsOpen() throws Exception {
        network.channels.clear();

        assertTrue(run(wired(new ChannelsCommand())).contains("no open channels"));
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(wired(new ChannelsCommand()));

        JsonNode channel = json.get(0);
        assertEquals(List.of("channelId", "peerId", "remoteAddress", "listenAddress", "direction", "trustLevel",
                "openedAt", "lastActivity", "packetsIn", "packetsOut", "bytesIn", "bytesOut", "trustPending",
                "untrustedDrops"), fieldNames(channel));
        assertFalse(channel.get("trustPending").asBoolean());
        assertEquals(0, channel.get("untrustedDrops").asLong());
        assertEquals(Peers.BOB.value(), channel.get("peerId").asText());
        assertEquals("192.0.2.8:7700", channel.get("listenAddress").asText());
        assertEquals("INBOUND", channel.get("direction").asText());
        assertEquals("2026-11-21T09:00:00Z", channel.get("openedAt").asText());
        assertEquals(2048, channel.get("bytesIn").asLong());
    }
}
