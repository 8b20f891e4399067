package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.message.MessageLog;
import org.p2pnet.api.packet.MessagePacket;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Two real nodes: this container, and a second distribution in its own JVM. They connect,
 * exchange messages both ways, and one disconnects with a reason both sides then show.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class TwoNodesIT extends P2pnetTestSupport {

    @Inject
    PeerNetwork network;

    private ExternalNode remote;

    @After
    public void stopRemote() throws Exception {
        if (remote != null) {
            remote.close();
        }
    }

    @Test
    public void twoNodesConnectExchangeMessagesAndPartWithAReasonBothSidesShow() throws Exception {
        Path home = Files.createTempDirectory("p2pnet-remote-");
        remote = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")), home, freePort(), freePort(), "itest");
        remote.startReady(Duration.ofSeconds(60));
        PeerId remoteId = PeerId.parse(json(remote.exec("p2p:identity --json")).path("peerId").asText());
        PeerId localId = network.identity().peerId();

        PeerChannel channel = network.connect(new PeerAddress("127.0.0.1", remote.p2pPort()))
            .toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals("the channel's peer is the remote node", remoteId, channel.peerId());
        assertEquals(ChannelDirection.OUTBOUND, channel.direction());

        // local -> remote
        network.send(remoteId, MessagePacket.of("hello remote, from pax exam")).toCompletableFuture().get(10, TimeUnit.SECONDS);
        waitFor("remote received our message", Duration.ofSeconds(30),
            () -> remote.exec("p2p:messages").contains("hello remote, from pax exam"));

        // remote -> local, by unique id prefix as an operator would type it
        String sent = remote.exec("p2p:send " + localId.value().substring(0, 12) + " hello pax exam, from remote");
        assertTrue(sent, !sent.contains("Error"));
        waitFor("we received the remote's message", Duration.ofSeconds(30), () -> localMessages(remoteId));

        // the remote ends the channel with a reason; both sides show it
        remote.exec("p2p:disconnect " + localId.value() + " --reason \"itest is over\"");
        waitFor("channel gone here", Duration.ofSeconds(30), () -> network.channel(remoteId).isEmpty());
        waitFor("reason recorded here", Duration.ofSeconds(30),
            () -> network.knownPeer(remoteId).flatMap(PeerInfo::lastDisconnect).isPresent());
        DisconnectRecord here = network.knownPeer(remoteId).flatMap(PeerInfo::lastDisconnect).orElseThrow();
        assertEquals(DisconnectReason.REQUESTED, here.reason());
        assertEquals("itest is over", here.message());
        assertTrue("ended by the remote", here.byRemote());

        String remotePeers = remote.exec("p2p:peers");
        assertTrue(remotePeers, remotePeers.contains("REQUESTED") && remotePeers.contains("itest is over"));
        String localPeers = shell("p2p:peers");
        assertTrue(localPeers, localPeers.contains("REQUESTED") && localPeers.contains("itest is over"));
    }

    private boolean localMessages(PeerId from) {
        return withService(MessageLog.class, log -> log.recent(from, 100).stream()
            .anyMatch(m -> m.text().equals("hello pax exam, from remote")), false);
    }

    private static JsonNode json(String output) throws Exception {
        int start = output.indexOf('{');
        if (start < 0) {
            throw new AssertionError("no JSON in: " + output);
        }
        return new ObjectMapper().readTree(output.substring(start));
    }
}
