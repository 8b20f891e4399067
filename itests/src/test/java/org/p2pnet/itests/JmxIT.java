package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.routine.NetworkRoutines;

/**
 * The org.p2pnet MXBeans in the node distribution's platform MBeanServer (the one jconsole
 * attaches to): present, reflecting a channel's traffic, gone with the jmx bundle and back with it.
 * Read as a JMX client without p2pnet's classes would: attributes in open types.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class JmxIT extends P2pnetTestSupport {
    private static final String JMX_BUNDLE = "org.p2pnet.jmx";

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }

    @Inject
    PeerNetwork network;

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private static ObjectName name(String text) throws Exception {
        return new ObjectName(text);
    }

    private Set<ObjectName> p2pnetNames() throws Exception {
        return new TreeSet<>(server.queryNames(name("org.p2pnet:*"), null));
    }

    /** The names the node should show now: the core's three, and each plug-in's while its service is there. */
    private Set<ObjectName> expectedNames() throws Exception {
        Set<ObjectName> expected = new TreeSet<>();
        for (String type : new String[] {"Node", "Channels", "Packets"}) {
            expected.add(name("org.p2pnet:type=" + type));
        }
        Object[][] plugins = {
            {DataTransfers.class, "Transfers"}, {LanDiscovery.class, "Discovery"}, {GenesisClient.class, "Genesis"},
            {GenesisServer.class, "GenesisServer"}, {Broadcasts.class, "Broadcasts"}, {NetworkRoutines.class, "Routines"},
        };
        for (Object[] plugin : plugins) {
            if (bundleContext.getServiceReference((Class<?>) plugin[0]) != null) {
                expected.add(name("org.p2pnet:type=" + plugin[1]));
            }
        }
        return expected;
    }

    /**
     * The plug-in services the node distribution starts with: until they are there, the set of names
     * grows on its own (on CI a test that ran first took its "before" while one was missing).
     */
    private void awaitDefaultPlugins() throws Exception {
        waitFor("the node's default plug-ins registered", Duration.ofSeconds(30),
            () -> bundleContext.getServiceReference(DataTransfers.class) != null
                && bundleContext.getServiceReference(Broadcasts.class) != null
                && bundleContext.getServiceReference(NetworkRoutines.class) != null);
    }

    @Test
    public void theMBeansArePresentAndReflectAChannelsTraffic() throws Exception {
        awaitDefaultPlugins();
        waitFor("the org.p2pnet MBeans of the node's services", Duration.ofSeconds(30),
            () -> p2pnetNames().equals(expectedNames()));
        Set<ObjectName> names = p2pnetNames();
        for (String type : new String[] {"Node", "Channels", "Packets", "Transfers", "Broadcasts", "Routines"}) {
            assertTrue(type + " in " + names, names.contains(name("org.p2pnet:type=" + type)));
        }
        assertFalse("no genesis server on a plain node: " + names,
            names.contains(name("org.p2pnet:type=GenesisServer")));

        ObjectName node = name("org.p2pnet:type=Node");
        ObjectName channels = name("org.p2pnet:type=Channels");
        ObjectName packets = name("org.p2pnet:type=Packets");
        assertEquals(true, server.getAttribute(node, "CoreAvailable"));
        assertEquals(network.identity().peerId().value(), server.getAttribute(node, "PeerId"));
        assertEquals("itest", server.getAttribute(node, "Network"));
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        int port = network.status().listening().port();
        assertTrue((String) server.getAttribute(node, "ListeningAddress"),
            ((String) server.getAttribute(node, "ListeningAddress")).endsWith(":" + port));
        assertEquals("tcp", server.getAttribute(node, "Transport"));

        long nodeBytesBefore = (Long) server.getAttribute(node, "BytesIn");
        long nodePacketsBefore = (Long) server.getAttribute(node, "PacketsIn");
        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
            PeerId peerId = PeerId.parse(peer.peerId());
            waitFor("a Channels row for the wire peer", Duration.ofSeconds(10), () -> row(channels, peerId) != null);
            CompositeData first = row(channels, peerId);
            assertEquals("INBOUND", first.get("direction"));
            assertEquals(peerId.shortForm(), first.get("shortId"));
            assertEquals("ENHANCED", first.get("trustLevel"));
            assertTrue("opened at " + first.get("openedAt"), !((String) first.get("openedAt")).isEmpty());
            assertTrue("count", (Integer) server.getAttribute(channels, "Count") >= 1);
            assertTrue("inbound channels", (Integer) server.getAttribute(node, "InboundChannels") >= 1);
            long rowPackets = (Long) first.get("packetsIn");
            long rowBytes = (Long) first.get("bytesIn");
            long messagesBefore = messagesReceived(packets);
            CompositeData messageWireBefore = typeRow(packets, PacketTypes.MESSAGE);
            // the transport reports the node's own IDENTITY right after the core registered the channel
            waitFor("the handshake IDENTITY counted both ways", Duration.ofSeconds(10), () -> {
                CompositeData identityWire = typeRow(packets, PacketTypes.IDENTITY);
                return wire(identityWire, "packetsIn") >= 1 && wire(identityWire, "bytesIn") > 0
                    && wire(identityWire, "packetsOut") >= 1 && wire(identityWire, "bytesOut") > 0;
            });

            int count = 20;
            for (int i = 0; i < count; i++) {
                peer.sendMessage("jmx-" + i, "message " + i + " for the MBeans");
            }
            waitFor("the 20 messages delivered", Duration.ofSeconds(10),
                () -> messageReceived(peerId, "jmx-" + (count - 1)));
            waitFor("the channel row counting the 20 messages", Duration.ofSeconds(10),
                () -> (Long) row(channels, peerId).get("packetsIn") >= rowPackets + count);
            CompositeData after = row(channels, peerId);
            assertTrue("row bytes in " + rowBytes + " -> " + after.get("bytesIn"),
                (Long) after.get("bytesIn") > rowBytes + count * 10L);
            assertTrue("row last activity", !((String) after.get("lastActivity")).isEmpty());
            assertTrue("node packets in", (Long) server.getAttribute(node, "PacketsIn") >= nodePacketsBefore + count);
            assertTrue("node bytes in", (Long) server.getAttribute(node, "BytesIn") > nodeBytesBefore + count * 10L);
            assertTrue("packets bytes in", (Long) server.getAttribute(packets, "BytesIn") > nodeBytesBefore + count * 10L);
            assertTrue("MESSAGE received per type", messagesReceived(packets) >= messagesBefore + count);
            // wire counters per type: the 20 MESSAGE frames in, each with its 4-byte prefix and more
            CompositeData messageWireIn = typeRow(packets, PacketTypes.MESSAGE);
            assertTrue("MESSAGE packets in per type " + messageWireIn,
                wire(messageWireIn, "packetsIn") >= wire(messageWireBefore, "packetsIn") + count);
            assertTrue("MESSAGE bytes in per type " + messageWireIn,
                wire(messageWireIn, "bytesIn") > wire(messageWireBefore, "bytesIn") + count * 10L);
            assertEquals(messageWireIn.get("bytesIn"),
                map(server.getAttribute(packets, "BytesInByType")).get(PacketTypes.MESSAGE));

            // and the other way: MESSAGEs the node writes to the peer
            int sent = 5;
            for (int i = 0; i < sent; i++) {
                network.send(peerId, MessagePacket.of("from the node " + i)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            }
            int read = 0;
            for (int frames = 0; read < sent && frames < 100; frames++) {
                if (PacketTypes.MESSAGE.equals(peer.read().type())) {
                    read++;
                }
            }
            assertEquals("MESSAGEs the wire peer read", sent, read);
            CompositeData messageWireOut = typeRow(packets, PacketTypes.MESSAGE);
            assertTrue("MESSAGE packets out per type " + messageWireOut,
                wire(messageWireOut, "packetsOut") >= wire(messageWireBefore, "packetsOut") + sent);
            assertTrue("MESSAGE bytes out per type " + messageWireOut,
                wire(messageWireOut, "bytesOut") > wire(messageWireBefore, "bytesOut") + sent * 10L);
            long bytesWhileOpen = (Long) server.getAttribute(node, "BytesIn");

            peer.close();
            waitFor("the channel gone from the table", Duration.ofSeconds(10), () -> row(channels, peerId) == null);
            assertTrue("bytes of the closed channel kept in the total",
                (Long) server.getAttribute(node, "BytesIn") >= bytesWhileOpen);
        }
    }

    /** The row of a packet type in Types of org.p2pnet:type=Packets, or null while there is none. */
    private CompositeData typeRow(ObjectName packets, String type) throws Exception {
        for (CompositeData row : (CompositeData[]) server.getAttribute(packets, "Types")) {
            if (type.equals(row.get("type"))) {
                return row;
            }
        }
        return null;
    }

    /** A wire counter of a Types row; 0 for a row that is not there yet. */
    private static long wire(CompositeData row, String item) {
        return row == null ? 0 : (Long) row.get(item);
    }

    /** A TabularData of String keys and Long values (an MXBean map) as a map. */
    private static Map<String, Long> map(Object tabular) {
        Map<String, Long> map = new HashMap<>();
        for (Object row : ((TabularData) tabular).values()) {
            CompositeData entry = (CompositeData) row;
            map.put((String) entry.get("key"), (Long) entry.get("value"));
        }
        return map;
    }

    /** The received count of the MESSAGE row of org.p2pnet:type=Packets (0 while there is none). */
    private long messagesReceived(ObjectName packets) throws Exception {
        for (CompositeData type : (CompositeData[]) server.getAttribute(packets, "Types")) {
            if (PacketTypes.MESSAGE.equals(type.get("type"))) {
                return (Long) type.get("received");
            }
        }
        return 0;
    }

    private CompositeData row(ObjectName channels, PeerId peer) throws Exception {
        for (CompositeData row : (CompositeData[]) server.getAttribute(channels, "Channels")) {
            if (peer.value().equals(row.get("peerId"))) {
                return row;
            }
        }
        return null;
    }

    /**
     * Every name there before the stop is back, and the names are exactly those of the services now
     * registered (a plug-in that registered late adds its name; none goes missing).
     */
    private boolean againAsBefore(Set<ObjectName> before) throws Exception {
        Set<ObjectName> now = p2pnetNames();
        return now.containsAll(before) && now.equals(expectedNames());
    }

    @Test
    public void stoppingTheJmxBundleUnregistersEveryNameAndStartingItRegistersThemAgain() throws Exception {
        Bundle jmx = bundle(JMX_BUNDLE);
        awaitDefaultPlugins();
        waitFor("the org.p2pnet MBeans", Duration.ofSeconds(30), () -> p2pnetNames().equals(expectedNames()));
        Set<ObjectName> before = p2pnetNames();
        assertTrue(before.toString(), before.size() >= 3);
        try {
            jmx.stop();
            assertEquals("no org.p2pnet name left once the bundle stopped", Set.of(), p2pnetNames());
        } finally {
            jmx.start();
        }
        waitFor("the same names registered again", Duration.ofSeconds(30), () -> againAsBefore(before),
            () -> "now " + p2pnetNames() + ", before " + before + ", expected " + expectedNames());
        assertEquals(network.identity().peerId().value(), server.getAttribute(name("org.p2pnet:type=Node"), "PeerId"));

        // twice more: nothing accumulates or stays behind
        for (int i = 0; i < 2; i++) {
            jmx.stop();
            assertEquals(Set.of(), p2pnetNames());
            jmx.start();
            waitFor("registered again (" + i + ")", Duration.ofSeconds(30), () -> againAsBefore(before),
                () -> "now " + p2pnetNames() + ", before " + before + ", expected " + expectedNames());
        }
    }
}
