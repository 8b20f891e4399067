package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.message.ReceivedMessage;
import org.p2pnet.api.packet.PacketTypes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HandlerHotSwapIT extends P2pnetTestSupport {

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }

    @Inject
    PeerNetwork network;

    @Test
    public void handlersCommandShowsEachDefaultHandlerFromItsOwnBundle() throws Exception {
        java.util.Set<String> bundles = DEFAULT_HANDLER_BUNDLES;
        waitFor("the default handlers of " + bundles, Duration.ofSeconds(30), () -> network.handlers().stream()
            .map(h -> h.bundle()).collect(java.util.stream.Collectors.toSet()).containsAll(bundles));
        String json = shell("p2p:handlers --json");
        JsonNode rows = new ObjectMapper().readTree(json.substring(json.indexOf('[')));
        assertEquals("bundle of IDENTITY", "org.p2pnet.handler.identity", bundleOf(rows, PacketTypes.IDENTITY));
        assertEquals("bundle of MESSAGE", "org.p2pnet.handler.message", bundleOf(rows, PacketTypes.MESSAGE));
        assertEquals("bundle of DISCONNECT", "org.p2pnet.handler.disconnect", bundleOf(rows, PacketTypes.DISCONNECT));
        assertEquals("bundle of PEER_GROUP", "org.p2pnet.handler.peergroup", bundleOf(rows, PacketTypes.PEER_GROUP));
        assertEquals("bundle of NETWORK_TASK", "org.p2pnet.handler.task", bundleOf(rows, "NETWORK_TASK"));
        assertEquals("bundle of TRUST", "org.p2pnet.trust", bundleOf(rows, PacketTypes.TRUST));
        assertEquals("bundle of PING", "org.p2pnet.handler.keepalive", bundleOf(rows, PacketTypes.PING));
        assertEquals("bundle of PONG", "org.p2pnet.handler.keepalive", bundleOf(rows, PacketTypes.PONG));
        assertEquals("bundle of DATA", "org.p2pnet.handler.data", bundleOf(rows, PacketTypes.DATA));
        assertEquals("bundle of BROADCAST", "org.p2pnet.handler.broadcast", bundleOf(rows, PacketTypes.BROADCAST));
        String table = shell("p2p:handlers");
        assertTrue(table, table.contains("org.p2pnet.handler.identity") && table.contains("org.p2pnet.handler.message")
            && table.contains("org.p2pnet.handler.disconnect") && table.contains("org.p2pnet.handler.peergroup")
            && table.contains("org.p2pnet.handler.task"));
    }

    private static String bundleOf(JsonNode rows, String type) {
        for (JsonNode row : rows) {
            if (type.equals(row.path("packetType").asText())) {
                return row.path("handler").path("bundle").asText();
            }
        }
        return "(no row for " + type + " in " + rows + ")";
    }

    @Test
    public void messagesSentWhileTheMessageHandlerIsStoppedAreDeliveredOnceWhenItStartsAgain() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        int port = network.status().listening().port();
        Bundle handler = bundle("org.p2pnet.handler.message");

        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
            PeerId peerId = PeerId.parse(peer.peerId());
            waitFor("channel registered", Duration.ofSeconds(10), () -> network.channel(peerId).isPresent());

            handler.stop();
            for (int i = 0; i < 100; i++) {
                peer.sendMessage("swap-" + i, "message " + i);
            }
            waitFor("100 MESSAGE packets buffered", Duration.ofSeconds(10), () -> messageInfo().buffered() == 100);
            handler.start();

            waitFor("all 100 delivered to the restarted handler", Duration.ofSeconds(20),
                () -> messagesFrom(peerId).size() >= 100);
            List<String> ids = messagesFrom(peerId).stream().map(ReceivedMessage::id).collect(Collectors.toList());
            List<String> expected = IntStream.range(0, 100).mapToObj(i -> "swap-" + i).collect(Collectors.toList());
            assertEquals("each message once, in order", expected, ids);
            HandlerInfo info = messageInfo();
            assertEquals("dropped", 0, info.dropped());
            assertEquals("still buffered", 0, info.buffered());
            assertTrue("channel survived the swap", network.channel(peerId).isPresent());
        }
    }

    private HandlerInfo messageInfo() {
        return network.handlers().stream().filter(h -> PacketTypes.MESSAGE.equals(h.packetType())).findFirst()
            .orElseThrow(() -> new AssertionError("no MESSAGE row in handlers()"));
    }

    private List<ReceivedMessage> messagesFrom(PeerId peer) {
        return withService(MessageLog.class, log -> log.recent(peer, 1000), List.of());
    }
}
