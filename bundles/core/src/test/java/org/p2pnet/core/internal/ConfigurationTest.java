package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;

class ConfigurationTest extends NodeTestSupport {
    @Test
    void defaultsAreValid() {
        CoreSettings s = CoreSettings.from(TestConfigs.config(dir));
        assertEquals(7700, s.port());
        assertEquals("0.0.0.0", s.bindAddress());
        assertEquals("p2pnet", s.networkName());
        assertTrue(s.acceptInbound());
        assertEquals(16 * 1024 * 1024, s.maxFrameSize());
        assertEquals(64, s.maxInboundChannels());
        assertEquals(64, s.maxOutboundChannels());
        assertEquals(Duration.ofSeconds(10), s.handshakeTimeout());
        assertEquals(Duration.ofMinutes(60), s.idleTimeout());
        assertEquals(32 * 1024, s.writeBufferLowWaterMark());
        assertEquals(64 * 1024, s.writeBufferHighWaterMark());
        assertEquals(16L * 1024 * 1024, s.writeBufferLimit());
        assertEquals(10_000, s.pendingBufferCapacity());
        assertEquals(Duration.ofSeconds(30), s.pendingBufferMaxWait());
        assertEquals(64L * 1024 * 1024, s.pendingBufferMaxBytes());
        assertEquals(dir.toAbsolutePath().normalize(), s.storageDir());
        assertEquals(3, s.minPeers());
        assertEquals(8, s.maxChannelsPerIp());
        assertEquals(0, s.highWatermark());
        assertEquals(0, s.lowWatermark());
        assertFalse(s.trims());
        assertEquals(Set.of(), s.protectedPeers());
        assertEquals(Duration.ZERO, CoreSettings.from(TestConfigs.config(dir, "idleTimeoutMinutes", 0)).idleTimeout());
    }

    @Test
    void emptyStorageDirFollowsKarafData() {
        String previous = System.getProperty(CoreSettings.KARAF_DATA);
        System.setProperty(CoreSettings.KARAF_DATA, dir.toString());
        try {
            CoreSettings s = CoreSettings.from(TestConfigs.config(dir, "storageDir", ""));
            assertEquals(dir.resolve("p2pnet").toAbsolutePath().normalize(), s.storageDir());
            System.clearProperty(CoreSettings.KARAF_DATA);
            s = CoreSettings.from(TestConfigs.config(dir, "storageDir", ""));
            assertEquals(Path.of("data", "p2pnet").toAbsolutePath().normalize(), s.storageDir());
        } finally {
            if (previous == null) {
                System.clearProperty(CoreSettings.KARAF_DATA);
            } else {
                System.setProperty(CoreSettings.KARAF_DATA, previous);
            }
        }
    }

    @Test
    void literalAddressesAndHostNamesAreAccepted() {
        for (String address : new String[] {"0.0.0.0", "::", "127.0.0.1", "fe80::1%1", "node-1.example.org", "localhost"}) {
            assertEquals(address, CoreSettings.from(TestConfigs.config(dir, "bindAddress", address)).bindAddress());
        }
    }

