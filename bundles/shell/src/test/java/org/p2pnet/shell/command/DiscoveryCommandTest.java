package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class DiscoveryCommandTest extends CommandTestSupport {
    private final FakeLanDiscovery discovery = new FakeLanDiscovery();

    @Test
    void showsStatePortsGroupsIntervalCountersAndInterfaces() throws Exception {
        String text = run(command());

        assertEquals("running", valueOf(text, "State"));
        assertEquals("8001, 8002, 8003", valueOf(text, "Ports"));
        assertEquals("8002", valueOf(text, "Broadcaster port"));
        assertEquals("239.255.77.77:8001, 239.255.77.77:8002", valueOf(text, "Groups"));
        assertEquals("1234 ms", valueOf(text, "Interval"));
        assertEquals("10 sent, 25 received, 7 offered to the core", valueOf(text, "Datagrams"));
        assertEquals("BAD_SIGNATURE 3, OWN 10", valueOf(text, "Drops"));
        assertTrue(text.contains("eth0"), text);
        assertTrue(text.contains("192.0.2.255"), text);
        assertTrue(text.contains("127.255.255.255"), text);
    }

    @Test
    void saysWhenStopped() throws Exception {
        discovery.running = false;

        String text = run(command());

        assertEquals("stopped (p2p:discovery-start starts it)", valueOf(text, "State"));
        assertEquals("-", valueOf(text, "Broadcaster port"));
        assertEquals("none", valueOf(text, "Groups"));
        assertEquals("OWN 4", valueOf(text, "Drops"));
        assertFalse(text.contains("Interface"), text);
    }

    @Test
    void printsJsonWithStableFieldNames() throws Exception {
        JsonNode json = runJson(command());

        assertEquals(List.of("running", "interfaces", "ports", "broadcasterPort", "groups", "intervalMs", "sent",
                "received", "offered", "drops"), fieldNames(json));
        assertTrue(json.get("running").asBoolean());
        assertEquals(8002, json.get("broadcasterPort").asInt());
        assertEquals(1234, json.get("intervalMs").asLong());
        assertEquals("eth0", json.get("interfaces").get(0).get("name").asText());
        assertTrue(json.get("interfaces").get(0).get("primary").asBoolean());
        assertEquals(3, json.get("drops").get("BAD_SIGNATURE").asLong());
        assertEquals(0, json.get("drops").get("STALE").asLong());
    }

    @Test
    void jsonHasNullBroadcasterPortWhenStopped() throws Exception {
        discovery.running = false;

        JsonNode json = runJson(command());

        assertFalse(json.get("running").asBoolean());
        assertTrue(json.get("broadcasterPort").isNull());
    }

    @Test
    void explainsWhenTheDiscoveryBundleIsNotRunning() {
        DiscoveryCommand command = command();
        command.discovery = null;

        assertEquals(DiscoveryCommand.NO_DISCOVERY, userErrorOf(command));
        DiscoveryStartCommand start = wired(new DiscoveryStartCommand());
        assertEquals(DiscoveryCommand.NO_DISCOVERY, userErrorOf(start));
        DiscoveryStopCommand stop = wired(new DiscoveryStopCommand());
        assertEquals(DiscoveryCommand.NO_DISCOVERY, userErrorOf(stop));
    }

    @Test
    void startStartsAStoppedService() throws Exception {
        discovery.running = false;
        DiscoveryStartCommand start = wired(new DiscoveryStartCommand());
        start.discovery = discovery;

        assertEquals("LAN discovery started", run(start).trim());
        assertEquals(1, discovery.starts);
        assertTrue(discovery.running);
    }

    @Test
    void startSaysWhenAlreadyRunning() throws Exception {
        DiscoveryStartCommand start = wired(new DiscoveryStartCommand());
        start.discovery = discovery;

        assertEquals("LAN discovery was already running", run(start).trim());
    }

    @Test
    void startReportsWhyItCannot() {
        discovery.running = false;
        discovery.cannotStart = "no usable network interface";
        DiscoveryStartCommand start = wired(new DiscoveryStartCommand());
        start.discovery = discovery;

        assertEquals("LAN discovery cannot start: no usable network interface", userErrorOf(start));
    }

    @Test
    void stopStopsAndSaysChannelsAreKept() throws Exception {
        DiscoveryStopCommand stop = wired(new DiscoveryStopCommand());
        stop.discovery = discovery;

        assertEquals("LAN discovery stopped; open channels are kept", run(stop).trim());
        assertEquals(1, discovery.stops);
        assertFalse(discovery.running);
    }

    @Test
    void stopSaysWhenNotRunning() throws Exception {
        discovery.running = false;
        DiscoveryStopCommand stop = wired(new DiscoveryStopCommand());
        stop.discovery = discovery;

        assertEquals("LAN discovery was not running", run(stop).trim());
    }

    @Test
    void theThreeCommandsAreServicesInScopeP2pWithHelpText() {
        for (Class<? extends P2pCommand> type : List.of(DiscoveryCommand.class, DiscoveryStartCommand.class,
                DiscoveryStopCommand.class)) {
            CommandAnnotationsTest annotations = new CommandAnnotationsTest();
            annotations.isAServiceInScopeP2pWithHelpText(type);
            annotations.describesEveryArgumentAndOption(type);
        }
    }

    private DiscoveryCommand command() {
        DiscoveryCommand command = wired(new DiscoveryCommand());
        command.discovery = discovery;
        return command;
    }
}
