package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.TrustProtocol;
import org.p2pnet.api.trust.TrustRefusedException;
import org.p2pnet.api.trust.Verdict;

/** Trust levels enforced per packet, failing closed without a policy, trust protocol runs, policy changes. */
class TrustTest extends NodeTestSupport {
    private final RecordingHandler data = new RecordingHandler();
    private final RecordingHandler messages = new RecordingHandler();

    /** A trust protocol whose runs the test completes by hand. */
    static final class ManualProtocol implements TrustProtocol {
        final List<PeerChannel> runs = new CopyOnWriteArrayList<>();
        final CompletableFuture<TrustLevel> outcome = new CompletableFuture<>();

        @Override
        public CompletionStage<TrustLevel> run(PeerChannel channel) {
            runs.add(channel);
            return outcome;
        }
    }

    private void handlers() {
        node.bind(data, PacketTypes.DATA, 0);
        node.bind(messages, PacketTypes.MESSAGE, 0);
    }

    private static DataPacket data(int n) {
        return new DataPacket("t" + n, DataFormat.FILE, "f", n, 1000, "", false, new byte[4]);
    }

    private static MessagePacket message(int n) {
        return new MessagePacket(String.valueOf(n), "text " + n, 0);
    }

    private FakeChannel inbound(String ip, RemotePeer peer) {
        return node.transport.inbound(FakeTransport.ephemeral(ip), peer.identity(7700));
    }

    private PeerChannel channel(RemotePeer peer) {
        return node.network.channel(peer.id).orElseThrow();
    }

    private static List<Long> offsets(RecordingHandler h) {
        return h.packets().stream().map(p -> ((DataPacket) p).offset()).toList();
    }

    private TestNode.AllowAllPolicy bindPolicy(Admission admission, int ranking, String bundle) {
        TestNode.AllowAllPolicy policy = new TestNode.AllowAllPolicy();
        policy.admission = admission;
        node.network.addPolicy(LazyService.ofInstance(policy), FakeServices.handlerRef(null, ranking, bundle, 20));
        return policy;
    }

    private ManualProtocol bindProtocol() {
        ManualProtocol protocol = new ManualProtocol();
        node.network.addTrustProtocol(LazyService.ofInstance(protocol),
                FakeServices.handlerRef(null, 0, "test.protocol", 21));
        return protocol;
    }

    // ---------------------------------------------------------------- enforcement

    @Test
    void anUntrustedChannelsDataIsDroppedAndCountedWhileItsMessagesFlow() {
        node = TestNode.start(dir);
        node.allowAll.admission = Admission.OPEN;
        handlers();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        assertEquals(TrustLevel.DEFAULT, channel(peer).trustLevel());

        c.receive(data(1));
        c.receive(message(1));
        c.receive(PeerGroupPacket.request(3));

        assertEquals(0, data.count(), "DATA needs ENHANCED");
        assertEquals(1, messages.count(), "MESSAGE flows at DEFAULT");
        assertEquals(2, channel(peer).untrustedDrops());
        assertEquals(2, node.network.trustSummary().droppedUntrusted());
        assertTrue(c.isOpen(), "below maxUntrustedPackets the channel stays");
        assertEquals(0, node.network.trustedChannels().size());
    }

