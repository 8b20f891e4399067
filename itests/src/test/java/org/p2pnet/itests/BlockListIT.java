package org.p2pnet.itests;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;

/**
 * Block lists between real processes: this container blocks a second node (its own JVM) by peer
 * id with {@code p2p:block}; the open channel ends with BLOCKED, the node cannot come back (its
 * new channel is ended with BLOCKED as soon as its IDENTITY is read), the
 * list shows the entry and keeps it in {@code data/p2pnet/blocklist.json}; after {@code p2p:unblock}
 * it connects again.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class BlockListIT extends P2pnetTestSupport {

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
    public void aBlockedPeerIsDisconnectedCannotComeBackAndIsLetInAgainWhenUnblocked() throws Exception {
        remote = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")), Files.createTempDirectory("p2pnet-blocked-"),
            freePort(), freePort(), "itest");
        remote.startReady(Duration.ofSeconds(60));
        PeerId remoteId = PeerId.parse(NodeViews.peerId(remote));
        int port = network.status().listening().port();

        String connected = remote.exec("p2p:connect 127.0.0.1:" + port);
        assertTrue(connected, connected.contains("connected to " + network.identity().peerId().value()));
        waitFor("the channel is open here", Duration.ofSeconds(30), () -> network.channel(remoteId).isPresent());

        String blocked = shell("p2p:block --note \"itest\" " + remoteId.value());
        assertTrue(blocked, blocked.contains(remoteId.value().substring(0, 12)));
        waitFor("the blocked peer's channel ended", Duration.ofSeconds(30), () -> network.channel(remoteId).isEmpty());
        String list = shell("p2p:blocklist");
        assertTrue(list, list.contains(remoteId.value().substring(0, 12)) && list.contains("itest"));
        Path file = Path.of(System.getProperty("karaf.data"), "p2pnet", "blocklist.json");
        assertTrue("kept in " + file, Files.readString(file).contains(remoteId.value()));

        // both sides send IDENTITY at once (PROTOCOL.md), so the dialler may see its channel open for
        // an instant; this node refuses it as soon as it reads the blocked id: DISCONNECT BLOCKED
        remote.exec("p2p:connect 127.0.0.1:" + port);
        String ourId = network.identity().peerId().value();
        waitFor("the blocked node holds no channel to us", Duration.ofSeconds(30),
            () -> !NodeViews.channels(remote).containsKey(ourId));
        String remotePeers = remote.exec("p2p:peers");
        assertTrue("the blocked node was told why: " + remotePeers, remotePeers.contains("BLOCKED"));
        assertTrue("no channel with the blocked node", network.channel(remoteId).isEmpty());
        assertTrue("the refusal is counted: " + shell("p2p:status"), shell("p2p:status").contains("BLOCKED"));

        shell("p2p:unblock " + remoteId.value());
        String back = remote.exec("p2p:connect 127.0.0.1:" + port);
        assertTrue("connects again once unblocked: " + back, back.contains("connected to"));
    }
}
