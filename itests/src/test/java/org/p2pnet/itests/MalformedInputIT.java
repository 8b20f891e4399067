package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;

/**
 * Bad input against the running node: each malformed peer gets a DISCONNECT naming the
 * specific reason, the node counts it (p2p:status shows it), and a healthy channel on the
 * same node keeps exchanging messages throughout.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MalformedInputIT extends P2pnetTestSupport {

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }

    @Inject
    PeerNetwork network;

    private int port;
    private int healthySent;

    @Before
    public void listening() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        port = network.status().listening().port();
    }

    @Test
    public void everyMalformedPeerIsRejectedWithItsReasonCountedAndAHealthyChannelKeepsWorking() throws Exception {
        try (WirePeer healthy = new WirePeer()) {
            healthy.handshake(port, "itest");
            PeerId healthyId = PeerId.parse(healthy.peerId());
            waitFor("healthy channel registered", Duration.ofSeconds(10), () -> network.channel(healthyId).isPresent());
            healthyExchange(healthy, healthyId);

            expectRejected(DisconnectReason.MALFORMED_PACKET, healthy, healthyId, bad -> {
                bad.handshake(port, "itest");
                bad.sendRaw("MESSAGE", "{\"id\":\"x\",\"text\":".getBytes(StandardCharsets.UTF_8), new byte[0]);
            });
            expectRejected(DisconnectReason.MALFORMED_PACKET, healthy, healthyId, bad -> {
                bad.handshake(port, "itest");
                bad.sendRaw("MESSAGE", "{\"id\":\"x\",\"text\":\"t\",\"sentAt\":\"soon\"}".getBytes(StandardCharsets.UTF_8),
                    new byte[0]);
            });
            expectRejected(DisconnectReason.MALFORMED_PACKET, healthy, healthyId, bad -> {
                bad.handshake(port, "itest");
                bad.sendRaw("MESSAGE", new byte[] {'{', '"', 'i', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, new byte[0]);
            });
            expectRejected(DisconnectReason.FRAME_TOO_LARGE, healthy, healthyId, bad -> {
                bad.handshake(port, "itest");
                bad.sendBytes(new byte[] {(byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            });
            expectRejected(DisconnectReason.MALFORMED_FRAME, healthy, healthyId, bad -> {
                bad.handshake(port, "itest");
                bad.sendBytes(new byte[] {0, 0, 0, 0});
            });
            expectRejected(DisconnectReason.PROTOCOL_VIOLATION, healthy, healthyId, bad -> {
                bad.connect(port);
                bad.sendMessage("early", "before identity");
            });
            expectRejected(DisconnectReason.PROTOCOL_VIOLATION, healthy, healthyId, bad -> {
                bad.handshake(port, "itest");
                bad.sendIdentity("itest", bad.peerId());
            });
            expectRejected(DisconnectReason.NETWORK_MISMATCH, healthy, healthyId, bad -> bad.handshake(port, "another-network"));
            expectRejected(DisconnectReason.INVALID_IDENTITY, healthy, healthyId, bad -> {
                bad.connect(port);
                bad.sendIdentity("itest", new WirePeer().peerId()); // an id that is not derived from this key
            });
            expectRejected(DisconnectReason.MALFORMED_PACKET, healthy, healthyId, bad -> {
                bad.connect(port);
                bad.sendRaw("bad type!", new byte[0], new byte[0]);
            });

            String status = shell("p2p:status");
            for (DisconnectReason r : new DisconnectReason[] {DisconnectReason.MALFORMED_PACKET, DisconnectReason.FRAME_TOO_LARGE,
                DisconnectReason.MALFORMED_FRAME, DisconnectReason.PROTOCOL_VIOLATION, DisconnectReason.NETWORK_MISMATCH,
                DisconnectReason.INVALID_IDENTITY}) {
                assertTrue("p2p:status shows " + r + ":\n" + status, status.contains(r.name()));
            }
            assertTrue("the healthy channel survived everything", network.channel(healthyId).isPresent());
        }
    }

    interface BadPeer {
        void misbehave(WirePeer bad) throws Exception;
    }

    private void expectRejected(DisconnectReason reason, WirePeer healthy, PeerId healthyId, BadPeer script) throws Exception {
        long before = count(reason);
        try (WirePeer bad = new WirePeer()) {
            script.misbehave(bad);
            WirePeer.Frame disconnect = bad.readUntilDisconnect();
            assertNotNull(reason + ": the node closed without a DISCONNECT", disconnect);
            assertEquals("DISCONNECT reason", reason.name(), disconnect.metadata().path("reason").asText());
            assertTrue("DISCONNECT says why: " + disconnect.metadata(),
                !disconnect.metadata().path("message").asText().isEmpty());
        }
        waitFor(reason + " counted", Duration.ofSeconds(10), () -> count(reason) == before + 1);
        healthyExchange(healthy, healthyId);
    }

    private long count(DisconnectReason reason) {
        Map<DisconnectReason, Long> r = network.status().rejections();
        return r.getOrDefault(reason, 0L);
    }

    /** The healthy peer sends a message; it must arrive. */
    private void healthyExchange(WirePeer healthy, PeerId healthyId) throws Exception {
        String id = "healthy-" + (++healthySent);
        healthy.sendMessage(id, "still here");
        waitFor("healthy message " + id + " delivered", Duration.ofSeconds(10), () -> messageReceived(healthyId, id));
    }
}