    @Test
    void levelNoneDropsMessagesTooButLetsTrustAndDisconnectThrough() {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.NONE, false, InboundMode.EVENT);
        handlers();
        RecordingHandler trust = new RecordingHandler();
        node.bind(trust, List.of(PacketTypes.TRUST, "TRUST.custom"), 0);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);

        c.receive(message(1));
        c.receive(new RawPacket(PacketTypes.TRUST, null, new byte[1]));
        c.receive(new RawPacket("TRUST.custom", null, new byte[1]));

        assertEquals(0, messages.count());
        assertEquals(2, trust.count(), "trust-protocol packets flow at NONE");
        assertEquals(1, channel(peer).untrustedDrops());
    }

    @Test
    void aChannelPastMaxUntrustedPacketsIsClosedWithNotTrusted() {
        node = TestNode.start(dir, "maxUntrustedPackets", 3);
        node.allowAll.admission = Admission.OPEN;
        handlers();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);

        for (int i = 1; i <= 3; i++) {
            c.receive(data(i));
        }
        assertTrue(c.isOpen(), "3 drops are allowed");
        c.receive(data(4));

        assertFalse(c.isOpen());
        assertEquals(DisconnectReason.NOT_TRUSTED, c.closedWith);
        assertEquals("sent 4 packets that need more than its trust level DEFAULT", c.closedMessage);
        TrustSummary summary = node.network.trustSummary();
        assertEquals(1, summary.closedUntrusted());
        assertEquals(4, summary.droppedUntrusted());
        assertEquals(1, node.network.rejections(DisconnectReason.NOT_TRUSTED));
        assertTrue(node.network.channel(peer.id).isEmpty());
    }

    @Test
    void setTrustLevelElevatesAndDemotesAndRefusesUnknownPeers() {
        node = TestNode.start(dir);
        node.allowAll.admission = Admission.OPEN;
        handlers();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);

        node.network.setTrustLevel(peer.id, TrustLevel.ENHANCED, "known friend");
        c.receive(data(1));
        assertEquals(1, data.count());
        assertEquals(1, node.network.trustedChannels().size());

        node.network.setTrustLevel(peer.id, TrustLevel.NONE, "");
        c.receive(message(1));
        assertEquals(0, messages.count());

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> node.network.setTrustLevel(new RemotePeer().id, TrustLevel.ENHANCED, "x"));
        assertTrue(e.getMessage().startsWith("no open channel with"), e.getMessage());
    }

    // ---------------------------------------------------------------- fail closed

    @Test
    void withoutAPolicyTheCoreFailsClosed() {
        node = TestNode.startWithoutPolicy(dir, "policyWaitSeconds", 0);
        handlers();
        RecordingHandler groups = new RecordingHandler();
        node.bind(groups, PacketTypes.PEER_GROUP, 0);
        TrustSummary summary = node.network.trustSummary();
        assertTrue(summary.failClosed());
        assertTrue(summary.policy().isEmpty());
        assertTrue(summary.protocol().isEmpty());

        RemotePeer dialled = new RemotePeer();
        FakeChannel out = node.transport.outbound(FakeTransport.socket("10.0.0.3", 7700), dialled.identity(7700));
        assertEquals(TrustLevel.DEFAULT, channel(dialled).trustLevel(), "outbound dials work, at DEFAULT");
        out.receive(data(1));
        out.receive(PeerGroupPacket.request(3));
        out.receive(message(1));
        assertEquals(0, data.count());
        assertEquals(0, groups.count());
        assertEquals(1, messages.count());
        assertEquals(2, node.network.trustSummary().droppedUntrusted());

        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> node.network.setTrustLevel(dialled.id, TrustLevel.ENHANCED, "try"));
        assertEquals(PeerNetworkImpl.NO_POLICY_ENHANCED, refused.getMessage());
        assertEquals(TrustLevel.DEFAULT, channel(dialled).trustLevel());

        RemotePeer caller = new RemotePeer();
        ChannelException e = assertThrows(ChannelException.class, () -> inbound("10.0.0.4", caller));
        assertEquals(DisconnectReason.NOT_TRUSTED, e.reason());
        assertEquals(PeerNetworkImpl.NO_POLICY_INBOUND, e.getMessage());
        assertEquals(1, node.network.rejections(DisconnectReason.NOT_TRUSTED));
        assertTrue(node.network.channel(caller.id).isEmpty());
    }

    @Test
    void aChannelTrustedBeyondDefaultIsCappedWhileFailingClosed() {
        node = TestNode.start(dir);
        handlers();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        assertEquals(TrustLevel.ENHANCED, channel(peer).trustLevel());

        node.network.unbindPeerPolicy(node.allowAllRef);
        c.receive(data(1));
        assertEquals(0, data.count(), "no policy: nothing beyond DEFAULT is enforced");
        assertEquals(TrustLevel.ENHANCED, channel(peer).trustLevel(), "the level as set is kept");
    }

    @Test
    void withInboundWithoutPolicyQueueInboundPeersAreHeld() {
        node = TestNode.startWithoutPolicy(dir, "inboundWithoutPolicy", "queue");
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);

        assertTrue(c.isOpen());
        assertEquals(1, node.network.inboundQueue().size());
        assertEquals(peer.id, node.network.inboundQueue().get(0).peerId());
        assertTrue(node.network.activeChannels().isEmpty());
        assertTrue(node.peerEvents.isEmpty());
        assertEquals(1, node.network.trustSummary().inboundQueued());

        PeerChannel accepted = Await.result(node.network.acceptInbound(node.network.inboundQueue().get(0).requestId()));
        assertEquals(TrustLevel.DEFAULT, accepted.trustLevel());
        assertTrue(node.network.channel(peer.id).isPresent());
    }

    // ---------------------------------------------------------------- startup wait for a policy

    @Test
    void anInboundPeerArrivingBeforeTheFirstPolicyIsHeldAndThatPolicyAdmitsIt() {
        node = TestNode.startWithoutPolicy(dir); // policyWaitSeconds 10 by default
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);

        assertTrue(c.isOpen(), "held, not refused");
        assertNull(c.closedWith);
        assertTrue(node.network.activeChannels().isEmpty());
        assertEquals(1, node.network.inboundQueue().size());
        assertEquals(0, node.network.rejections(DisconnectReason.NOT_TRUSTED));

        node.network.addPolicy(LazyService.ofInstance(node.allowAll), node.allowAllRef);
        Await.until("the first policy admitted the held peer", () -> node.network.channel(peer.id).isPresent());
        assertEquals(TrustLevel.ENHANCED, channel(peer).trustLevel(), "the level the policy gives");
        assertTrue(node.network.inboundQueue().isEmpty());
        assertTrue(c.isOpen());
    }

    @Test
    void theFirstPolicyRefusesAHeldPeerItBlocks() {
        node = TestNode.startWithoutPolicy(dir);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        assertTrue(c.isOpen());

        IncomingPeerPolicy blocking = new IncomingPeerPolicy() {
            @Override
            public Verdict checkAddress(InetAddress remote) {
                return Verdict.ALLOW;
            }

            @Override
            public Verdict checkPeer(PeerId id, InetAddress remote, ChannelDirection direction) {
                return Verdict.refuse(DisconnectReason.BLOCKED, "blocked by the test");
            }

            @Override
            public Admission admission(PeerId id, InetAddress remote, ChannelDirection direction) {
                return new Admission(TrustLevel.ENHANCED, false, InboundMode.EVENT);
            }
        };
        node.network.addPolicy(LazyService.ofInstance(blocking), node.allowAllRef);
        Await.until("the held peer was refused", () -> c.closedWith != null);
        assertEquals(DisconnectReason.BLOCKED, c.closedWith);
        assertTrue(node.network.channel(peer.id).isEmpty());
        assertTrue(node.network.inboundQueue().isEmpty());
    }

    @Test
    void aHeldPeerIsRefusedWhenNoPolicyComesWithinTheWait() {
        node = TestNode.startWithoutPolicy(dir, "policyWaitSeconds", 1);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        assertTrue(c.isOpen());
        Await.until("the wait ended", () -> c.closedWith != null);
        assertEquals(DisconnectReason.NOT_TRUSTED, c.closedWith);
        assertEquals(1, node.network.rejections(DisconnectReason.NOT_TRUSTED));
        assertTrue(node.network.inboundQueue().isEmpty());

        ChannelException late = assertThrows(ChannelException.class, () -> inbound("10.0.0.3", new RemotePeer()));
        assertEquals(PeerNetworkImpl.NO_POLICY_INBOUND, late.getMessage(), "after the wait: refused at once");
    }

    @Test
    void onceAPolicyWasInstalledItsRemovalRefusesAtOnceAsBefore() {
        node = TestNode.start(dir);
        node.network.unbindPeerPolicy(node.allowAllRef);
        ChannelException e = assertThrows(ChannelException.class, () -> inbound("10.0.0.4", new RemotePeer()));
        assertEquals(DisconnectReason.NOT_TRUSTED, e.reason());
        assertEquals(PeerNetworkImpl.NO_POLICY_INBOUND, e.getMessage());
    }

    // ---------------------------------------------------------------- trust protocol runs

    @Test
    void aProtocolThatElevatesReleasesHeldPacketsInOrder() throws Exception {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT);
        ManualProtocol protocol = bindProtocol();
        CountDownLatch firstDelivery = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<Packet> delivered = new CopyOnWriteArrayList<>();
        node.bind((ch, p) -> {
            delivered.add(p);
            firstDelivery.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, PacketTypes.DATA, 0);
        node.bind(messages, PacketTypes.MESSAGE, 0);
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        assertTrue(channel(peer).trustPending());
        Await.until("the protocol runs", () -> protocol.runs.size() == 1);
        assertEquals(peer.id, protocol.runs.get(0).peerId());

        c.receive(data(1));
        c.receive(message(1));
        c.receive(data(2));
        assertEquals(1, messages.count(), "packets within the level flow while the protocol runs");
        assertTrue(delivered.isEmpty(), "DATA is held");

        protocol.outcome.complete(TrustLevel.ENHANCED);
        assertTrue(firstDelivery.await(10, TimeUnit.SECONDS), "the release started");
        c.receive(data(3)); // arrives while the held ones are released: it must queue behind them
        release.countDown();

        Await.until("every DATA delivered", () -> delivered.size() == 3);
        assertEquals(List.of(1L, 2L, 3L), delivered.stream().map(p -> ((DataPacket) p).offset()).toList());
        Await.until("pending ends", () -> !channel(peer).trustPending());
        assertEquals(TrustLevel.ENHANCED, channel(peer).trustLevel());
        assertEquals(0, channel(peer).untrustedDrops());
    }

    @Test
    void aProtocolThatRefusesEndsTheChannelWithNotTrusted() {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT);
        ManualProtocol protocol = bindProtocol();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        Await.until("the protocol runs", () -> protocol.runs.size() == 1);

        protocol.outcome.completeExceptionally(new CompletionException(new TrustRefusedException("wrong network secret")));

        Await.until("closed", () -> !c.isOpen());
        assertEquals(DisconnectReason.NOT_TRUSTED, c.closedWith);
        assertEquals("wrong network secret", c.closedMessage);
        assertEquals(1, node.network.rejections(DisconnectReason.NOT_TRUSTED));
    }

    @Test
    void aProtocolThatTimesOutLeavesTheLevelAndDropsTheHeldPackets() {
        node = TestNode.start(dir, "trustProtocolTimeoutSeconds", 1);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT);
        ManualProtocol protocol = bindProtocol();
        handlers();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        c.receive(data(1));
        c.receive(data(2));
        assertEquals(0, channel(peer).untrustedDrops(), "held, not dropped, while pending");

        Await.until("the run times out", () -> !channel(peer).trustPending());
        assertEquals(1, protocol.runs.size());
        assertEquals(TrustLevel.DEFAULT, channel(peer).trustLevel());
        assertEquals(0, data.count());
        assertEquals(2, channel(peer).untrustedDrops());
        assertEquals(2, node.network.trustSummary().droppedUntrusted());
        assertTrue(c.isOpen());
    }

    @Test
    void aFailingProtocolLeavesTheLevelAndWithoutAProtocolPendingEndsAtOnce() {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.ENHANCED, true, InboundMode.EVENT);
        handlers();
        RemotePeer first = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", first);
        assertFalse(channel(first).trustPending(), "no protocol installed: nothing to wait for");
        c.receive(data(1));
        assertEquals(1, data.count());

        node.network.addTrustProtocol(LazyService.ofInstance(ch -> {
            throw new IllegalStateException("protocol bug");
        }), FakeServices.handlerRef(null, 0, "test.broken", 22));
        RemotePeer second = new RemotePeer();
        inbound("10.0.0.3", second);
        Await.until("the failed run ends pending", () -> !channel(second).trustPending());
        assertEquals(TrustLevel.ENHANCED, channel(second).trustLevel());
        assertTrue(channel(second).isOpen());
    }

    /**
     * Finding (issue 10 soak): a node restarted after a crash admitted its first channels while its
     * trust bundle had registered the policy but not yet the protocol; those channels stayed at their
     * admitted level for good. The protocol now runs on them when it is bound.
     */
    @Test
    void aProtocolBoundAfterTheChannelsRunsOnThoseThatWantedOne() {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT);
        handlers();
        RemotePeer early = new RemotePeer();
        inbound("10.0.0.2", early);
        assertFalse(channel(early).trustPending(), "no protocol installed: nothing to wait for");
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, false, InboundMode.EVENT);
        RemotePeer noRunWanted = new RemotePeer();
        inbound("10.0.0.3", noRunWanted);

        ManualProtocol protocol = bindProtocol();
        Await.until("the owed run starts", () -> protocol.runs.size() == 1);
        assertEquals(early.id, protocol.runs.get(0).peerId(), "only the channel whose policy wanted a run");
        protocol.outcome.complete(TrustLevel.ENHANCED);
        Await.until("elevated", () -> channel(early).trustLevel() == TrustLevel.ENHANCED);
        assertEquals(TrustLevel.DEFAULT, channel(noRunWanted).trustLevel());

        ManualProtocol another = bindProtocol();
        assertTrue(another.runs.isEmpty() && protocol.runs.size() == 1, "a run is owed once, not at every binding");
    }

    @Test
    void anOperatorsDecisionCancelsTheRunOwedToAChannel() {
        node = TestNode.start(dir);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT);
        handlers();
        RemotePeer decided = new RemotePeer();
        inbound("10.0.0.2", decided);
        RemotePeer owed = new RemotePeer();
        inbound("10.0.0.3", owed);
        node.network.setTrustLevel(decided.id, TrustLevel.ENHANCED, "operator");

        ManualProtocol protocol = bindProtocol();
        Await.until("the run still owed starts", () -> protocol.runs.size() == 1);
        assertEquals(owed.id, protocol.runs.get(0).peerId(), "not the channel the operator decided");
        assertEquals(TrustLevel.ENHANCED, channel(decided).trustLevel());
    }

    @Test
    void heldPacketsAreBoundedAndTheRestDroppedAndCounted() {
        node = TestNode.start(dir, "maxUntrustedPackets", 1000);
        node.allowAll.admission = new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT);
        bindProtocol();
        handlers();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);
        for (int i = 0; i < CoreChannel.MAX_HELD_PACKETS + 10; i++) {
            c.receive(data(i));
        }
        assertEquals(10, channel(peer).untrustedDrops());
        assertEquals(CoreChannel.MAX_HELD_PACKETS, ((CoreChannel) channel(peer)).heldCount());

        node.network.setTrustLevel(peer.id, TrustLevel.ENHANCED, "operator");
        assertFalse(channel(peer).trustPending());
        assertEquals(CoreChannel.MAX_HELD_PACKETS, data.count());
        assertEquals(0L, offsets(data).get(0));
    }

    // ---------------------------------------------------------------- policy changes

    @Test
    void replacingThePolicyKeepsExistingChannelsAndAppliesToNewOnes() {
        node = TestNode.start(dir);
        bindPolicy(new Admission(TrustLevel.ENHANCED, false, InboundMode.EVENT), 10, "test.first");
        RemotePeer before = new RemotePeer();
        inbound("10.0.0.2", before);
        assertEquals(TrustLevel.ENHANCED, channel(before).trustLevel());

        bindPolicy(Admission.OPEN, 20, "test.second");
        RemotePeer after = new RemotePeer();
        inbound("10.0.0.3", after);

        assertEquals(TrustLevel.ENHANCED, channel(before).trustLevel(), "existing channels keep their level");
        assertEquals(TrustLevel.DEFAULT, channel(after).trustLevel(), "the new policy admits new channels");
        String policy = node.network.trustSummary().policy().orElseThrow();
        assertTrue(policy.endsWith("(bundle test.second)"), policy);
        assertTrue(policy.startsWith(TestNode.AllowAllPolicy.class.getName()), policy);
        assertFalse(node.network.trustSummary().failClosed());
    }

    @Test
    void aPolicyBindingAfterAFailClosedPeriodReadmitsItsChannels() {
        node = TestNode.startWithoutPolicy(dir);
        ManualProtocol protocol = bindProtocol();
        handlers();
        RemotePeer peer = new RemotePeer();
        FakeChannel c = node.transport.outbound(FakeTransport.socket("10.0.0.3", 7700), peer.identity(7700));
        assertEquals(TrustLevel.DEFAULT, channel(peer).trustLevel());
        assertTrue(protocol.runs.isEmpty(), "no trust protocol while failing closed");

        bindPolicy(new Admission(TrustLevel.DEFAULT, true, InboundMode.EVENT), 0, "test.late");
        Await.until("the protocol runs on the re-admitted channel", () -> protocol.runs.size() == 1);
        assertTrue(channel(peer).trustPending());
        c.receive(data(1));
        protocol.outcome.complete(TrustLevel.ENHANCED);

        Await.until("elevated", () -> channel(peer).trustLevel() == TrustLevel.ENHANCED);
        Await.until("held DATA delivered", () -> data.count() == 1);
        assertFalse(node.network.trustSummary().failClosed());
        String protocolName = node.network.trustSummary().protocol().orElseThrow();
        assertTrue(protocolName.endsWith("(bundle test.protocol)"), protocolName);
    }

    @Test
    void peerPublicKeyIsTheIdentitysKeyAsACopy() {
        node = TestNode.start(dir);
        RemotePeer peer = new RemotePeer();
        inbound("10.0.0.2", peer);
        byte[] key = channel(peer).peerPublicKey();
        assertTrue(java.util.Arrays.equals(peer.keys.getPublic().getEncoded(), key));
        key[0] ^= 1;
        assertTrue(java.util.Arrays.equals(peer.keys.getPublic().getEncoded(), channel(peer).peerPublicKey()));
        assertInstanceOf(CoreChannel.class, channel(peer));
    }

    @Test
    void trustSettingsApplyLiveAndAnInvalidOneKeepsThePreviousConfiguration() {
        node = TestNode.start(dir);
        node.allowAll.admission = Admission.OPEN;
        handlers();
        node.network.modified(TestConfigs.config(dir, "maxUntrustedPackets", 1));
        node.network.modified(TestConfigs.config(dir, "maxUntrustedPackets", 5, "inboundWithoutPolicy", "maybe"));
        assertEquals(1, node.network.status().rejectedConfigurations());
        RemotePeer peer = new RemotePeer();
        FakeChannel c = inbound("10.0.0.2", peer);

        c.receive(data(1));
        assertTrue(c.isOpen());
        c.receive(data(2));
        assertEquals(DisconnectReason.NOT_TRUSTED, c.closedWith, "maxUntrustedPackets 1 is in force");
        assertEquals(CoreSettings.InboundWithoutPolicy.REFUSE, node.network.settings().inboundWithoutPolicy());
    }
}
