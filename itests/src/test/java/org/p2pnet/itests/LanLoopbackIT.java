package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.After;
import org.junit.Test;
import org.p2pnet.itests.NodeViews.Channel;

/**
 * Two real nodes (the node distribution, each in its own JVM) on this one host, found by LAN
 * discovery alone: nobody runs {@code p2p:connect}. Discovery runs with the distribution's
 * defaults (designated ports 8001-8003, broadcast and multicast, loopback included), except for
 * the allow-list {@code interfaces = lo}: the house rule keeps test traffic on loopback, and a
 * network name of its own per run, so that nodes of another run on this host (a demo, another
 * build) are dropped as OTHER_NETWORK instead of joining in.
 */
public class LanLoopbackIT {
    private static final String DISCOVERY = "etc/org.p2pnet.discovery.lan.cfg";
    private static final Duration BOOT = Duration.ofSeconds(60);
    private static final Duration FIND = Duration.ofSeconds(20);

    private final List<ExternalNode> nodes = new ArrayList<>();

    @After
    public void stopNodes() throws Exception {
        for (ExternalNode node : nodes) {
            node.close();
        }
    }

    private ExternalNode node(String network) throws Exception {
        ExternalNode node = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-lan-lo-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(), network);
        node.configure(DISCOVERY, "enabled", "true"); // ExternalNode leaves it off; interfaces stays lo
        nodes.add(node);
        return node;
    }

    private static String network() {
        return "lan-lo-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    public void twoNodesOnLoopbackFindEachOtherAndOpenExactlyOneChannel() throws Exception {
        String network = network();
        ExternalNode a = node(network).startReady(BOOT);
        ExternalNode b = node(network).startReady(BOOT);
        String idA = NodeViews.peerId(a);
        String idB = NodeViews.peerId(b);

        Channel[] pair = awaitOneChannelEach(a, idA, b, idB);

        // announcements go on (and each node keeps hearing the other): still that one channel
        long heard = NodeViews.discovery(a).get("offered").asLong();
        P2pnetTestSupport.waitFor("node A offered two more announcements to its core", Duration.ofSeconds(60),
            () -> NodeViews.discovery(a).get("offered").asLong() >= heard + 2);
        assertEquals("A's channels after more announcements", List.of(pair[0]), NodeViews.channelList(a));
        assertEquals("B's channels after more announcements", List.of(pair[1]), NodeViews.channelList(b));
    }

    /**
     * P2PNet's known hang-up: two machines that pick the same broadcast port at the same time. Here
     * both nodes have one designated port only, so they broadcast on the same one, and are launched
     * in the same second.
     */
    @Test
    public void twoNodesStartedInTheSameSecondOnTheSameBroadcasterPortFindEachOther() throws Exception {
        String network = network();
        ExternalNode a = node(network).configure(DISCOVERY, "ports", "8001");
        ExternalNode b = node(network).configure(DISCOVERY, "ports", "8001");
        Instant launchA = Instant.now();
        a.start();
        b.start();
        Instant launchB = Instant.now();
        assertTrue("both launched within one second: " + Duration.between(launchA, launchB),
            Duration.between(launchA, launchB).toMillis() < 1000);
        a.awaitReadyRestartingOnce(BOOT);
        b.awaitReadyRestartingOnce(BOOT);
        String idA = NodeViews.peerId(a);
        String idB = NodeViews.peerId(b);
        assertEquals("A broadcasts on the one port", 8001, NodeViews.discovery(a).get("broadcasterPort").asInt());
        assertEquals("B broadcasts on the one port", 8001, NodeViews.discovery(b).get("broadcasterPort").asInt());

        awaitOneChannelEach(a, idA, b, idB);
    }

    /** Waits until each node holds a channel to the other; asserts it is the only one and the same channel seen from both ends. */
    private Channel[] awaitOneChannelEach(ExternalNode a, String idA, ExternalNode b, String idB) throws Exception {
        P2pnetTestSupport.waitFor("A and B hold a channel to each other", FIND,
            () -> NodeViews.channels(a).containsKey(idB) && NodeViews.channels(b).containsKey(idA));
        List<Channel> atA = NodeViews.channelList(a);
        List<Channel> atB = NodeViews.channelList(b);
        String context = "\nA: " + atA + "\nB: " + atB + "\n" + a.logs() + "\n" + b.logs();
        assertEquals("A holds exactly one channel" + context, 1, atA.size());
        assertEquals("B holds exactly one channel" + context, 1, atB.size());
        assertEquals("A's channel is to B" + context, idB, atA.get(0).peerId());
        assertEquals("B's channel is to A" + context, idA, atB.get(0).peerId());
        // one dialled, the other accepted: the same TCP connection from both ends
        assertEquals("one outbound and one inbound end" + context, Set.of("OUTBOUND", "INBOUND"),
            new HashSet<>(List.of(atA.get(0).direction(), atB.get(0).direction())));
        return new Channel[] {atA.get(0), atB.get(0)};
    }
}
