package org.p2pnet.examples.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.trust.TrustRefusedException;
import org.p2pnet.testing.FakePeerChannel;

class ExampleTrustProtocolTest {
    private static final PeerId A = FakePeerChannel.peer('a');
    private static final PeerId B = FakePeerChannel.peer('b');

    /** One end of an in-memory channel: sends go to the other end's handler on another thread, unless muted. */
    static final class End implements PeerChannel {
        final String id;
        final PeerId peer;
        volatile ExampleTrustProtocol remote;
        volatile End remoteEnd;
        volatile boolean muted;
        final List<Packet> sent = new CopyOnWriteArrayList<>();

        End(String id, PeerId peer) {
            this.id = id;
            this.peer = peer;
        }

        @Override public String channelId() { return id; }
        @Override public PeerId peerId() { return peer; }
        @Override public PeerAddress remoteAddress() { return new PeerAddress("192.0.2.1", 40000); }
        @Override public PeerAddress listenAddress() { return new PeerAddress("192.0.2.1", 7700); }
        @Override public ChannelDirection direction() { return ChannelDirection.OUTBOUND; }
        @Override public TrustLevel trustLevel() { return TrustLevel.DEFAULT; }
        @Override public boolean trustPending() { return true; }
        @Override public long untrustedDrops() { return 0; }
        @Override public byte[] peerPublicKey() { return new byte[0]; }
        @Override public Instant openedAt() { return FakePeerChannel.OPENED; }
        @Override public Instant lastActivity() { return FakePeerChannel.LAST_ACTIVITY; }
        @Override public ChannelStats stats() { return new ChannelStats(0, 0, 0, 0); }
        @Override public boolean isOpen() { return true; }
        @Override public boolean isWritable() { return true; }
        @Override public CompletionStage<Void> whenWritable() { return CompletableFuture.completedFuture(null); }

        @Override
        public CompletionStage<Void> send(Packet packet) {
            sent.add(packet);
            ExampleTrustProtocol handler = remote;
            if (muted || handler == null) {
                return CompletableFuture.completedFuture(null);
            }
            return CompletableFuture.runAsync(() -> handler.handle(remoteEnd, packet));
        }

        @Override
        public CompletionStage<Void> disconnect(DisconnectReason reason, String message) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** a's channel to b, and b's to a, wired to each other's protocol. */
    private static End[] link(ExampleTrustProtocol a, ExampleTrustProtocol b) {
        End ab = new End("a-b", B);
        End ba = new End("b-a", A);
        ab.remote = b;
        ab.remoteEnd = ba;
        ba.remote = a;
        ba.remoteEnd = ab;
        return new End[] {ab, ba};
    }

    private static Throwable failure(CompletionStage<TrustLevel> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the run succeeded");
    }

    @Test
    void listedPeersElevateEachOtherAtOnce() throws Exception {
        ExampleTrustProtocol a = new ExampleTrustProtocol(Set.of(B), new Random(1));
        ExampleTrustProtocol b = new ExampleTrustProtocol(Set.of(A), new Random(2));
        End[] ends = link(a, b);

        CompletionStage<TrustLevel> aRun = a.run(ends[0]);
        CompletionStage<TrustLevel> bRun = b.run(ends[1]);

        assertEquals(TrustLevel.ENHANCED, aRun.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(TrustLevel.ENHANCED, bRun.toCompletableFuture().get(10, TimeUnit.SECONDS));
        assertEquals(ExampleTrustProtocol.TYPE, ends[0].sent.get(0).type());
    }

    @Test
    void aPeerNotListedIsRefused() throws Exception {
        ExampleTrustProtocol a = new ExampleTrustProtocol(Set.of(), new Random(1));
        End ab = new End("a-b", B);

        Throwable t = failure(a.run(ab));
        assertInstanceOf(TrustRefusedException.class, t);
        assertEquals("not on this node's allowedPeers list", t.getMessage());
        assertTrue(ab.sent.isEmpty());
    }

    @Test
    void aListedPeerThatDoesNotAnswerStaysPending() {
        ExampleTrustProtocol a = new ExampleTrustProtocol(Set.of(B), new Random(1));
        End ab = new End("a-b", B);
        ab.muted = true;
        CompletionStage<TrustLevel> run = a.run(ab);
        assertFalse(run.toCompletableFuture().isDone(), "the core times it out");
        a.deactivate();
        assertTrue(run.toCompletableFuture().isCompletedExceptionally());
    }

    @Test
    void deactivateFailsPendingRunsWithoutRefusing() throws Exception {
        ExampleTrustProtocol a = new ExampleTrustProtocol(Set.of(B), new Random(1));
        End ab = new End("a-b", B);
        ab.muted = true;
        CompletionStage<TrustLevel> run = a.run(ab);
        a.deactivate();
        assertInstanceOf(IllegalStateException.class, failure(run));
    }

    @Test
    void malformedAndUnknownPacketsAreIgnoredAndCounted() {
        ExampleTrustProtocol a = new ExampleTrustProtocol(Set.of(B), new Random(1));
        End ab = new End("a-b", B);
        ab.muted = true;
        a.handle(ab, RawPacket.json(ExampleTrustProtocol.TYPE, "nope"));
        a.handle(ab, RawPacket.json(ExampleTrustProtocol.TYPE, "{\"step\":\"echo\",\"nonce\":\"xyz\"}"));
        a.handle(ab, RawPacket.json(ExampleTrustProtocol.TYPE, "{\"step\":\"echo\",\"nonce\":\"" + "0".repeat(32)
                + "\",\"more\":1}"));
        a.handle(ab, ExampleTrustProtocol.message("echo-reply", "0".repeat(32)));
        assertEquals(4, a.ignored());
        assertTrue(ab.sent.isEmpty(), "nothing answered");

        a.handle(ab, ExampleTrustProtocol.message("echo", "0".repeat(32)));
        assertEquals(1, ab.sent.size(), "a good echo is answered");
    }

    @Test
    void allowedPeersAreParsedStrictly() {
        assertEquals(Set.of(A, B), ExampleTrustProtocol.parsePeers(" " + A.value() + " , " + B.value().toUpperCase() + ","));
        assertEquals(Set.of(), ExampleTrustProtocol.parsePeers(""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ExampleTrustProtocol.parsePeers(A.value() + ",abcd"));
        assertTrue(e.getMessage().contains("allowedPeers") && e.getMessage().contains("'abcd'"), e.getMessage());
    }
}
