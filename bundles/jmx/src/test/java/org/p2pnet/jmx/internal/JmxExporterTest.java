package org.p2pnet.jmx.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import javax.management.Attribute;
import javax.management.JMX;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.testing.FakePeerChannel;

class JmxExporterTest {
    private static final ObjectName ALL = pattern("org.p2pnet:*");

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();
    private final MovingClock clock = new MovingClock(Fakes.T0);
    private final JmxExporter exporter = new JmxExporter(() -> server, clock);
    private final NodeNetwork network = new NodeNetwork();

    private static ObjectName pattern(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Set<ObjectName> names() {
        return server.queryNames(ALL, null);
    }

    private Object attribute(ObjectName name, String attribute) throws Exception {
        return server.getAttribute(name, attribute);
    }

    private static FakePeerChannel channel(char digit, ChannelDirection direction, long packetsIn, long packetsOut,
            long bytesIn, long bytesOut) {
        return new FakePeerChannel(FakePeerChannel.peer(digit), new PeerAddress("192.0.2." + (digit - 'a' + 1), 40000),
                direction, new ChannelStats(packetsIn, packetsOut, bytesIn, bytesOut));
    }

    /** Every optional service bound, the component active: all nine MXBeans. */
    private void activateWithEverything() {
        exporter.bindNetwork(network);
        exporter.bindDataTransfers(new Fakes.Transfers());
        exporter.bindLanDiscovery(new Fakes.Lan());
        exporter.bindGenesisClient(new Fakes.Client());
        exporter.bindGenesisServer(new Fakes.Server());
        exporter.bindBroadcasts(new Fakes.Broadcast(new Broadcasts.Stats(1, 2, 3, 4, 5)));
        exporter.bindNetworkRoutines(new Fakes.Routines());
        exporter.activate();
    }

    @Test
    void theCoreMBeansAreRegisteredWithTheCoreAndNothingElse() {
        exporter.bindNetwork(network);
        exporter.activate();
        assertEquals(Set.of(JmxExporter.NODE, JmxExporter.CHANNELS, JmxExporter.PACKETS), names());
        assertEquals(names(), exporter.registeredNames());
    }

    @Test
    void nodeAttributesReflectTheCore() throws Exception {
        network.channels.add(channel('b', ChannelDirection.INBOUND, 10, 20, 1000, 2000));
        network.channels.add(channel('c', ChannelDirection.OUTBOUND, 1, 2, 300, 400));
        exporter.bindNetwork(network);
        exporter.activate();
        clock.move(Duration.ofSeconds(90));

        ObjectName node = JmxExporter.NODE;
        assertEquals(true, attribute(node, "CoreAvailable"));
        assertEquals(NodeNetwork.SELF.value(), attribute(node, "PeerId"));
        assertEquals(NodeNetwork.SELF.shortForm(), attribute(node, "ShortId"));
        assertEquals("itest", attribute(node, "Network"));
        assertEquals("p2pnet/0.1.0", attribute(node, "Agent"));
        assertEquals(1, attribute(node, "ProtocolVersion"));
        assertEquals("0.0.0.0:7700", attribute(node, "ListeningAddress"));
        assertEquals("tcp", attribute(node, "Transport"));
        assertEquals(true, attribute(node, "AcceptInbound"));
        assertEquals(Fakes.T0.toString(), attribute(node, "StartedAt"));
        assertEquals(90L, attribute(node, "UptimeSeconds"));
        assertEquals(1, attribute(node, "InboundChannels"));
        assertEquals(2, attribute(node, "OutboundChannels"));
        assertEquals(5, attribute(node, "KnownPeers"));
        assertEquals(120L, attribute(node, "PacketsIn"));
        assertEquals(80L, attribute(node, "PacketsOut"));
        assertEquals(1300L, attribute(node, "BytesIn"));
        assertEquals(2400L, attribute(node, "BytesOut"));
        assertEquals(Map.of("PROTOCOL_VIOLATION", 3L, "BLOCKED", 2L), map((TabularData) attribute(node, "DropsByReason")));
        assertEquals(5L, attribute(node, "DropsTotal"));
        assertEquals(1L, attribute(node, "RejectedConfigurations"));
        assertEquals("DefaultIncomingPeerPolicy (org.p2pnet.trust)", attribute(node, "TrustPolicy"));
        assertEquals("ChallengeResponse (org.p2pnet.trust)", attribute(node, "TrustProtocol"));
        assertEquals(false, attribute(node, "FailClosed"));
        assertEquals(7L, attribute(node, "DroppedUntrusted"));
        assertEquals(1L, attribute(node, "ClosedUntrusted"));
        assertEquals(2, attribute(node, "InboundQueued"));
    }

    @Test
    void notListeningAndNoPolicyAreEmptyTextNotNull() throws Exception {
        network.status = new org.p2pnet.api.NodeStatus(network.identity, null, false, null, 0, 0, 0, 0, 0, Map.of(), 0);
        network.trust = new org.p2pnet.api.TrustSummary(Optional.empty(), Optional.empty(), true, 0, 0, 0, true);
        exporter.bindNetwork(network);
        exporter.activate();
        assertEquals("", attribute(JmxExporter.NODE, "ListeningAddress"));
        assertEquals("", attribute(JmxExporter.NODE, "Transport"));
        assertEquals("", attribute(JmxExporter.NODE, "TrustPolicy"));
        assertEquals(true, attribute(JmxExporter.NODE, "FailClosed"));
        assertEquals(Map.of(), map((TabularData) attribute(JmxExporter.NODE, "DropsByReason")));
    }

    @Test
    void channelsHaveOneRowPerOpenChannel() throws Exception {
        FakePeerChannel b = channel('b', ChannelDirection.INBOUND, 10, 20, 1000, 2000)
                .trust(TrustLevel.ENHANCED, false, 4);
        network.channels.add(channel('c', ChannelDirection.OUTBOUND, 1, 2, 300, 400));
        network.channels.add(b);
        exporter.bindNetwork(network);
        exporter.activate();

        assertEquals(2, attribute(JmxExporter.CHANNELS, "Count"));
        CompositeData[] rows = (CompositeData[]) attribute(JmxExporter.CHANNELS, "Channels");
        assertEquals(2, rows.length);
        CompositeData row = rows[0];
        assertEquals(FakePeerChannel.peer('b').value(), row.get("peerId"), "sorted by peer id");
        assertEquals(FakePeerChannel.peer('b').shortForm(), row.get("shortId"));
        assertEquals("tcp-" + FakePeerChannel.peer('b').shortForm(), row.get("channelId"));
        assertEquals("INBOUND", row.get("direction"));
        assertEquals("192.0.2.2:40000", row.get("remoteAddress"));
        assertEquals("192.0.2.2:7700", row.get("listenAddress"));
        assertEquals("ENHANCED", row.get("trustLevel"));
        assertEquals(false, row.get("trustPending"));
        assertEquals(4L, row.get("untrustedDrops"));
        assertEquals(10L, row.get("packetsIn"));
        assertEquals(20L, row.get("packetsOut"));
        assertEquals(1000L, row.get("bytesIn"));
        assertEquals(2000L, row.get("bytesOut"));
        assertEquals(FakePeerChannel.OPENED.toString(), row.get("openedAt"));
        assertEquals(FakePeerChannel.LAST_ACTIVITY.toString(), row.get("lastActivity"));
        assertEquals(Duration.between(FakePeerChannel.LAST_ACTIVITY, Fakes.T0).toSeconds(), row.get("idleSeconds"));
        assertEquals("OUTBOUND", rows[1].get("direction"));

        // a JMX client with the interfaces gets the rows back as objects
        ChannelsMXBean proxy = JMX.newMXBeanProxy(server, JmxExporter.CHANNELS, ChannelsMXBean.class);
        assertEquals(FakePeerChannel.peer('c').value(), proxy.getChannels().get(1).getPeerId());
    }

    @Test
    void noChannelsIsAnEmptyTable() throws Exception {
        exporter.bindNetwork(network);
        exporter.activate();
        assertEquals(0, ((CompositeData[]) attribute(JmxExporter.CHANNELS, "Channels")).length);
        assertEquals(0L, attribute(JmxExporter.NODE, "BytesIn"));
    }

    @Test
    void packetsPerTypeAreTheWireAndDispatchCounters() throws Exception {
        network.channels.add(channel('b', ChannelDirection.INBOUND, 10, 20, 1000, 2000));
        exporter.bindNetwork(network);
        exporter.activate();

        ObjectName packets = JmxExporter.PACKETS;
        assertEquals(120L, attribute(packets, "PacketsIn"));
        assertEquals(80L, attribute(packets, "PacketsOut"));
        assertEquals(1000L, attribute(packets, "BytesIn"));
        assertEquals(2000L, attribute(packets, "BytesOut"));
        assertEquals(7L, attribute(packets, "DroppedUntrusted"));
        CompositeData[] types = (CompositeData[]) attribute(packets, "Types");
        assertEquals(List.of("(other)", "DATA", "IDENTITY", "MESSAGE"),
                java.util.Arrays.stream(types).map(t -> t.get("type")).toList(),
                "the types of handlers() and packetStats() together, sorted");
        CompositeData other = types[0];
        assertEquals(3L, other.get("packetsIn"), "wire counters only");
        assertEquals(150L, other.get("bytesIn"));
        assertEquals("", other.get("handlerBundle"));
        assertEquals(-1L, other.get("handlerBundleId"));
        assertEquals(0L, other.get("received"));
        CompositeData data = types[1];
        assertEquals("", data.get("handlerBundle"));
        assertEquals(-1L, data.get("handlerBundleId"));
        assertEquals(16L, data.get("received"), "10 delivered + 1 failed + 0 buffered + 5 dropped");
        assertEquals(1L, data.get("failed"));
        assertEquals(0L, data.get("packetsIn"), "dispatch counters only");
        assertEquals(0L, data.get("bytesOut"));
        CompositeData identity = types[2];
        assertEquals(2L, identity.get("packetsOut"));
        assertEquals(590L, identity.get("bytesOut"));
        CompositeData message = types[3];
        assertEquals("org.p2pnet.handler.message", message.get("handlerBundle"));
        assertEquals(61L, message.get("handlerBundleId"));
        assertEquals(1, message.get("candidates"));
        assertEquals(40L, message.get("delivered"));
        assertEquals(2L, message.get("buffered"));
        assertEquals(1L, message.get("dropped"));
        assertEquals(43L, message.get("received"));
        assertEquals(44L, message.get("packetsIn"));
        assertEquals(30L, message.get("packetsOut"));
        assertEquals(4400L, message.get("bytesIn"));
        assertEquals(3300L, message.get("bytesOut"));
        assertEquals(Map.of("DATA", 16L, "MESSAGE", 43L), map((TabularData) attribute(packets, "ReceivedByType")));
        assertEquals(Map.of("DATA", 5L, "MESSAGE", 1L), map((TabularData) attribute(packets, "DroppedByType")));
        assertEquals(Map.of("(other)", 3L, "IDENTITY", 2L, "MESSAGE", 44L),
                map((TabularData) attribute(packets, "PacketsInByType")));
        assertEquals(Map.of("(other)", 0L, "IDENTITY", 2L, "MESSAGE", 30L),
                map((TabularData) attribute(packets, "PacketsOutByType")));
        assertEquals(Map.of("(other)", 150L, "IDENTITY", 600L, "MESSAGE", 4400L),
                map((TabularData) attribute(packets, "BytesInByType")));
        assertEquals(Map.of("(other)", 0L, "IDENTITY", 590L, "MESSAGE", 3300L),
                map((TabularData) attribute(packets, "BytesOutByType")));
    }

    @Test
    void aCoreWithoutWireCountersShowsTheDispatchCountersAlone() throws Exception {
        network.packetStats = List.of();
        exporter.bindNetwork(network);
        exporter.activate();

        CompositeData[] types = (CompositeData[]) attribute(JmxExporter.PACKETS, "Types");
        assertEquals(2, types.length);
        assertEquals(0L, types[1].get("packetsIn"));
        assertEquals(43L, types[1].get("received"));
        assertEquals(Map.of(), map((TabularData) attribute(JmxExporter.PACKETS, "BytesInByType")));
    }

    @Test
    void byteTotalsKeepTheCountsOfClosedChannels() throws Exception {
        network.channels.add(channel('b', ChannelDirection.INBOUND, 10, 20, 1000, 2000));
        network.channels.add(channel('c', ChannelDirection.OUTBOUND, 1, 2, 300, 400));
        exporter.bindNetwork(network);
        exporter.activate();
        assertEquals(1300L, attribute(JmxExporter.NODE, "BytesIn"));

        // c closes: its bytes stay in the totals
        network.channels.removeIf(c -> c.peerId().equals(FakePeerChannel.peer('c')));
        exporter.peerEvent(new PeerEvent(PeerEvent.Kind.DISCONNECTED, FakePeerChannel.peer('c'),
                new PeerAddress("192.0.2.3", 40000), ChannelDirection.OUTBOUND, Optional.empty()));
        assertEquals(1300L, attribute(JmxExporter.NODE, "BytesIn"));
        assertEquals(2400L, attribute(JmxExporter.PACKETS, "BytesOut"));

        // b carries more: the totals grow by that much
        network.channels.clear();
        network.channels.add(channel('b', ChannelDirection.INBOUND, 11, 21, 1500, 2100));
        assertEquals(1800L, attribute(JmxExporter.NODE, "BytesIn"));

        // d opens and closes between two reads: announced by the core, it is counted all the same
        FakePeerChannel d = channel('d', ChannelDirection.INBOUND, 3, 3, 50, 60);
        network.channels.add(d);
        exporter.peerEvent(new PeerEvent(PeerEvent.Kind.CONNECTED, d.peerId(), d.remoteAddress(), d.direction(),
                Optional.empty()));
        network.channels.remove(d);
        exporter.peerEvent(new PeerEvent(PeerEvent.Kind.DISCONNECTED, d.peerId(), d.remoteAddress(), d.direction(),
                Optional.empty()));
        assertEquals(1500L + 300 + 50, attribute(JmxExporter.NODE, "BytesIn"));
        assertEquals(2100L + 400 + 60, attribute(JmxExporter.NODE, "BytesOut"));
    }

    @Test
    void aNewCoreStartsTheTotalsAndTheUptimeAgain() throws Exception {
        network.channels.add(channel('b', ChannelDirection.INBOUND, 10, 20, 1000, 2000));
        exporter.bindNetwork(network);
        exporter.activate();
        assertEquals(1000L, attribute(JmxExporter.NODE, "BytesIn"));
        clock.move(Duration.ofSeconds(30));

        NodeNetwork restarted = new NodeNetwork();
        exporter.unbindNetwork(network);
        assertEquals(false, attribute(JmxExporter.NODE, "CoreAvailable"));
        exporter.bindNetwork(restarted);
        assertEquals(0L, attribute(JmxExporter.NODE, "BytesIn"));
        assertEquals(0L, attribute(JmxExporter.NODE, "UptimeSeconds"));
        assertEquals(Fakes.T0.plusSeconds(30).toString(), attribute(JmxExporter.NODE, "StartedAt"));
    }

    @Test
    void withoutTheCoreEveryAttributeFailsWithAMessageNamingIt() throws Exception {
        exporter.activate();
        assertEquals(Set.of(JmxExporter.NODE, JmxExporter.CHANNELS, JmxExporter.PACKETS), names());
        assertEquals(false, attribute(JmxExporter.NODE, "CoreAvailable"));
        for (ObjectName name : List.of(JmxExporter.NODE, JmxExporter.CHANNELS, JmxExporter.PACKETS)) {
            for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
                if (a.getName().equals("CoreAvailable")) {
                    continue;
                }
                IllegalStateException cause = failureOf(name, a.getName());
                assertTrue(cause.getMessage().contains("no PeerNetwork service (bundle org.p2pnet.core is not active)"),
                        name + " " + a.getName() + ": " + cause.getMessage());
            }
        }
    }

