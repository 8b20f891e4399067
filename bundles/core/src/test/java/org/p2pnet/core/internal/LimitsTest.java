package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.trust.Admission;

/** maxChannelsPerIp, the watermarks with trimming, and protectedPeers. */
class LimitsTest extends NodeTestSupport {
    private FakeChannel inbound(String ip, RemotePeer peer) {
        return node.transport.inbound(FakeTransport.ephemeral(ip), peer.identity(7700));
    }

    private long rejected(DisconnectReason reason) {
        return node.network.status().rejections().getOrDefault(reason, 0L);
    }

    private CoreChannel coreChannel(RemotePeer peer) {
        return (CoreChannel) node.network.channel(peer.id).orElseThrow();
    }

    private int openChannels() {
        return node.network.activeChannels().size();
    }

    // ---------------------------------------------------------------- maxChannelsPerIp

    @Test
    void perIpLimitRefusesTheNextChannelNamingTheLimit() {
        RemotePeer guarded = new RemotePeer();
        node = TestNode.start(dir, "maxChannelsPerIp", 2, "protectedPeers", guarded.id.value());
        RemotePeer first = new RemotePeer();
        inbound("10.0.0.2", first);
        node.transport.outbound(FakeTransport.socket("10.0.0.2", 7701), new RemotePeer().identity(7701));

        ChannelException e = assertThrows(ChannelException.class, () -> inbound("10.0.0.2", new RemotePeer()));
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, e.reason());
        assertTrue(e.getMessage().contains("limit of 2 channels per IP address (maxChannelsPerIp)"), e.getMessage());
        assertTrue(e.getMessage().contains("10.0.0.2"), e.getMessage());
        ChannelException out = assertThrows(ChannelException.class, () -> node.transport.outbound(
                FakeTransport.socket("10.0.0.2", 7702), new RemotePeer().identity(7702)));
        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, out.reason(), "both directions count");
        assertEquals(2, rejected(DisconnectReason.TOO_MANY_CHANNELS));

        // a reconnect replaces the peer's channel: the count at that IP does not grow
        inbound("10.0.0.2", first);
        // protected peers are exempt; another IP has its own count
        inbound("10.0.0.2", guarded);
        inbound("10.0.0.3", new RemotePeer());
        assertEquals(4, openChannels());
        assertEquals(2, rejected(DisconnectReason.TOO_MANY_CHANNELS));
    }

    @Test
    void perIpLimitChangesLive() {
        node = TestNode.start(dir, "maxChannelsPerIp", 1);
        inbound("10.0.0.2", new RemotePeer());
        assertThrows(ChannelException.class, () -> inbound("10.0.0.2", new RemotePeer()));

        node.network.modified(TestConfigs.config(dir, "maxChannelsPerIp", 2));
        inbound("10.0.0.2", new RemotePeer());
        assertEquals(2, openChannels());
    }

    @Test
    void burstFromOneAddressLeavesAtMostTheLimitOpenAndCountsEveryRefusal() throws Exception {
        node = TestNode.start(dir);
        int limit = CoreSettings.from(TestConfigs.config(dir)).maxChannelsPerIp();
        RemotePeer neighbourIn = new RemotePeer();
        RemotePeer neighbourOut = new RemotePeer();
        FakeChannel in = inbound("10.0.0.2", neighbourIn);
        FakeChannel out = node.transport.outbound(FakeTransport.socket("10.0.0.3", 7700), neighbourOut.identity(7700));

        int attempts = 2_000;
        List<IdentityPacket> identities = IntStream.range(0, attempts).parallel()
                .mapToObj(i -> new RemotePeer().identity(7700)).toList();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Boolean>> results;
        try {
            List<Callable<Boolean>> tasks = new ArrayList<>();
            for (IdentityPacket identity : identities) {
                tasks.add(() -> {
                    try {
                        node.transport.inbound(FakeTransport.ephemeral("192.0.2.66"), identity);
                        return true;
                    } catch (ChannelException e) {
                        assertEquals(DisconnectReason.TOO_MANY_CHANNELS, e.reason());
                        return false;
                    }
                });
            }
            results = pool.invokeAll(tasks);
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(Await.TIMEOUT_MS, TimeUnit.MILLISECONDS));
        }
        int accepted = 0;
        for (Future<Boolean> r : results) {
            accepted += r.get() ? 1 : 0;
        }

        assertEquals(limit, accepted);
        assertEquals(attempts - limit, rejected(DisconnectReason.TOO_MANY_CHANNELS));
        assertEquals(limit, node.network.activeChannels().stream()
                .filter(c -> c.remoteAddress().host().equals("192.0.2.66")).count());
        assertTrue(in.isOpen() && out.isOpen());
        assertTrue(node.network.channel(neighbourIn.id).isPresent());
        assertTrue(node.network.channel(neighbourOut.id).isPresent());
        inbound("10.0.0.4", new RemotePeer());
        assertEquals(limit + 3, openChannels());
        assertEquals(0, node.peerEvents.stream().filter(ev -> ev.kind() == PeerEvent.Kind.DISCONNECTED).count());
    }

    // ---------------------------------------------------------------- watermarks

    @Test
    void trimmingKeepsProtectedAndTrustedPeersAndReachesTheLowWatermark() {
        RemotePeer guarded = new RemotePeer();
        node = TestNode.start(dir, "highWatermark", 6, "lowWatermark", 3, "protectedPeers", guarded.id.value());
        node.allowAll.admission = Admission.OPEN; // DEFAULT level: trimmable
        RemotePeer trusted = new RemotePeer();
        inbound("10.0.0.1", guarded);
        inbound("10.0.0.2", trusted);
        coreChannel(trusted).trustLevel(TrustLevel.ENHANCED);
        List<FakeChannel> others = new ArrayList<>();
        for (int i = 3; i <= 6; i++) {
            others.add(inbound("10.0.0." + i, new RemotePeer()));
        }
        assertEquals(6, openChannels(), "at the high watermark nothing is trimmed");
        assertEquals(0, rejected(DisconnectReason.TOO_MANY_CHANNELS));

        RemotePeer newest = new RemotePeer();
        inbound("10.0.0.7", newest);

        Await.until("trimmed to the low watermark", () -> openChannels() == 3);
        assertTrue(node.network.channel(guarded.id).isPresent());
        assertTrue(node.network.channel(trusted.id).isPresent());
        assertTrue(node.network.channel(newest.id).isPresent(), "the channel that started the trim stays");
        for (FakeChannel c : others) {
            assertFalse(c.isOpen());
            assertEquals(DisconnectReason.TOO_MANY_CHANNELS, c.closedWith);
            assertEquals("trimmed: 4 channels over the high watermark 6", c.closedMessage);
        }
        assertEquals(4, rejected(DisconnectReason.TOO_MANY_CHANNELS));
        assertEquals(4, node.peerEvents.stream().filter(ev -> ev.kind() == PeerEvent.Kind.DISCONNECTED
                && ev.disconnect().orElseThrow().reason() == DisconnectReason.TOO_MANY_CHANNELS).count());
    }

    @Test
    void loweringTheHighWatermarkLiveTrimsAtOnce() {
        node = TestNode.start(dir);
        node.allowAll.admission = Admission.OPEN; // DEFAULT level: trimmable
        for (int i = 1; i <= 5; i++) {
            inbound("10.0.1." + i, new RemotePeer());
        }
        node.network.modified(TestConfigs.config(dir, "highWatermark", 4, "lowWatermark", 2));
        Await.until("trimmed to the low watermark", () -> openChannels() == 2);
        assertEquals(3, rejected(DisconnectReason.TOO_MANY_CHANNELS));

        node.network.modified(TestConfigs.config(dir, "highWatermark", 4, "lowWatermark", 4));
        assertEquals(1, node.network.status().rejectedConfigurations(), "lowWatermark must stay below");
        assertEquals(2, openChannels());
    }

    @Test
    void trimmingOrderIsUntrustedThenLeastRecentlyActiveThenInboundFirst() {
        RemotePeer guarded = new RemotePeer();
        node = TestNode.start(dir);
        CoreSettings s = limits(5, 1, guarded);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        CoreChannel recentUntrusted = channel(new RemotePeer(), ChannelDirection.INBOUND, t.plusSeconds(90));
        recentUntrusted.trustLevel(TrustLevel.NONE);
        CoreChannel oldest = channel(new RemotePeer(), ChannelDirection.OUTBOUND, t);
        CoreChannel laterOutbound = channel(new RemotePeer(), ChannelDirection.OUTBOUND, t.plusSeconds(30));
        CoreChannel laterInbound = channel(new RemotePeer(), ChannelDirection.INBOUND, t.plusSeconds(30));
        CoreChannel enhanced = channel(new RemotePeer(), ChannelDirection.INBOUND, t.minusSeconds(60));
        enhanced.trustLevel(TrustLevel.ENHANCED);
        CoreChannel isProtected = channel(guarded, ChannelDirection.INBOUND, t.minusSeconds(60));
        CoreChannel spared = channel(new RemotePeer(), ChannelDirection.INBOUND, t.minusSeconds(90));
        List<CoreChannel> open = List.of(laterOutbound, isProtected, oldest, spared, enhanced, laterInbound,
                recentUntrusted);

        assertEquals(List.of(recentUntrusted, oldest, laterInbound, laterOutbound),
                Trimming.select(open, s, spared), "6 over 5: as many as can go, in order");
        assertEquals(List.of(), Trimming.select(open.subList(0, 5), s, null), "at the high watermark");
        assertEquals(List.of(recentUntrusted, spared, oldest), Trimming.select(open, limits(5, 4, guarded), null),
                "without a spared channel, 3 go");
        assertEquals(List.of(), Trimming.select(open, CoreSettings.from(TestConfigs.config(dir)), null), "off");
    }

    private CoreSettings limits(int high, int low, RemotePeer guarded) {
        return CoreSettings.from(TestConfigs.config(dir, "highWatermark", high, "lowWatermark", low,
                "protectedPeers", guarded.id.value()));
    }

    private CoreChannel channel(RemotePeer peer, ChannelDirection direction, Instant openedAt) {
        FakeChannel tc = new FakeChannel(FakeTransport.ephemeral("10.0.2.1"), direction);
        return new CoreChannel(node.network, null, tc, peer.id, 7700, openedAt);
    }
}
