package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.PeerAddress;

class StatusCommandTest extends CommandTestSupport {

    @Test
    void showsStateAndCounters() throws Exception {
        network.status = busyNode();

        String text = run(wired(new StatusCommand()));

        assertEquals(Peers.ALICE.value(), valueOf(text, "Node id"));
        assertEquals("p2pnet", valueOf(text, "Network"));
        assertEquals("0.0.0.0:7700", valueOf(text, "Listening"));
        assertEquals("tcp", valueOf(text, "Transport"));
        assertEquals("yes", valueOf(text, "Accept inbound"));
        assertEquals("2 inbound, 1 outbound", valueOf(text, "Channels"));
        assertEquals("5", valueOf(text, "Known peers"));
        assertEquals("120 in, 99 out", valueOf(text, "Packets"));
        assertEquals("NETWORK_MISMATCH 1, MALFORMED_FRAME 3", valueOf(text, "Rejections"));
        assertEquals("2 update(s) with an invalid value (see the log)", valueOf(text, "Config refused"));
    }

    @Test
    void saysWhenNotListeningWithoutTransportAndWithoutRejections() throws Exception {
        network.status = new NodeStatus(network.identity, null, false, null, 0, 0, 0, 0, 0, Map.of(), 0);

        String text = run(wired(new StatusCommand()));

        assertEquals("not listening", valueOf(text, "Listening"));
        assertEquals("none (no channel transport running)", valueOf(text, "Transport"));
        assertEquals("no", valueOf(text, "Accept inbound"));
        assertEquals("none", valueOf(text, "Rejections"));
        assertEquals("none", valueOf(text, "Config refused"));
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        network.status = busyNode();

        JsonNode json = runJson(wired(new StatusCommand()));

        assertEquals(List.of("peerId", "networkName", "listening", "transport", "acceptInbound", "inboundChannels",
                "outboundChannels", "knownPeers", "packetsIn", "packetsOut", "rejections", "rejectedConfigurations"),
                fieldNames(json));
        assertEquals(2, json.get("rejectedConfigurations").asLong());
        assertEquals(Peers.ALICE.value(), json.get("peerId").asText());
        assertEquals("0.0.0.0:7700", json.get("listening").asText());
        assertTrue(json.get("acceptInbound").asBoolean());
        assertEquals(2, json.get("inboundChannels").asInt());
        assertEquals(5, json.get("knownPeers").asInt());
        assertEquals(120, json.get("packetsIn").asLong());
        assertEquals(3, json.get("rejections").get("MALFORMED_FRAME").asLong());
    }

    @Test
    void jsonHasNullListeningWhenNotListening() throws Exception {
        network.status = new NodeStatus(network.identity, null, false, null, 0, 0, 0, 0, 0, Map.of(), 0);

        JsonNode json = runJson(wired(new StatusCommand()));

        assertTrue(json.get("listening").isNull());
        assertTrue(json.get("transport").isNull());
        assertFalse(json.get("rejections").fields().hasNext());
    }

    private NodeStatus busyNode() {
        return new NodeStatus(network.identity, new PeerAddress("0.0.0.0", 7700), true, "tcp", 2, 1, 5, 120, 99,
                Map.of(DisconnectReason.MALFORMED_FRAME, 3L, DisconnectReason.NETWORK_MISMATCH, 1L), 2);
    }
}
