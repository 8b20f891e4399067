package org.p2pnet.trust.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.TrustRefusedException;
import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.KeySigner;

class DefaultTrustProtocolTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-21T10:00:00Z"), ZoneOffset.UTC);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final List<DefaultTrustProtocol> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        started.forEach(DefaultTrustProtocol::deactivate);
    }

    private static TrustSettings settings(String secret, boolean elevates) {
        return new TrustSettings(true, false, true, elevates, secret, InboundMode.EVENT, LocalIdentifierSetPolicy.LOCAL);
    }

    private DefaultTrustProtocol protocol(KeySigner signer, TrustSettings settings) {
        return protocol(signer, settings, DefaultTrustProtocol.PENDING_TTL);
    }

    private DefaultTrustProtocol protocol(KeySigner signer, TrustSettings settings, Duration ttl) {
        DefaultTrustProtocol p = new DefaultTrustProtocol(signer, () -> "testnet", () -> settings, CLOCK, null, ttl,
                new Random(7));
        started.add(p);
        return p;
    }

    /**
     * One end of an in-memory channel: {@code peerKey} is what the core would report as the remote
     * key; sends are delivered to the other end's handler on another thread, unless muted.
     */
    static final class End implements PeerChannel {
        final String id;
        final PeerId peer;
        final byte[] peerKey;
        volatile TrustLevel level = TrustLevel.DEFAULT;
        volatile DefaultTrustProtocol remoteHandler;
        volatile End remoteEnd;
        volatile boolean muted;
        final List<RawPacket> sent = new CopyOnWriteArrayList<>();

        End(String id, PeerId peer, byte[] peerKey) {
            this.id = id;
            this.peer = peer;
            this.peerKey = peerKey.clone();
        }

        @Override
        public String channelId() {
            return id;
        }

        @Override
        public PeerId peerId() {
            return peer;
        }

        @Override
        public PeerAddress remoteAddress() {
            return new PeerAddress("192.0.2.1", 40000);
        }

        @Override
        public PeerAddress listenAddress() {
            return new PeerAddress("192.0.2.1", 7700);
        }

        @Override
        public ChannelDirection direction() {
            return ChannelDirection.OUTBOUND;
        }

        @Override
        public TrustLevel trustLevel() {
            return level;
        }

        @Override
        public boolean trustPending() {
            return false;
        }

        @Override
        public long untrustedDrops() {
            return 0;
        }

        @Override
        public byte[] peerPublicKey() {
            return peerKey.clone();
        }

        @Override
        public Instant openedAt() {
            return CLOCK.instant();
        }

        @Override
        public Instant lastActivity() {
            return CLOCK.instant();
        }

        @Override
        public ChannelStats stats() {
            return new ChannelStats(0, 0, 0, 0);
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public CompletionStage<Void> whenWritable() {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> send(Packet packet) {
            sent.add((RawPacket) packet);
            DefaultTrustProtocol handler = remoteHandler;
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

    /** Node a's channel to b and b's to a; each end reports the key its peer proved ({@code aKeyAsSeenByB} for a). */
    private static End[] link(KeySigner aKey, DefaultTrustProtocol a, KeySigner bKey, DefaultTrustProtocol b,
            byte[] aKeyAsSeenByB) {
        End ab = new End("a-to-b", bKey.peerId(), bKey.publicKey());
        End ba = new End("b-to-a", PeerId.fromEncodedKey(aKeyAsSeenByB), aKeyAsSeenByB);
        ab.remoteHandler = b;
        ab.remoteEnd = ba;
        ba.remoteHandler = a;
        ba.remoteEnd = ab;
        return new End[] {ab, ba};
    }

    private static TrustLevel await(CompletionStage<TrustLevel> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failure(CompletionStage<TrustLevel> stage) throws Exception {
        try {
            stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the run succeeded");
    }

    @Test
    void bothSidesRunAtOnceAndBothElevate() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        DefaultTrustProtocol b = protocol(bKey, settings("", true));
        End[] ends = link(aKey, a, bKey, b, aKey.publicKey());

        CompletionStage<TrustLevel> aRun = a.run(ends[0]);
        CompletionStage<TrustLevel> bRun = b.run(ends[1]);

        assertEquals(TrustLevel.ENHANCED, await(aRun), "a checked b's key");
        assertEquals(TrustLevel.ENHANCED, await(bRun), "b checked a's key");
        assertEquals(1, a.answered());
        assertEquals(1, b.answered());
        assertEquals(0, a.pendingRuns());
        String challenge = ends[0].sent.get(0).metadataText();
        assertTrue(challenge.startsWith("{\"v\":1,\"step\":\"challenge\",\"nonce\":\""), challenge);
        assertEquals(PacketTypes.TRUST, ends[0].sent.get(0).type());
    }

    @Test
    void withoutElevationASuccessKeepsTheLevel() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", false));
        DefaultTrustProtocol b = protocol(bKey, settings("", true));
        End[] ends = link(aKey, a, bKey, b, aKey.publicKey());
        ends[0].level = TrustLevel.NONE;

        assertEquals(TrustLevel.NONE, await(a.run(ends[0])), "proof of key only");
    }

    @Test
    void aResponseSignedByAnotherKeyIsRefused() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner claimed = new KeySigner();
        KeySigner impostor = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        DefaultTrustProtocol b = protocol(impostor, settings("", true));
        // a's channel says its peer is "claimed" (its key), but the other side signs with the impostor's key
        End ab = new End("a-to-b", claimed.peerId(), claimed.publicKey());
        End ba = new End("b-to-a", aKey.peerId(), aKey.publicKey());
        ab.remoteHandler = b;
        ab.remoteEnd = ba;
        ba.remoteHandler = a;
        ba.remoteEnd = ab;

        Throwable t = failure(a.run(ab));
        assertInstanceOf(TrustRefusedException.class, t);
        assertEquals("the peer's trust response is not signed by its key", t.getMessage());
    }

    @Test
    void aTamperedSignatureIsRefused() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        End ab = new End("a-to-b", bKey.peerId(), bKey.publicKey());
        ab.muted = true;
        CompletionStage<TrustLevel> run = a.run(ab);
        String nonce = nonceOf(ab.sent.get(0));
        byte[] sig = bKey.sign(TrustWire.transcript("testnet", aKey.peerId(), bKey.peerId(),
                Base64.getDecoder().decode(nonce)));
        sig[0] ^= 1;
        a.handle(ab, TrustWire.response(Base64.getDecoder().decode(nonce), sig, null));

        assertEquals(DefaultTrustProtocol.BAD_SIGNATURE, failure(run).getMessage());
    }

    @Test
    void aChannelWhoseKeyDoesNotDeriveItsIdIsRefused() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        End ab = new End("a-to-b", bKey.peerId(), aKey.publicKey());

        assertInstanceOf(TrustRefusedException.class, failure(a.run(ab)));
        assertTrue(ab.sent.isEmpty(), "nothing sent");
    }

    @Test
    void withASecretBothSidesThatKnowItElevate() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("s3cret", true));
        DefaultTrustProtocol b = protocol(bKey, settings("s3cret", true));
        End[] ends = link(aKey, a, bKey, b, aKey.publicKey());

        assertEquals(TrustLevel.ENHANCED, await(a.run(ends[0])));
        assertEquals(TrustLevel.ENHANCED, await(b.run(ends[1])));
        Conditions.await("b's response went out", WAIT, () -> ends[1].sent.size() == 2);
        assertTrue(ends[1].sent.stream().anyMatch(p -> p.metadataText().contains("\"mac\"")));
    }

    @Test
    void aPeerWithoutTheSecretIsRefused() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("s3cret", true));
        DefaultTrustProtocol b = protocol(bKey, settings("", true));
        End[] ends = link(aKey, a, bKey, b, aKey.publicKey());

        Throwable t = failure(a.run(ends[0]));
        assertInstanceOf(TrustRefusedException.class, t);
        assertEquals("the peer does not know this network's secret", t.getMessage());
    }

    @Test
    void aPeerWithAnotherSecretIsRefused() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("s3cret", true));
        DefaultTrustProtocol b = protocol(bKey, settings("other", true));
        End[] ends = link(aKey, a, bKey, b, aKey.publicKey());

        assertEquals(DefaultTrustProtocol.NO_SECRET, failure(a.run(ends[0])).getMessage());
        assertEquals(DefaultTrustProtocol.NO_SECRET, failure(b.run(ends[1])).getMessage());
    }

    @Test
    void noAnswerLeavesTheRunPendingForTheCoreToTimeOut() {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        End ab = new End("a-to-b", bKey.peerId(), bKey.publicKey());
        ab.muted = true;

        CompletionStage<TrustLevel> run = a.run(ab);

        Conditions.await("the challenge went out", WAIT, () -> ab.sent.size() == 1);
        assertFalse(run.toCompletableFuture().isDone(), "no answer: the stage stays incomplete");
        assertEquals(1, a.pendingRuns());
    }

    @Test
    void anUnansweredRunIsDroppedAfterItsTimeToLive() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true), Duration.ofMillis(50));
        End ab = new End("a-to-b", bKey.peerId(), bKey.publicKey());
        ab.muted = true;

        Throwable t = failure(a.run(ab));
        assertFalse(t instanceof TrustRefusedException, "a timeout is not a refusal: " + t);
        assertEquals(0, a.pendingRuns());
    }

    @Test
    void atMostFourRunsPendPerChannel() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        End ab = new End("a-to-b", bKey.peerId(), bKey.publicKey());
        ab.muted = true;
        for (int i = 0; i < DefaultTrustProtocol.MAX_PENDING_PER_CHANNEL; i++) {
            a.run(ab);
        }
        assertInstanceOf(IllegalStateException.class, failure(a.run(ab)));
        assertEquals(DefaultTrustProtocol.MAX_PENDING_PER_CHANNEL, a.pendingRuns());
    }

    @Test
    void aChallengeFloodIsAnsweredEightTimesAMinuteAndCounted() {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol b = protocol(bKey, settings("", true));
        End ba = new End("b-to-a", aKey.peerId(), aKey.publicKey());
        ba.muted = true;
        for (int i = 0; i < 20; i++) {
            byte[] nonce = new byte[TrustWire.NONCE_BYTES];
            nonce[0] = (byte) i;
            b.handle(ba, TrustWire.challenge(nonce));
        }
        assertEquals(DefaultTrustProtocol.ANSWERS_PER_MINUTE, b.answered());
        assertEquals(DefaultTrustProtocol.ANSWERS_PER_MINUTE, ba.sent.size());
        assertEquals(20 - DefaultTrustProtocol.ANSWERS_PER_MINUTE, b.dropped(DefaultTrustProtocol.Drop.CHALLENGE_FLOOD));

        End other = new End("b-to-c", aKey.peerId(), aKey.publicKey());
        other.muted = true;
        b.handle(other, TrustWire.challenge(new byte[TrustWire.NONCE_BYTES]));
        assertEquals(1, other.sent.size(), "another channel has its own allowance");
    }

    @Test
    void malformedMetadataIsIgnoredAndCounted() {
        KeySigner bKey = new KeySigner();
        KeySigner aKey = new KeySigner();
        DefaultTrustProtocol b = protocol(bKey, settings("", true));
        End ba = new End("b-to-a", aKey.peerId(), aKey.publicKey());
        ba.muted = true;
        String nonce = Base64.getEncoder().encodeToString(new byte[32]);
        List<String> bad = List.of(
                "",
                "not json",
                "[1,2]",
                "{\"v\":2,\"step\":\"challenge\",\"nonce\":\"" + nonce + "\"}",
                "{\"v\":\"1\",\"step\":\"challenge\",\"nonce\":\"" + nonce + "\"}",
                "{\"v\":1,\"step\":\"hello\",\"nonce\":\"" + nonce + "\"}",
                "{\"v\":1,\"step\":\"challenge\"}",
                "{\"v\":1,\"step\":\"challenge\",\"nonce\":\"AAAA\"}",
                "{\"v\":1,\"step\":\"challenge\",\"nonce\":\"***\"}",
                "{\"v\":1,\"step\":\"challenge\",\"nonce\":\"" + nonce + "\",\"extra\":1}",
                "{\"v\":1,\"v\":1,\"step\":\"challenge\",\"nonce\":\"" + nonce + "\"}",
                "{\"v\":1,\"step\":\"challenge\",\"nonce\":\"" + nonce + "\"} {}",
                "{\"v\":1,\"step\":\"response\",\"nonce\":\"" + nonce + "\"}",
                "{\"v\":1,\"step\":\"response\",\"nonce\":\"" + nonce + "\",\"sig\":7}",
                "{\"v\":1,\"step\":\"challenge\",\"nonce\":\"" + "A".repeat(2000) + "\"}");
        for (String metadata : bad) {
            b.handle(ba, RawPacket.json(PacketTypes.TRUST, metadata));
        }
        b.handle(ba, new RawPacket(PacketTypes.TRUST, ("{\"v\":1,\"step\":\"challenge\",\"nonce\":\"" + nonce + "\"}")
                .getBytes(StandardCharsets.UTF_8), new byte[] {1}));
        b.handle(ba, () -> PacketTypes.TRUST);

        assertEquals(bad.size() + 2, b.dropped(DefaultTrustProtocol.Drop.MALFORMED));
        assertEquals(bad.size() + 2, b.count("MALFORMED"), "published as InputDrops: " + b.counts());
        assertTrue(ba.sent.isEmpty(), "nothing answered");
        assertEquals(0, b.answered());
    }

    @Test
    void anUnknownResponseIsIgnoredAndCounted() {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        End ab = new End("a-to-b", bKey.peerId(), bKey.publicKey());
        a.handle(ab, TrustWire.response(new byte[32], new byte[64], null));
        assertEquals(1, a.dropped(DefaultTrustProtocol.Drop.UNKNOWN_RESPONSE));
    }

    @Test
    void deactivateEndsPendingRunsWithIllegalState() throws Exception {
        KeySigner aKey = new KeySigner();
        KeySigner bKey = new KeySigner();
        DefaultTrustProtocol a = protocol(aKey, settings("", true));
        End ab = new End("a-to-b", bKey.peerId(), bKey.publicKey());
        ab.muted = true;
        CompletionStage<TrustLevel> run = a.run(ab);

        a.deactivate();

        Throwable t = failure(run);
        assertInstanceOf(IllegalStateException.class, t, "not a refusal: the core keeps the level");
        assertEquals(0, a.pendingRuns());
        assertInstanceOf(IllegalStateException.class, failure(a.run(ab)), "a stopped protocol runs nothing");
        a.handle(ab, TrustWire.challenge(new byte[32]));
        assertEquals(1, ab.sent.size(), "a stopped protocol answers nothing");
    }

    private static String nonceOf(RawPacket challenge) {
        String text = challenge.metadataText();
        int start = text.indexOf("\"nonce\":\"") + 9;
        return text.substring(start, text.indexOf('"', start));
    }
}
