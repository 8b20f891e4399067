package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.IncomingPeerPolicy;

/**
 * Trust in a running node, driven over the wire by {@link WirePeer}s (plaintext, no trust
 * protocol: every wire peer stays at the level the policy gives it, DEFAULT by default):
 * what an untrusted peer may send, the inbound queue, the core failing closed without the trust
 * bundle, and a policy replaced at runtime.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TrustIT extends P2pnetTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Inject
    PeerNetwork network;

    @Inject
    org.osgi.service.cm.ConfigurationAdmin configAdmin;

    private int port;
    private int sent;

    /** Plaintext (WirePeer), base level DEFAULT, no trust protocol (a WirePeer would not answer it). */
    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut(
                "etc/org.p2pnet.channel.tcp.cfg", "tls", "false"),
            org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut(
                "etc/org.p2pnet.trust.cfg", "runDefaultTrustProtocol", "false"),
            org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut(
                "etc/org.p2pnet.handler.keepalive.cfg", "idleSeconds", "3600"),
        };
    }

    @Before
    public void listening() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        port = network.status().listening().port();
    }

    @Test
    public void anUntrustedPeersDataIsDroppedWhileItsMessagesFlowUntilItIsTrusted() throws Exception {
        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
            PeerId id = PeerId.parse(peer.peerId());
            PeerChannel channel = awaitChannel(id);
            assertEquals("an unknown peer starts at DEFAULT", TrustLevel.DEFAULT, channel.trustLevel());
            long nodeDropsBefore = network.trustSummary().droppedUntrusted();

            sendData(peer, "untrusted");
            peer.send("PEER_GROUP", java.util.Map.of("peers", List.of(), "want", 4));
            String message = sendMessage(peer, "plain talk is allowed");
            waitFor("the MESSAGE is delivered", WAIT, () -> messageReceived(id, message));
            waitFor("DATA and PEER_GROUP dropped and counted on the channel", WAIT,
                () -> network.channel(id).map(PeerChannel::untrustedDrops).orElse(-1L) == 2);
            assertTrue("and counted by the node",
                network.trustSummary().droppedUntrusted() >= nodeDropsBefore + 2);
            assertTrue("p2p:channels shows the drops and the level:\n" + shell("p2p:channels"),
                shell("p2p:channels").contains("DEFAULT"));

            String out = shell("p2p:trust " + id.value().substring(0, 16) + " --session");
            waitFor("p2p:trust raised the channel to ENHANCED (" + out + ")", WAIT,
                () -> network.channel(id).map(PeerChannel::trustLevel).orElse(null) == TrustLevel.ENHANCED);
            sendData(peer, "trusted");
            String after = sendMessage(peer, "still talking");
            waitFor("a later MESSAGE is delivered", WAIT, () -> messageReceived(id, after));
            assertEquals("DATA from a trusted peer is not dropped", 2,
                network.channel(id).map(PeerChannel::untrustedDrops).orElse(-1L).longValue());
        }
    }

    @Test
    public void aPeerThatKeepsSendingAboveItsLevelIsDisconnected() throws Exception {
        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
            PeerId id = PeerId.parse(peer.peerId());
            awaitChannel(id);
            long closedBefore = network.trustSummary().closedUntrusted();
            // the default maxUntrustedPackets is 100: the node ends the channel before this loop does
            for (int i = 0; i < 150; i++) {
                try {
                    sendData(peer, "flood-" + i);
                } catch (java.io.IOException closed) {
                    break;
                }
            }
            WirePeer.Frame bye = peer.readUntilDisconnect();
            assertNotNull("the node sent a DISCONNECT", bye);
            assertEquals("NOT_TRUSTED", bye.metadata().path("reason").asText());
            waitFor("counted as closed for untrusted packets", WAIT,
                () -> network.trustSummary().closedUntrusted() == closedBefore + 1);
        }
    }

    @Test
    public void aBlockedIdCannotComeBackFromAnotherAddress() throws Exception {
        WirePeer peer = new WirePeer();
        PeerId id = PeerId.parse(peer.peerId());
        try (peer) {
            peer.handshake(port, "itest");
            awaitChannel(id);
            shell("p2p:block --note moved " + id.value());
            waitFor("the blocked peer's channel ended", WAIT, () -> network.channel(id).isEmpty());
            try (WirePeer moved = new WirePeer(peer.key())) {
                // the same key (so the same id) from 127.0.0.2: the address is not blocked, the id is
                moved.connectFrom("127.0.0.2", port);
                moved.sendIdentity("itest", moved.peerId());
                WirePeer.Frame bye = moved.readUntilDisconnect();
                assertNotNull("refused with a DISCONNECT", bye);
                assertEquals("BLOCKED", bye.metadata().path("reason").asText());
                assertFalse("no channel from the new address", network.channel(id).isPresent());
            }
        } finally {
            shell("p2p:unblock " + id.value());
        }
    }

    @Test
    public void queueModeHoldsAPeerUntilAcceptedRejectsOnRequestAndDropsItOnTimeout() throws Exception {
        String set = shell("p2p:policy inboundMode queue");
        try {
            waitFor("inboundMode is queue (" + set + ")", WAIT, () -> shell("p2p:policy inboundMode").contains("queue"));
            try (WirePeer held = new WirePeer()) {
                // a queued peer has the node's IDENTITY, but is not registered and nothing it sends is delivered
                held.handshake(port, "itest");
                PeerId id = PeerId.parse(held.peerId());
                InboundRequest request = awaitQueued(id);
                assertFalse("not an open channel while queued", network.channel(id).isPresent());
                assertTrue("p2p:inbound lists it", shell("p2p:inbound").contains(request.requestId()));
                String early = sendMessage(held, "said while queued");

                String accepted = shell("p2p:inbound-accept " + request.requestId());
                awaitChannel(id);
                waitFor("the message sent while queued is delivered after acceptance (" + accepted + ")", WAIT,
                    () -> messageReceived(id, early));
                assertTrue("the queue is empty again", network.inboundQueue().isEmpty());
            }
            try (WirePeer rejected = new WirePeer()) {
                rejected.handshake(port, "itest");
                InboundRequest request = awaitQueued(PeerId.parse(rejected.peerId()));
                shell("p2p:inbound-reject " + request.requestId() + " not-today");
                WirePeer.Frame bye = rejected.readUntilDisconnect();
                assertNotNull(bye);
                assertEquals("NOT_TRUSTED", bye.metadata().path("reason").asText());
                assertTrue("with the operator's message: " + bye.metadata(),
                    bye.metadata().path("message").asText().contains("not-today"));
            }
            coreSetting("inboundQueueTimeoutSeconds", "2");
            // the core applies a configuration asynchronously, and a peer queued before it did keeps
            // the old timeout: try again with a new peer until one is dropped within the read timeout
            waitFor("a queued peer dropped after the 2 s queue timeout", Duration.ofSeconds(60), () -> {
                try (WirePeer forgotten = new WirePeer()) {
                    forgotten.handshake(port, "itest");
                    PeerId id = PeerId.parse(forgotten.peerId());
                    awaitQueued(id);
                    WirePeer.Frame bye;
                    try {
                        bye = forgotten.readUntilDisconnect(); // at most the WirePeer's 10 s read timeout
                    } catch (java.net.SocketTimeoutException queuedWithTheOldTimeout) {
                        return false;
                    }
                    assertNotNull("dropped on timeout with a DISCONNECT", bye);
                    assertEquals("NOT_TRUSTED", bye.metadata().path("reason").asText());
                    waitFor("gone from the queue", WAIT,
                        () -> network.inboundQueue().stream().noneMatch(r -> r.peerId().equals(id)));
                    assertFalse("never became a channel", network.channel(id).isPresent());
                    return true;
                }
            });
        } finally {
            shell("p2p:policy inboundMode event");
            coreSetting("inboundQueueTimeoutSeconds", "120");
            waitFor("inboundMode back to event", WAIT, () -> shell("p2p:policy inboundMode").contains("event"));
        }
    }

    @Test
    public void withoutTheTrustBundleTheCoreFailsClosedAndItsReturnOrUpdateKeepsChannels() throws Exception {
        Bundle trust = bundle("org.p2pnet.trust");
        try (WirePeer old = new WirePeer()) {
            old.handshake(port, "itest");
            PeerId oldId = PeerId.parse(old.peerId());
            awaitChannel(oldId);
            network.setTrustLevel(oldId, TrustLevel.ENHANCED, "test");

            trust.stop();
            try {
                waitFor("the core fails closed", WAIT, () -> network.trustSummary().failClosed());
                assertTrue("p2p:status says so", shell("p2p:status").contains("fail"));
                // the open channel stays, capped at DEFAULT: its MESSAGE flows, its DATA is dropped
                long dropsBefore = network.channel(oldId).orElseThrow().untrustedDrops();
                sendData(old, "capped");
                String m = sendMessage(old, "still here without a policy");
                waitFor("MESSAGE delivered while failing closed", WAIT, () -> messageReceived(oldId, m));
                waitFor("DATA dropped while failing closed", WAIT,
                    () -> network.channel(oldId).orElseThrow().untrustedDrops() == dropsBefore + 1);
                // a new inbound peer is refused (inboundWithoutPolicy = refuse)
                try (WirePeer refused = new WirePeer()) {
                    refused.connect(port);
                    try {
                        refused.sendIdentity("itest", refused.peerId());
                    } catch (java.io.IOException refusedBeforeIdentity) {
                        // refused at accept time: the DISCONNECT is already waiting to be read
                    }
                    WirePeer.Frame bye = refused.readUntilDisconnect();
                    assertNotNull(bye);
                    assertEquals("NOT_TRUSTED", bye.metadata().path("reason").asText());
                }
                assertEquals("ENHANCED cannot be granted without a policy", "refused", trySetEnhanced(oldId));
            } finally {
                trust.start();
            }
            waitFor("the policy is back", WAIT, () -> !network.trustSummary().failClosed());
            assertTrue("the old channel survived", network.channel(oldId).isPresent());

            // an update of the trust bundle in place keeps the channel too
            trust.update();
            waitFor("the policy is back after the update", WAIT, () -> trust.getState() == Bundle.ACTIVE
                && !network.trustSummary().failClosed());
            assertTrue("the old channel survived the update", network.channel(oldId).isPresent());
            String m = sendMessage(old, "after the update");
            waitFor("its MESSAGE still flows", WAIT, () -> messageReceived(oldId, m));

            try (WirePeer fresh = new WirePeer()) {
                fresh.handshake(port, "itest");
                awaitChannel(PeerId.parse(fresh.peerId()));
            }
        }
    }

    @Test
    public void aHigherRankedPolicyAppliesToNewChannelsAndLeavesOpenOnesAlone() throws Exception {
        try (WirePeer old = new WirePeer()) {
            old.handshake(port, "itest");
            PeerId oldId = PeerId.parse(old.peerId());
            awaitChannel(oldId);

            Dictionary<String, Object> props = new Hashtable<>();
            props.put(Constants.SERVICE_RANKING, 100);
            ServiceRegistration<IncomingPeerPolicy> strict = bundleContext.registerService(IncomingPeerPolicy.class,
                new NothingButIdentityPolicy(), props);
            try {
                waitFor("the strict policy is in force", WAIT,
                    () -> network.trustSummary().policy().orElse("").contains("NothingButIdentityPolicy"));
                try (WirePeer fresh = new WirePeer()) {
                    fresh.handshake(port, "itest");
                    PeerId freshId = PeerId.parse(fresh.peerId());
                    awaitChannel(freshId);
                    assertEquals(TrustLevel.NONE, network.channel(freshId).orElseThrow().trustLevel());
                    String dropped = sendMessage(fresh, "not even a message");
                    waitFor("a NONE channel's MESSAGE is dropped", WAIT,
                        () -> network.channel(freshId).orElseThrow().untrustedDrops() == 1);
                    assertFalse(messageReceived(freshId, dropped));
                }
                String m = sendMessage(old, "the old channel keeps its level");
                waitFor("the old channel's MESSAGE flows", WAIT, () -> messageReceived(oldId, m));
                assertEquals(TrustLevel.DEFAULT, network.channel(oldId).orElseThrow().trustLevel());
            } finally {
                strict.unregister();
            }
        }
    }

    /** Lets every peer in, at level NONE (its class name is what the test looks for in the trust summary). */
    static final class NothingButIdentityPolicy extends FixedLevelPolicy {
        NothingButIdentityPolicy() {
            super(TrustLevel.NONE);
        }
    }

    // ---------------------------------------------------------------- helpers

    private String trySetEnhanced(PeerId id) {
        try {
            network.setTrustLevel(id, TrustLevel.ENHANCED, "test");
            return "allowed";
        } catch (IllegalStateException e) {
            return "refused";
        }
    }

    /** Sets one key of the core's configuration through Config Admin, keeping the others. */
    private void coreSetting(String key, String value) throws java.io.IOException {
        org.osgi.service.cm.Configuration config = configAdmin.getConfiguration("org.p2pnet.core", null);
        Dictionary<String, Object> props = config.getProperties();
        if (props == null) {
            props = new Hashtable<>();
        }
        props.put(key, value);
        config.update(props);
    }

    private PeerChannel awaitChannel(PeerId id) throws Exception {
        waitFor("channel with " + id.shortForm(), WAIT, () -> network.channel(id).isPresent());
        return network.channel(id).orElseThrow();
    }

    private InboundRequest awaitQueued(PeerId id) throws Exception {
        waitFor(id.shortForm() + " in the inbound queue", WAIT,
            () -> network.inboundQueue().stream().anyMatch(r -> r.peerId().equals(id)));
        return network.inboundQueue().stream().filter(r -> r.peerId().equals(id)).findFirst().orElseThrow();
    }

    private static void sendData(WirePeer peer, String transferId) throws java.io.IOException {
        byte[] body = "abc".getBytes(StandardCharsets.UTF_8);
        String meta = "{\"transferId\":\"" + transferId + "\",\"format\":\"MISC\",\"name\":\"x\",\"offset\":0,"
            + "\"totalSize\":3,\"sha256\":\"\",\"last\":true}";
        peer.sendRaw("DATA", meta.getBytes(StandardCharsets.UTF_8), body);
    }

    private String sendMessage(WirePeer peer, String text) throws java.io.IOException {
        String id = "trust-it-" + (++sent);
        peer.sendMessage(id, text);
        return id;
    }
}
