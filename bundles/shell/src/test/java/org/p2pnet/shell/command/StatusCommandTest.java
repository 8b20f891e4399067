package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.api.data.TransferInfo;

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
    void summarisesHandlersDiscoveryGenesisAndTransfersOnTheSameScreen() throws Exception {
        network.handlers.add(new HandlerInfo("MESSAGE", "org.p2pnet.handler.message", 42, 0, 1, 17, 0, 0, 0));
        network.handlers.add(new HandlerInfo("DATA", "", -1, 0, 0, 0, 3, 1, 0));
        StatusCommand command = wired(new StatusCommand());
        command.discovery = new FakeLanDiscovery();
        command.genesis = new FakeGenesisClient();
        FakeDataTransfers data = new FakeDataTransfers();
        data.listed.add(FakeDataTransfers.info("t1", Peers.BOB, 10, TransferInfo.State.RUNNING, 5, ""));
        data.listed.add(FakeDataTransfers.info("t2", Peers.BOB, 10, TransferInfo.State.DONE, 0, ""));
        data.listed.add(FakeDataTransfers.info("t3", Peers.BOB, 10, TransferInfo.State.FAILED, 0, ""));
        command.transfers = data;

        String text = run(command);

        assertEquals("2 packet types, 17 delivered, 3 buffered (no handler), 1 dropped, 0 failed (p2p:handlers)",
                valueOf(text, "Handlers"));
        assertEquals("running, 10 sent, 25 received, 7 peers offered, 13 dropped", valueOf(text, "LAN discovery"));
        assertTrue(valueOf(text, "Genesis").startsWith("2 URL(s), authority, running, last success "),
                valueOf(text, "Genesis"));
        assertTrue(valueOf(text, "Genesis").endsWith("17 peers offered, 2 answers refused"), valueOf(text, "Genesis"));
        assertEquals("1 running, 0 queued, 0 interrupted, 1 done, 1 failed or cancelled (recent)",
                valueOf(text, "Transfers"));

        StatusCommandTest fresh = new StatusCommandTest();
        fresh.network.handlers.addAll(network.handlers);
        JsonNode json = fresh.runJson(fresh.wired(command));
        assertEquals(13, json.get("lanDiscovery").get("dropped").asLong());
        assertEquals("AUTHORITY", json.get("genesis").get("mode").asText());
        assertEquals(17, json.get("genesis").get("peersOffered").asLong());
        assertEquals(1, json.get("transfers").get("running").asInt());
        assertEquals(3, json.get("handlers").get("buffered").asLong());
    }

    @Test
    void saysNotInstalledForTheOptionalParts() throws Exception {
        String text = run(wired(new StatusCommand()));

        assertEquals("not installed", valueOf(text, "LAN discovery"));
        assertEquals("not installed", valueOf(text, "Genesis"));
        assertEquals("not installed", valueOf(text, "Transfers"));
        assertEquals("0 packet types, 0 delivered, 0 buffered (no handler), 0 dropped, 0 failed (p2p:handlers)",
                valueOf(text, "Handlers"));
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
        network.trustSummary = trustedSummary(0);

        JsonNode json = runJson(wired(new StatusCommand()));

        assertEquals(List.of("peerId", "networkName", "listening", "listenProblem", "transport", "acceptInbound", "inboundChannels",
                "outboundChannels", "knownPeers", "packetsIn", "packetsOut", "rejections", "rejectedConfigurations", "trust",
                "handlers", "lanDiscovery", "genesis", "transfers"),
                fieldNames(json));
        assertEquals(List.of("packetTypes", "delivered", "buffered", "dropped", "failed"),
                fieldNames(json.get("handlers")));
        assertTrue(json.get("lanDiscovery").isNull(), "not installed: null");
        assertTrue(json.get("genesis").isNull());
        assertTrue(json.get("transfers").isNull());
        assertEquals(List.of("policy", "protocol", "failClosed", "droppedUntrusted", "closedUntrusted",
                "inboundQueued"), fieldNames(json.get("trust")));
        assertFalse(json.get("trust").get("failClosed").asBoolean());
        assertEquals(7, json.get("trust").get("droppedUntrusted").asLong());
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
    void saysWhyTheNodeIsNotListeningAndWhenItTriesAgain() throws Exception {
        String problem = "cannot listen on 0.0.0.0:7700: Address already in use; next attempt at 2026-11-21T23:50:01Z";
        network.status = new NodeStatus(network.identity, null, true, "tcp", 0, 0, 0, 0, 0, Map.of(), 0, problem);

        String text = run(wired(new StatusCommand()));
        printed.reset();
        JsonNode json = runJson(wired(new StatusCommand()));

        assertEquals("not listening: " + problem, valueOf(text, "Listening"));
        assertTrue(json.get("listening").isNull());
        assertEquals(problem, json.get("listenProblem").asText());
    }

    @Test
    void saysWhereTheNodeStillListensAfterAFailedMoveAndWhy() throws Exception {
        String problem = "cannot move the listener from 0.0.0.0:7700 to 0.0.0.0:7900: Address already in use;"
            + " still listening on 0.0.0.0:7700; next attempt at 2026-11-22T02:10:01Z";
        network.status = new NodeStatus(network.identity, new PeerAddress("0.0.0.0", 7700), true, "tcp", 0, 0, 0, 0, 0,
            Map.of(), 0, problem);

        String text = run(wired(new StatusCommand()));
        printed.reset();
        JsonNode json = runJson(wired(new StatusCommand()));

        assertEquals("0.0.0.0:7700 (" + problem + ")", valueOf(text, "Listening"));
        assertEquals("0.0.0.0:7700", json.get("listening").asText());
        assertEquals(problem, json.get("listenProblem").asText());
    }

    @Test
    void jsonHasNullListeningWhenNotListening() throws Exception {
        network.status = new NodeStatus(network.identity, null, false, null, 0, 0, 0, 0, 0, Map.of(), 0);

        JsonNode json = runJson(wired(new StatusCommand()));

        assertTrue(json.get("listening").isNull());
        assertTrue(json.get("listenProblem").isNull());
        assertTrue(json.get("transport").isNull());
        assertFalse(json.get("rejections").fields().hasNext());
    }

    @Test
    void namesThePolicyInForceAndCountsUntrustedTraffic() throws Exception {
        network.trustSummary = trustedSummary(0);

        String text = run(wired(new StatusCommand()));

        assertEquals("policy org.p2pnet.trust.internal.DefaultIncomingPeerPolicy (org.p2pnet.trust 0.1.0), protocol "
                + "org.p2pnet.trust.internal.ChallengeResponse (org.p2pnet.trust 0.1.0)", valueOf(text, "Trust"));
        assertEquals("7 packets dropped, 1 channels closed", valueOf(text, "Untrusted"));
        assertFalse(text.contains("Inbound queue"), text);
        assertFalse(text.contains("fail closed") || text.contains("failing closed"), text);
    }

    @Test
    void showsTheInboundQueueOnlyWhenSomeoneWaits() throws Exception {
        network.trustSummary = trustedSummary(3);

        String text = run(wired(new StatusCommand()));

        assertEquals("3 waiting (p2p:inbound)", valueOf(text, "Inbound queue"));
        assertEquals(3, runJsonAgain().get("trust").get("inboundQueued").asInt());
    }

    @Test
    void saysTheCoreFailsClosedWithoutTrustBundleAndHowInboundPeersFare() throws Exception {
        network.trustSummary = new TrustSummary(Optional.empty(), Optional.empty(), true, 0, 0, 0, false);
        StatusCommand refusing = wired(new StatusCommand());

        assertEquals("none installed \u2014 failing closed (DEFAULT at most, inbound refused)",
                valueOf(run(refusing), "Trust"));

        network.trustSummary = new TrustSummary(Optional.empty(), Optional.empty(), true, 0, 0, 0, true);
        StatusCommand queueing = new StatusCommand();
        assertTrue(lastRun(queueing).contains("failing closed (DEFAULT at most, inbound queued)"));
    }

    @Test
    void peersWaitingShowInboundIsQueuedWhateverTheConfigurationSays() throws Exception {
        network.trustSummary = new TrustSummary(Optional.empty(), Optional.empty(), true, 0, 0, 2, true);
        StatusCommand command = wired(new StatusCommand());

        assertEquals("none installed \u2014 failing closed (DEFAULT at most, inbound queued)",
                valueOf(run(command), "Trust"));
    }

    @Test
    void jsonSaysFailClosedWithNullPolicy() throws Exception {
        network.trustSummary = new TrustSummary(Optional.empty(), Optional.empty(), true, 4, 0, 0, false);

        JsonNode trust = runJson(wired(new StatusCommand())).get("trust");

        assertTrue(trust.get("failClosed").asBoolean());
        assertTrue(trust.get("policy").isNull());
        assertTrue(trust.get("protocol").isNull());
        assertEquals(4, trust.get("droppedUntrusted").asLong());
    }

    /** Runs a fresh status command on a fresh output and returns its text. */
    private String lastRun(StatusCommand command) throws Exception {
        StatusCommandTest fresh = new StatusCommandTest();
        fresh.network.trustSummary = network.trustSummary;
        return fresh.run(fresh.wired(command));
    }

    private JsonNode runJsonAgain() throws Exception {
        StatusCommandTest fresh = new StatusCommandTest();
        fresh.network.trustSummary = network.trustSummary;
        return fresh.runJson(fresh.wired(new StatusCommand()));
    }

    private static TrustSummary trustedSummary(int queued) {
        return new TrustSummary(FakePeerNetwork.TRUSTED_NODE.policy(), FakePeerNetwork.TRUSTED_NODE.protocol(), false,
                7, 1, queued, false);
    }

    private NodeStatus busyNode() {
        return new NodeStatus(network.identity, new PeerAddress("0.0.0.0", 7700), true, "tcp", 2, 1, 5, 120, 99,
                Map.of(DisconnectReason.MALFORMED_FRAME, 3L, DisconnectReason.NETWORK_MISMATCH, 1L), 2);
    }
}