    static Stream<Arguments> invalidValues() {
        return Stream.of(
                Arguments.of("port", 70000, "70000"),
                Arguments.of("port", -1, "-1"),
                Arguments.of("bindAddress", "not a host!", "'not a host!'"),
                Arguments.of("bindAddress", "", "''"),
                Arguments.of("bindAddress", "300.1.1.1.", "'300.1.1.1.'"),
                Arguments.of("networkName", "", "''"),
                Arguments.of("networkName", "n".repeat(129), "'" + "n".repeat(129) + "'"),
                Arguments.of("maxFrameSize", 32, "32"),
                Arguments.of("maxFrameSize", 512 * 1024 * 1024, String.valueOf(512 * 1024 * 1024)),
                Arguments.of("maxInboundChannels", 0, "0"),
                Arguments.of("maxOutboundChannels", -5, "-5"),
                Arguments.of("handshakeTimeoutSeconds", 0, "0"),
                Arguments.of("idleTimeoutMinutes", -1, "-1"),
                Arguments.of("writeBufferLowWaterMark", 0, "0"),
                Arguments.of("writeBufferHighWaterMark", 32 * 1024, "32768"),
                Arguments.of("writeBufferLimit", 1000L, "1000"),
                Arguments.of("pendingBufferCapacity", 0, "0"),
                Arguments.of("pendingBufferMaxWaitSeconds", 0, "0"),
                Arguments.of("pendingBufferMaxBytes", 0L, "0"),
                Arguments.of("pendingBufferMaxBytes", -1L, "-1"),
                Arguments.of("storageDir", "bad\u0000path", "'bad\u0000path'"),
                Arguments.of("minPeers", 0, "0"),
                Arguments.of("minPeers", 65, "65"),
                Arguments.of("maxChannelsPerIp", 0, "0"),
                Arguments.of("maxChannelsPerIp", 1025, "1025"),
                Arguments.of("highWatermark", -1, "-1"),
                Arguments.of("highWatermark", 4097, "4097"),
                Arguments.of("lowWatermark", -1, "-1"),
                Arguments.of("lowWatermark", 4097, "4097"),
                Arguments.of("maxUntrustedPackets", 0, "0"),
                Arguments.of("maxUntrustedPackets", 1_000_001, "1000001"),
                Arguments.of("inboundWithoutPolicy", "maybe", "'maybe'"),
                Arguments.of("inboundWithoutPolicy", "", "''"),
                Arguments.of("inboundQueueCapacity", 0, "0"),
                Arguments.of("inboundQueueCapacity", 10_001, "10001"),
                Arguments.of("inboundQueueTimeoutSeconds", 0, "0"),
                Arguments.of("inboundQueueTimeoutSeconds", 3601, "3601"),
                Arguments.of("trustProtocolTimeoutSeconds", 0, "0"),
                Arguments.of("trustProtocolTimeoutSeconds", 301, "301"),
                Arguments.of("addressBookMaxEntries", 15, "15"),
                Arguments.of("addressBookMaxEntries", 1_000_001, "1000001"),
                Arguments.of("addressBookMaxPerGroup", 0, "0"),
                Arguments.of("addressBookMaxPerGroup", 100_001, "100001"),
                Arguments.of("protectedPeers", "abc", "'abc'"),
                Arguments.of("protectedPeers", "a".repeat(64) + ",g" + "a".repeat(63),
                        "'" + "a".repeat(64) + ",g" + "a".repeat(63) + "'"));
    }

