package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.spi.TransportChannel;

class DuplicateChannelTest {
    @TempDir
    Path dir;

    private final List<TestNode> nodes = new ArrayList<>();

    @AfterEach
    void stop() {
        nodes.forEach(TestNode::close);
    }

    private TestNode start(Path storage) {
        TestNode n = TestNode.start(storage);
        nodes.add(n);
        return n;
    }

    private static PeerChannel only(TestNode node) {
        List<PeerChannel> channels = List.copyOf(node.network.activeChannels());
        assertEquals(1, channels.size(), "exactly one channel: " + channels);
        return channels.get(0);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"INBOUND", "OUTBOUND"})
    void sameDirectionTheNewChannelReplacesTheOld(ChannelDirection direction) {
        TestNode node = start(dir);
        RemotePeer peer = new RemotePeer();
        FakeChannel old = node.transport.identify(new FakeChannel(FakeTransport.ephemeral("10.0.0.2"), direction),
                peer.identity(7700));
        FakeChannel fresh = node.transport.identify(new FakeChannel(FakeTransport.ephemeral("10.0.0.2"), direction),
                peer.identity(7700));

        assertFalse(old.isOpen());
        assertEquals(DisconnectReason.DUPLICATE_CHANNEL, old.closedWith);
        assertTrue(fresh.isOpen());
        assertEquals(fresh.id(), only(node).channelId());
        assertEquals(1, node.network.status().rejections().get(DisconnectReason.DUPLICATE_CHANNEL));
        assertTrue(node.peerEvents.stream().noneMatch(e -> e.kind() == PeerEvent.Kind.DISCONNECTED),
                "a replaced channel ends without a DISCONNECTED event");
    }

    /**
     * One node, a peer that dialled it while it dialled the peer: whichever is identified first,
     * the channel dialled by the smaller id survives.
     */
    @ParameterizedTest(name = "remote id smaller: {0}, inbound identified first: {1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void oppositeDirectionsKeepTheChannelDialledByTheSmallerId(boolean remoteSmaller, boolean inboundFirst) {
        TestNode node = start(dir);
        RemotePeer peer = RemotePeer.ordered(node.network.identity().peerId(), remoteSmaller);
        ChannelDirection kept = remoteSmaller ? ChannelDirection.INBOUND : ChannelDirection.OUTBOUND;
        FakeChannel inbound = new FakeChannel(FakeTransport.ephemeral("10.0.0.2"), ChannelDirection.INBOUND);
        FakeChannel outbound = new FakeChannel(FakeTransport.socket("10.0.0.2", 7700), ChannelDirection.OUTBOUND);
        FakeChannel first = inboundFirst ? inbound : outbound;
        FakeChannel second = inboundFirst ? outbound : inbound;

        node.transport.identify(first, peer.identity(7700));
        if (second.direction == kept) {
            node.transport.identify(second, peer.identity(7700));
        } else {
            ChannelException e = assertThrows(ChannelException.class,
                    () -> node.transport.identify(second, peer.identity(7700)));
            assertEquals(DisconnectReason.DUPLICATE_CHANNEL, e.reason());
        }

        FakeChannel winner = kept == ChannelDirection.INBOUND ? inbound : outbound;
        FakeChannel loser = winner == inbound ? outbound : inbound;
        assertEquals(winner.id(), only(node).channelId());
        assertTrue(winner.isOpen());
        assertFalse(loser.isOpen());
        assertEquals(DisconnectReason.DUPLICATE_CHANNEL, loser.closedWith);
        assertEquals(1, node.network.status().rejections().get(DisconnectReason.DUPLICATE_CHANNEL));
    }

    /**
     * A pending connect() whose dial loses the duplicate rule completes with the surviving channel,
     * whether or not the transport passes the core's exception on, even when the survivor came
     * from another address than the one dialled (NAT, several interfaces).
     */
    @ParameterizedTest(name = "core exception passed on: {0}, survivor elsewhere: {1}")
    @CsvSource({"true,false", "false,false", "false,true"})
    void pendingConnectCompletesWithTheSurvivor(boolean sameException, boolean survivorElsewhere) {
        TestNode node = start(dir);
        RemotePeer peer = RemotePeer.ordered(node.network.identity().peerId(), true);
        PeerAddress address = new PeerAddress("10.0.0.2", 7700);
        CompletableFuture<TransportChannel> dial = new CompletableFuture<>();
        node.transport.answers.put(address, a -> dial);

        var connect = node.network.connect(address);
        FakeChannel inbound = node.transport.inbound(FakeTransport.ephemeral(survivorElsewhere ? "192.168.5.5" : "10.0.0.2"),
                peer.identity(survivorElsewhere ? 7799 : 7700));
        ChannelException lost = assertThrows(ChannelException.class, () -> node.transport.identify(
                new FakeChannel(FakeTransport.socket("10.0.0.2", 7700), ChannelDirection.OUTBOUND), peer.identity(7700)));
        assertInstanceOf(DuplicateChannelException.class, lost);
        // channel-tcp fails the dial with a ChannelException of its own, made from the close record
        dial.completeExceptionally(sameException ? lost
                : new ChannelException(DisconnectReason.DUPLICATE_CHANNEL, lost.getMessage()));

        PeerChannel result = Await.result(connect);
        assertEquals(inbound.id(), result.channelId());
        assertSame(only(node), result);
    }

    /** The transport of each end, its two identification steps, and how one end's refusal reaches the other. */
    private record Link(TestNode from, TestNode to, FakeChannel dialler, FakeChannel acceptor) {
        static Link between(TestNode from, String fromIp, TestNode to, String toIp) {
            FakeChannel d = new FakeChannel(FakeTransport.socket(toIp, 7700), ChannelDirection.OUTBOUND);
            FakeChannel a = new FakeChannel(FakeTransport.ephemeral(fromIp), ChannelDirection.INBOUND);
            d.otherEnd = a;
            a.otherEnd = d;
            return new Link(from, to, d, a);
        }

        void identifyAtDialler() {
            identify(from, dialler, to);
        }

        void identifyAtAcceptor() {
            identify(to, acceptor, from);
        }

        private static void identify(TestNode at, FakeChannel end, TestNode remote) {
            try {
                at.transport.identify(end, remote.network.localIdentity());
            } catch (ChannelException e) {
                assertEquals(DisconnectReason.DUPLICATE_CHANNEL, e.reason());
            }
        }
    }

    /**
     * Two nodes dial each other at once. For both id orders and every order of the four
     * identifications, both end with exactly one channel: the same connection, dialled by the
     * peer with the smaller id.
     */
    @Test
    void bothNodesReachTheSameDecisionInEveryOrder() {
        Path first = dir.resolve("first");
        Path second = dir.resolve("second");
        int runs = 0;
        for (boolean swap : new boolean[] {false, true}) {
            for (List<Integer> order : permutations(List.of(0, 1, 2, 3))) {
                TestNode a = start(swap ? second : first);
                TestNode b = start(swap ? first : second);
                Link ab = Link.between(a, "10.0.0.1", b, "10.0.0.2");
                Link ba = Link.between(b, "10.0.0.2", a, "10.0.0.1");
                List<Runnable> steps = List.of(ab::identifyAtDialler, ab::identifyAtAcceptor, ba::identifyAtDialler,
                        ba::identifyAtAcceptor);
                order.forEach(i -> steps.get(i).run());

                PeerId aId = a.network.identity().peerId();
                PeerId bId = b.network.identity().peerId();
                Link kept = aId.compareTo(bId) < 0 ? ab : ba;
                Link dropped = kept == ab ? ba : ab;
                String context = "order " + order + ", a smaller: " + (aId.compareTo(bId) < 0);
                assertEquals(kept.dialler().id(), only(kept.from()).channelId(), context);
                assertEquals(kept.acceptor().id(), only(kept.to()).channelId(), context);
                assertTrue(kept.dialler().isOpen() && kept.acceptor().isOpen(), context);
                assertFalse(dropped.dialler().isOpen() || dropped.acceptor().isOpen(), context);
                assertEquals(DisconnectReason.DUPLICATE_CHANNEL, dropped.dialler().closedWith, context);
                assertEquals(DisconnectReason.DUPLICATE_CHANNEL, dropped.acceptor().closedWith, context);
                a.close();
                b.close();
                nodes.clear();
                runs++;
            }
        }
        assertEquals(48, runs);
    }

    private static List<List<Integer>> permutations(List<Integer> items) {
        List<List<Integer>> out = new ArrayList<>();
        permute(new ArrayList<>(), new ArrayList<>(items), out::add);
        return out;
    }

    private static void permute(List<Integer> prefix, List<Integer> rest, Consumer<List<Integer>> out) {
        if (rest.isEmpty()) {
            out.accept(List.copyOf(prefix));
            return;
        }
        for (int i = 0; i < rest.size(); i++) {
            List<Integer> nextRest = new ArrayList<>(rest);
            prefix.add(nextRest.remove(i));
            permute(prefix, nextRest, out);
            prefix.remove(prefix.size() - 1);
        }
    }
}