    @Test
    void aFailingServiceGivesAClearMessageNotItsOwnException() throws Exception {
        exporter.bindNetwork(network);
        exporter.activate();
        network.failure = new ChannelException(DisconnectReason.CONNECTION_LOST, "the registry is closing");
        IllegalStateException cause = failureOf(JmxExporter.NODE, "PacketsIn");
        assertEquals("cannot read the node status: ChannelException: the registry is closing", cause.getMessage());
        assertNull(cause.getCause(), "no cause a remote client could fail to deserialize");

        network.failure = new NullPointerException();
        assertEquals("cannot read the open channels: NullPointerException",
                failureOf(JmxExporter.CHANNELS, "Channels").getMessage());
    }

    /** The attribute read fails the way a JMX client sees it: a RuntimeMBeanException around a plain IllegalStateException. */
    private IllegalStateException failureOf(ObjectName name, String attribute) {
        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, () -> server.getAttribute(name, attribute),
                name + " " + attribute);
        assertSame(IllegalStateException.class, e.getCause().getClass(), e.getCause().toString());
        return (IllegalStateException) e.getCause();
    }

    @Test
    void pluginMBeansComeAndGoWithTheirServices() throws Exception {
        exporter.bindNetwork(network);
        exporter.activate();
        check(JmxExporter.TRANSFERS, new Fakes.Transfers(), exporter::bindDataTransfers, exporter::unbindDataTransfers);
        check(JmxExporter.DISCOVERY, new Fakes.Lan(), exporter::bindLanDiscovery, exporter::unbindLanDiscovery);
        check(JmxExporter.GENESIS, new Fakes.Client(), exporter::bindGenesisClient, exporter::unbindGenesisClient);
        check(JmxExporter.GENESIS_SERVER, new Fakes.Server(), exporter::bindGenesisServer,
                exporter::unbindGenesisServer);
        check(JmxExporter.BROADCASTS, new Fakes.Broadcast(new Broadcasts.Stats(0, 0, 0, 0, 0)),
                exporter::bindBroadcasts, exporter::unbindBroadcasts);
        check(JmxExporter.ROUTINES, new Fakes.Routines(), exporter::bindNetworkRoutines,
                exporter::unbindNetworkRoutines);
    }

    private <S> void check(ObjectName name, S service, Consumer<S> bind, Consumer<S> unbind) throws Exception {
        assertFalse(server.isRegistered(name), name + " before its service");
        bind.accept(service);
        assertTrue(server.isRegistered(name), name + " with its service");
        // every attribute reads
        for (MBeanAttributeInfo a : server.getMBeanInfo(name).getAttributes()) {
            assertNotNull(server.getAttribute(name, a.getName()), name + " " + a.getName());
        }
        unbind.accept(service);
        assertFalse(server.isRegistered(name), name + " after its service left");
        assertTrue(server.isRegistered(JmxExporter.NODE), "Node stays");
    }

    @Test
    void servicesBoundBeforeActivationAreRegisteredAtActivation() {
        exporter.bindLanDiscovery(new Fakes.Lan());
        assertEquals(Set.of(), names(), "nothing before activation");
        exporter.activate();
        assertTrue(server.isRegistered(JmxExporter.DISCOVERY));
    }

    @Test
    void aReplacingServiceKeepsTheMBeanAndIsReadFromThen() throws Exception {
        exporter.activate();
        Fakes.Broadcast first = new Fakes.Broadcast(new Broadcasts.Stats(1, 0, 0, 0, 0));
        Fakes.Broadcast second = new Fakes.Broadcast(new Broadcasts.Stats(2, 0, 0, 0, 0));
        exporter.bindBroadcasts(first);
        // greedy: DS binds the better service, then unbinds the one it replaces
        exporter.bindBroadcasts(second);
        exporter.unbindBroadcasts(first);
        assertTrue(server.isRegistered(JmxExporter.BROADCASTS));
        assertEquals(2L, attribute(JmxExporter.BROADCASTS, "Originated"));
    }

    @Test
    void deactivateUnregistersEveryNameItRegistered() {
        activateWithEverything();
        assertEquals(9, names().size(), names().toString());
        exporter.deactivate();
        assertEquals(Set.of(), names());
        assertEquals(Set.of(), exporter.registeredNames());
        // a service coming after deactivation registers nothing
        exporter.bindLanDiscovery(new Fakes.Lan());
        assertEquals(Set.of(), names());
    }

    @Test
    void activateAfterDeactivateRegistersThemAgain() {
        activateWithEverything();
        exporter.deactivate();
        exporter.activate();
        assertEquals(9, names().size(), names().toString());
    }

    @Test
    void aNameTakenBySomeoneElseIsLeftAlone() throws Exception {
        server.registerMBean(new javax.management.timer.Timer(), JmxExporter.NODE);
        exporter.bindNetwork(network);
        exporter.activate();
        assertEquals(Set.of(JmxExporter.CHANNELS, JmxExporter.PACKETS), exporter.registeredNames());
        exporter.deactivate();
        assertEquals(Set.of(JmxExporter.NODE), names(), "the foreign MBean stays");
    }

    @Test
    void pluginAttributesReflectTheirServices() throws Exception {
        activateWithEverything();

        CompositeData[] transfers = (CompositeData[]) attribute(JmxExporter.TRANSFERS, "Transfers");
        assertEquals(2, transfers.length);
        CompositeData t = transfers[0];
        assertEquals("t-1", t.get("id"));
        assertEquals(Fakes.Transfers.PEER.value(), t.get("peerId"));
        assertEquals("OUTGOING", t.get("direction"));
        assertEquals("FILE", t.get("format"));
        assertEquals("big.iso", t.get("name"));
        assertEquals(1000L, t.get("size"));
        assertEquals(250L, t.get("transferred"));
        assertEquals(25, t.get("percent"));
        assertEquals("RUNNING", t.get("state"));
        assertEquals(125L, t.get("bytesPerSecond"));
        assertEquals(Fakes.T0.toString(), t.get("startedAt"));
        assertEquals("DONE", transfers[1].get("state"));
        assertEquals(1, attribute(JmxExporter.TRANSFERS, "Active"));
        assertEquals(125L, attribute(JmxExporter.TRANSFERS, "BytesPerSecond"));
        assertEquals(1, attribute(JmxExporter.TRANSFERS, "FilesStored"));

        assertEquals(true, attribute(JmxExporter.DISCOVERY, "Running"));
        assertEquals(List.of("lo"), List.of((String[]) attribute(JmxExporter.DISCOVERY, "Interfaces")));
        assertEquals(List.of(8001, 8002, 8003), List.of((Integer[]) attribute(JmxExporter.DISCOVERY, "Ports")));
        assertEquals(8002, attribute(JmxExporter.DISCOVERY, "BroadcasterPort"));
        assertEquals(2500L, attribute(JmxExporter.DISCOVERY, "IntervalMillis"));
        assertEquals(11L, attribute(JmxExporter.DISCOVERY, "Sent"));
        assertEquals(9L, attribute(JmxExporter.DISCOVERY, "Received"));
        assertEquals(4L, attribute(JmxExporter.DISCOVERY, "Offered"));
        assertEquals(Map.of("bad_signature", 2L, "other_network", 1L),
                map((TabularData) attribute(JmxExporter.DISCOVERY, "Drops")));
        assertEquals(3L, attribute(JmxExporter.DISCOVERY, "DropsTotal"));

        assertEquals("AUTHORITY", attribute(JmxExporter.GENESIS, "Mode"));
        assertEquals("k1", attribute(JmxExporter.GENESIS, "LockedKeyId"));
        assertEquals(Fakes.T0.toString(), attribute(JmxExporter.GENESIS, "LastAttempt"));
        assertEquals("", attribute(JmxExporter.GENESIS, "LastSuccess"));
        assertEquals("refused: bad signature", attribute(JmxExporter.GENESIS, "LastResult"));
        assertEquals(8L, attribute(JmxExporter.GENESIS, "PeersOffered"));
        assertEquals(3L, attribute(JmxExporter.GENESIS, "RefusedAnswers"));

        assertEquals(6, attribute(JmxExporter.GENESIS_SERVER, "Registrations"));
        assertEquals(1.5, attribute(JmxExporter.GENESIS_SERVER, "RequestsPerSecond"));
        assertEquals(Map.of("rate_limited", 2L), map((TabularData) attribute(JmxExporter.GENESIS_SERVER, "Rejections")));

        assertEquals(5L, attribute(JmxExporter.BROADCASTS, "Refused"));
        assertEquals(4L, attribute(JmxExporter.BROADCASTS, "Relayed"));

        CompositeData[] routines = (CompositeData[]) attribute(JmxExporter.ROUTINES, "Routines");
        assertEquals("AddressBookSave", routines[0].get("name"), "by name");
        assertEquals(-1L, routines[0].get("lastDurationMillis"));
        assertEquals("", routines[0].get("lastRun"));
        assertEquals(120_000L, routines[1].get("intervalMillis"));
        assertEquals(1L, attribute(JmxExporter.ROUTINES, "Failures"));
        assertEquals(2L, attribute(JmxExporter.ROUTINES, "Overruns"));
    }

    @Test
    void everyAttributeIsAnOpenTypeAndDescribed() throws Exception {
        activateWithEverything();
        for (ObjectName name : names()) {
            MBeanInfo info = server.getMBeanInfo(name);
            assertEquals("true", info.getDescriptor().getFieldValue("mxbean"), name + " is an MXBean");
            assertTrue(info.getDescription().startsWith("p2pnet "), name + ": " + info.getDescription());
            assertEquals(0, info.getOperations().length, name + " is read-only");
            for (MBeanAttributeInfo a : info.getAttributes()) {
                assertNotNull(a.getDescriptor().getFieldValue("openType"), name + " " + a.getName());
                assertFalse(a.isWritable(), name + " " + a.getName());
                assertFalse(a.getDescription().equals("Attribute exposed for management")
                        || a.getDescription().isBlank(), name + " " + a.getName() + " has a description");
            }
        }
    }

    @Test
    void attributesCannotBeSet() throws Exception {
        exporter.bindNetwork(network);
        exporter.activate();
        assertThrows(javax.management.AttributeNotFoundException.class,
                () -> server.setAttribute(JmxExporter.NODE, new Attribute("PeerId", "x")));
    }

    @Test
    void peerEventsWithoutACoreAreIgnored() {
        exporter.peerEvent(new PeerEvent(PeerEvent.Kind.CONNECTED, FakePeerChannel.peer('b'),
                new PeerAddress("192.0.2.2", 1), ChannelDirection.INBOUND, Optional.empty()));
        exporter.bindNetwork(network);
        network.failure = new IllegalStateException("stopping");
        exporter.peerEvent(new PeerEvent(PeerEvent.Kind.DISCONNECTED, FakePeerChannel.peer('b'),
                new PeerAddress("192.0.2.2", 1), ChannelDirection.INBOUND, Optional.empty()));
    }

    private static Map<String, Long> map(TabularData table) {
        Map<String, Long> map = new HashMap<>();
        for (Object row : table.values()) {
            CompositeData r = (CompositeData) row;
            map.put((String) r.get("key"), (Long) r.get("value"));
        }
        return map;
    }

    /** A clock the test moves. */
    static final class MovingClock extends Clock {
        private volatile Instant now;

        MovingClock(Instant start) {
            now = start;
        }

        void move(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