    @ParameterizedTest(name = "{0} = {2}")
    @MethodSource("invalidValues")
    void invalidValueFailsActivationNamingKeyAndValue(String key, Object value, String shown) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PeerNetworkImpl(TestConfigs.config(dir, key, value), "p2pnet/test"));
        assertTrue(e.getMessage().contains("'" + key + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(shown), e.getMessage());
        assertTrue(e instanceof InvalidConfigurationException ice && ice.key().equals(key));
    }

    @Test
    void lowWatermarkMustBeBelowTheHighWatermarkNamingBoth() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> CoreSettings.from(TestConfigs.config(dir, "highWatermark", 10, "lowWatermark", 10)));
        assertEquals("lowWatermark", e.key());
        assertTrue(e.getMessage().contains("'lowWatermark': 10") && e.getMessage().contains("highWatermark 10"),
                e.getMessage());
        CoreSettings s = CoreSettings.from(TestConfigs.config(dir, "highWatermark", 10, "lowWatermark", 9));
        assertTrue(s.trims());
        assertEquals(9, s.lowWatermark());
        assertEquals(5, CoreSettings.from(TestConfigs.config(dir, "lowWatermark", 5)).lowWatermark(),
                "without a high watermark the low one is not compared");
    }

    @Test
    void protectedPeersAreCommaSeparatedIds() {
        String a = "AB".repeat(32);
        String b = "0123456789abcdef".repeat(4);
        CoreSettings s = CoreSettings.from(TestConfigs.config(dir, "protectedPeers", " " + a + " ,, " + b + ","));
        assertEquals(Set.of(PeerId.parse(a), PeerId.parse(b)), s.protectedPeers());
        assertTrue(s.isProtected(PeerId.parse(a.toLowerCase())));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> CoreSettings.from(TestConfigs.config(dir, "protectedPeers", a + ",1234")));
        assertTrue(e.getMessage().contains("'1234' is not a peer id"), e.getMessage());
    }

    @Test
    void invalidLimitUpdateIsRefusedAndCounted() {
        node = TestNode.start(dir, "maxChannelsPerIp", 4);
        node.network.modified(TestConfigs.config(dir, "maxChannelsPerIp", 4, "protectedPeers", "nope"));
        node.network.modified(TestConfigs.config(dir, "maxChannelsPerIp", 2000));
        assertEquals(2, node.network.status().rejectedConfigurations());
        assertEquals(4, node.network.settings().maxChannelsPerIp());
        assertEquals(Set.of(), node.network.settings().protectedPeers());
    }

    @Test
    void addressBookBoundsChangeLiveAndInvalidOnesKeepThePreviousBounds() {
        node = TestNode.start(dir);
        assertEquals(10_000, node.network.settings().addressBookMaxEntries());
        assertEquals(256, node.network.settings().addressBookMaxPerGroup());
        for (int i = 1; i <= 6; i++) {
            node.network.book().offered(new RemotePeer().id, new org.p2pnet.api.PeerAddress("10.1.0." + i, 7700),
                    "genesis");
        }

        node.network.modified(TestConfigs.config(dir, "addressBookMaxPerGroup", 0));
        assertEquals(1, node.network.status().rejectedConfigurations());
        assertEquals(256, node.network.settings().addressBookMaxPerGroup());

        node.network.modified(TestConfigs.config(dir, "addressBookMaxEntries", 16, "addressBookMaxPerGroup", 4));
        assertEquals(16, node.network.settings().addressBookMaxEntries());
        node.network.saveAddressBook();
        assertEquals(4, node.network.addressBook().size(), "the new per-group bound applies at the next save");
    }

    @Test
    void invalidModifiedConfigurationKeepsThePreviousOne() {
        node = TestNode.start(dir);
        node.network.modified(TestConfigs.config(dir, "networkName", "other", "port", 70000));

        assertEquals(1, node.network.status().rejectedConfigurations());
        assertEquals("p2pnet", node.network.identity().networkName());
        assertEquals(7700, node.network.identity().listenPort());
        assertEquals(0, node.transport.reconfigures.get());

        node.network.modified(TestConfigs.config(dir, "networkName", "other"));
        assertEquals("other", node.network.identity().networkName());
        assertEquals("other", node.host().localIdentity().networkName());
        assertEquals(1, node.network.status().rejectedConfigurations());
    }

    @Test
    void minPeersIsTheConfiguredValueAndChangesLive() {
        assertEquals(1, CoreSettings.from(TestConfigs.config(dir, "minPeers", 1)).minPeers());
        assertEquals(64, CoreSettings.from(TestConfigs.config(dir, "minPeers", 64)).minPeers());
        node = TestNode.start(dir, "minPeers", 5);
        assertEquals(5, node.network.minPeers());

        node.network.modified(TestConfigs.config(dir, "minPeers", 8));
        assertEquals(8, node.network.minPeers());

        node.network.modified(TestConfigs.config(dir, "minPeers", 0));
        assertEquals(8, node.network.minPeers(), "an invalid value leaves the one in force");
        assertEquals(1, node.network.status().rejectedConfigurations());
        assertEquals(0, node.transport.reconfigures.get(), "minPeers does not touch the listener");
    }

    @Test
    void portChangeReconfiguresTheTransportAndKeepsChannels() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        FakeChannel channel = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7700));

        node.network.modified(TestConfigs.config(dir, "port", 7800));

        assertEquals(1, node.transport.reconfigures.get());
        assertEquals(7800, node.host().settings().port());
        assertEquals(new PeerAddress("0.0.0.0", 7800), node.network.status().listening());
        assertEquals(7800, node.network.identity().listenPort());
        assertTrue(channel.isOpen());
        assertTrue(node.network.channel(peer.id).isPresent());

        node.network.modified(TestConfigs.config(dir, "port", 7800, "maxFrameSize", 1024));
        assertEquals(1, node.transport.reconfigures.get(), "only a listener change rebinds");
        assertEquals(1024, node.host().settings().maxFrameSize());
    }

    /**
     * A move to a port another process holds: the channels and the old listener stay, p2p:status
     * says why and when the node tries again, and the move happens once the port is free.
     */
    @Test
    void failedMoveKeepsChannelsAndTheOldListenerSaysWhyAndIsTriedAgain() {
        node = TestNode.start(dir);
        PeerAddress before = node.network.status().listening();
        RemotePeer peer = new RemotePeer();
        FakeChannel channel = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7700));
        node.transport.reconfigureFailure = new IOException("cannot move the listener from " + before + " to"
                + " 0.0.0.0:7900: Address already in use; still listening on " + before);

        node.network.modified(TestConfigs.config(dir, "port", 7900));

        assertEquals(before, node.network.status().listening(), "the old listener is kept");
        String problem = node.network.status().listenProblem();
        assertTrue(problem.contains("Address already in use") && problem.contains("next attempt at"), problem);
        assertTrue(channel.isOpen());
        assertEquals("fake", node.network.status().transport());
        Await.until("a second attempt to move", () -> node.transport.reconfigures.get() >= 2);

        node.transport.reconfigureFailure = null; // the process holding 7900 went away
        Await.until("listening on the new port", () -> node.network.status().listening().port() == 7900);
        assertNull(node.network.status().listenProblem());
        assertEquals(7900, node.network.identity().listenPort());
        assertTrue(channel.isOpen());
    }

    @Test
    void aMoveThatLostTheListenerReportsNotListeningWithTheReason() {
        node = TestNode.start(dir);
        node.transport.reconfigureFailureLosesListener = true;
        node.transport.reconfigureFailure = new IOException("cannot move the listener: Address already in use;"
                + " binding the old address again failed too: not listening");

        node.network.modified(TestConfigs.config(dir, "port", 7901));

        assertNull(node.network.status().listening());
        assertEquals(0, node.network.identity().listenPort());
        assertTrue(node.network.status().listenProblem().contains("binding the old address again failed too"));
        node.transport.reconfigureFailure = null;
        Await.until("listening again", () -> node.network.status().listening() != null);
        assertEquals(7901, node.network.status().listening().port());
        assertNull(node.network.status().listenProblem());
    }

    /** A transport that does not say where it listens (SPI 1.2) is taken as not listening after a failed move. */
    @Test
    void aTransportThatDoesNotSayWhereItListensCountsAsNotListeningAfterAFailedMove() {
        node = TestNode.start(dir);
        node.transport.saysWhereItListens = false;
        RemotePeer peer = new RemotePeer();
        FakeChannel channel = node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), peer.identity(7700));
        node.transport.reconfigureFailure = new IOException("Address already in use: 0.0.0.0:80");

        node.network.modified(TestConfigs.config(dir, "port", 80));

        assertNull(node.network.status().listening());
        assertEquals(0, node.network.identity().listenPort());
        assertTrue(node.network.status().listenProblem().startsWith("Address already in use: 0.0.0.0:80"));
        assertTrue(channel.isOpen());
    }

    /** Going back to the port it still listens on ends the attempts to move. */
    @Test
    void settingThePortBackAfterAFailedMoveEndsTheAttempts() {
        node = TestNode.start(dir);
        int port = node.network.status().listening().port();
        node.transport.reconfigureFailure = new IOException("Address already in use: 0.0.0.0:7902");
        node.network.modified(TestConfigs.config(dir, "port", 7902));
        assertTrue(node.network.status().listenProblem() != null);

        node.transport.reconfigureFailure = null;
        node.network.modified(TestConfigs.config(dir, "port", port));

        assertNull(node.network.status().listenProblem());
        assertEquals(port, node.network.status().listening().port());
    }

    @Test
    void acceptInboundIsToggledLive() {
        node = TestNode.start(dir);
        node.network.modified(TestConfigs.config(dir, "acceptInbound", false));
        assertFalse(node.network.status().acceptInbound());

        ChannelException refused = assertThrows(ChannelException.class,
                () -> node.transport.inbound(FakeTransport.ephemeral("10.0.0.2"), new RemotePeer().identity(7700)));
        assertEquals(DisconnectReason.INBOUND_DISABLED, refused.reason());
        assertEquals(1, node.network.status().rejections().get(DisconnectReason.INBOUND_DISABLED));

        node.network.modified(TestConfigs.config(dir, "acceptInbound", true));
        RemotePeer peer = new RemotePeer();
        node.transport.inbound(FakeTransport.ephemeral("10.0.0.3"), peer.identity(7700));
        assertTrue(node.network.channel(peer.id).isPresent());
        assertEquals(0, node.transport.reconfigures.get());
    }
}
