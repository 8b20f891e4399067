package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;

/**
 * Two peers dialling each other at the same moment, over real sockets: the node ends with
 * exactly one channel, the one dialled by the peer with the smaller id (PROTOCOL.md §Channel
 * life 4), and closes the other with DUPLICATE_CHANNEL.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DuplicateChannelIT extends P2pnetTestSupport {

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }

    @Inject
    PeerNetwork network;

    @Test
    public void whenThePeerHasTheSmallerIdItsDialSurvives() throws Exception {
        simultaneousDial(true);
    }

    @Test
    public void whenTheNodeHasTheSmallerIdTheNodesDialSurvives() throws Exception {
        simultaneousDial(false);
    }

    private void simultaneousDial(boolean peerSmaller) throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        int nodePort = network.status().listening().port();
        String nodeId = network.identity().peerId().value();
        KeyPair key = keyOrderedAgainst(nodeId, peerSmaller);
        PeerId peerId = PeerId.parse(WirePeer.idOf(key));

        try (ServerSocket listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
             WirePeer peerDials = new WirePeer(key);
             WirePeer nodeDials = new WirePeer(key)) {
            // both dials are in flight before either handshake completes
            CompletableFuture<PeerChannel> nodeConnect = network
                .connect(new PeerAddress("127.0.0.1", listener.getLocalPort())).toCompletableFuture();
            peerDials.connect(nodePort);
            peerDials.sendIdentity("itest", peerId.value());
            nodeDials.accept(listener, "itest");
            assertEquals("IDENTITY", peerDials.read().type());

            WirePeer loser = peerSmaller ? nodeDials : peerDials;
            WirePeer.Frame disconnect = loser.readUntilDisconnect();
            assertNotNull("the losing channel got a DISCONNECT", disconnect);
            assertEquals(DisconnectReason.DUPLICATE_CHANNEL.name(), disconnect.metadata().path("reason").asText());

            ChannelDirection kept = peerSmaller ? ChannelDirection.INBOUND : ChannelDirection.OUTBOUND;
            waitFor("exactly one channel with the peer", Duration.ofSeconds(10), () -> channelsWith(peerId).size() == 1);
            assertEquals("the kept channel is the one dialled by the smaller id", kept, channelsWith(peerId).get(0).direction());
            assertEquals("connect() completes with the surviving channel", peerId,
                nodeConnect.get(10, TimeUnit.SECONDS).peerId());

            WirePeer winner = peerSmaller ? peerDials : nodeDials;
            winner.sendMessage("after-duplicate", "the kept channel works");
            waitFor("message on the kept channel counted", Duration.ofSeconds(10),
                () -> channelsWith(peerId).get(0).stats().packetsIn() >= 2);
            network.disconnect(peerId, DisconnectReason.REQUESTED, "test over").toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    private List<PeerChannel> channelsWith(PeerId peer) {
        return network.activeChannels().stream().filter(c -> c.peerId().equals(peer)).collect(Collectors.toList());
    }

    /** A key whose id sorts below (or above) the node's, so each case is deterministic. */
    private static KeyPair keyOrderedAgainst(String nodeId, boolean smaller) throws Exception {
        for (int i = 0; i < 1000; i++) {
            KeyPair k = WirePeer.newKey();
            if ((WirePeer.idOf(k).compareTo(nodeId) < 0) == smaller) {
                return k;
            }
        }
        throw new AssertionError("no key on the wanted side of " + nodeId + " in 1000 tries");
    }
}
