package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class IdentityCommandTest extends CommandTestSupport {

    @Test
    void showsWhatPeersSeeOfThisNode() throws Exception {
        String text = run(wired(new IdentityCommand()));

        assertEquals(Peers.ALICE.value(), valueOf(text, "Peer id"));
        assertEquals("Ed25519", valueOf(text, "Key algorithm"));
        assertEquals("AQIDBA==", valueOf(text, "Public key"));
        assertEquals("p2pnet", valueOf(text, "Network"));
        assertEquals("7700", valueOf(text, "Listen port"));
        assertEquals("1", valueOf(text, "Protocol version"));
        assertEquals("p2pnet/0.1.0", valueOf(text, "Agent"));
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(wired(new IdentityCommand()));

        assertEquals(List.of("peerId", "keyAlgorithm", "publicKey", "networkName", "listenPort", "protocolVersion",
                "agent"), fieldNames(json));
        assertEquals(Peers.ALICE.value(), json.get("peerId").asText());
        assertEquals("AQIDBA==", json.get("publicKey").asText());
        assertEquals(7700, json.get("listenPort").asInt());
        assertEquals(1, json.get("protocolVersion").asInt());
    }
}
