package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.genesis.GenesisMode;

class GenesisKeyCommandTest extends CommandTestSupport {
    private final FakeGenesisServer genesis = new FakeGenesisServer();

    @Test
    void printsTheKeyIdThePublicKeyAndHowClientsPinIt() throws Exception {
        String text = run(command());

        assertEquals(FakeGenesisServer.KEY_ID, valueOf(text, "Authority key id"));
        assertTrue(valueOf(text, "Authority key id").matches("[0-9a-f]{64}"));
        assertEquals(FakeGenesisServer.PUBLIC_KEY, valueOf(text, "Public key"));
        assertEquals("authority (answers signed)", valueOf(text, "Mode"));
        List<String> lines = text.lines().toList();
        int pin = lines.indexOf("Clients pin this key in etc/org.p2pnet.discovery.genesis.cfg with:");
        assertTrue(pin > 0, text);
        assertEquals("  authorityKeys = " + FakeGenesisServer.KEY_ID, lines.get(pin + 1));
        assertFalse(text.contains("etc/org.p2pnet.genesis.cfg"), text);
    }

    @Test
    void saysWhenAnswersAreNotSignedAndHowToSignThem() throws Exception {
        genesis.mode = GenesisMode.TRUSTLESS;

        String text = run(command());

        assertEquals("trustless (answers not signed)", valueOf(text, "Mode"));
        assertTrue(text.contains("trustless mode: its answers are not signed"), text);
        assertTrue(text.contains("set mode = authority in etc/org.p2pnet.genesis.cfg"), text);
        assertTrue(text.lines().toList().contains("  authorityKeys = " + FakeGenesisServer.KEY_ID), text);
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(command());

        assertEquals(List.of("keyId", "publicKey", "mode"), fieldNames(json));
        assertEquals(FakeGenesisServer.KEY_ID, json.get("keyId").asText());
        assertEquals(FakeGenesisServer.PUBLIC_KEY, json.get("publicKey").asText());
        assertEquals("authority", json.get("mode").asText());
    }

    @Test
    void jsonModeOfATrustlessNode() throws Exception {
        genesis.mode = GenesisMode.TRUSTLESS;

        assertEquals("trustless", runJson(command()).get("mode").asText());
    }

    @Test
    void explainsWhenTheGenesisBundleIsNotRunning() {
        GenesisKeyCommand command = command();
        command.genesis = null;

        assertEquals(GenesisPeersCommand.NO_GENESIS_SERVER, userErrorOf(command));
    }

    private GenesisKeyCommand command() {
        GenesisKeyCommand command = wired(new GenesisKeyCommand());
        command.genesis = genesis;
        return command;
    }
}
