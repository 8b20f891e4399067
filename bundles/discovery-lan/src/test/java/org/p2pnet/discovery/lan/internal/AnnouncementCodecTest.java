package org.p2pnet.discovery.lan.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;
import org.p2pnet.testing.KeySigner;

class AnnouncementCodecTest {
    static final long NOW = 1_800_000_000_000L;
    static final long WINDOW = 60_000;

    private final AnnouncementCodec codec = new AnnouncementCodec();
    private final KeySigner peer = new KeySigner();
    private final KeySigner self = new KeySigner();
    private final ObjectMapper json = new ObjectMapper();

    private Announcement announcement(KeySigner signer) {
        return new Announcement(1, "p2pnet", signer.peerId(), signer.publicKey(), 7700,
                List.of("192.0.2.7", "fd00::7"), NOW, false);
    }

    private Verdict decode(byte[] datagram) {
        return codec.decode(datagram, datagram.length, new AnnouncementCodec.Expectations("p2pnet", self.peerId(), NOW, WINDOW));
    }

    private byte[] valid() {
        return codec.encode(announcement(peer), peer);
    }

    /** The valid datagram with one field replaced; the signature is kept. */
    private byte[] tampered(Consumer<ObjectNode> change) throws Exception {
        ObjectNode node = (ObjectNode) json.readTree(valid());
        change.accept(node);
        return json.writeValueAsBytes(node);
    }

    @Test
    void aValidAnnouncementComesBackAsItWasSent() {
        Verdict verdict = decode(valid());

        assertTrue(verdict.isValid(), verdict.toString());
        Announcement a = verdict.announcement();
        assertEquals(peer.peerId(), a.peerId());
        assertEquals("p2pnet", a.network());
        assertEquals(7700, a.port());
        assertEquals(List.of("192.0.2.7", "fd00::7"), a.addresses());
        assertEquals(NOW, a.timestamp());
        assertFalse(a.reply());
        assertArrayEquals(peer.publicKey(), a.publicKey());
    }

    @Test
    void fieldsAreWrittenInTheirFixedOrder() throws Exception {
        List<String> names = new java.util.ArrayList<>();
        json.readTree(valid()).fieldNames().forEachRemaining(names::add);

        assertEquals(List.of("v", "net", "id", "key", "port", "addrs", "ts", "reply", "sig"), names);
        assertTrue(valid().length <= AnnouncementCodec.MAX_DATAGRAM_SIZE);
    }

    @Test
    void theSignatureCoversExactlyTheCanonicalBytes() throws Exception {
        byte[] sig = Base64.getDecoder().decode(json.readTree(valid()).get("sig").asText());
        byte[] canonical = AnnouncementCodec.canonicalBytes(announcement(peer));

        assertTrue(NodeSigner.verify(peer.publicKey(), canonical, sig));
        byte[] longer = java.util.Arrays.copyOf(canonical, canonical.length + 1);
        assertFalse(NodeSigner.verify(peer.publicKey(), longer, sig));
        // length-prefixed items, the domain tag first
        ByteBuffer b = ByteBuffer.wrap(canonical);
        byte[] tag = new byte[b.getInt()];
        b.get(tag);
        assertEquals(AnnouncementCodec.DOMAIN_TAG, new String(tag, StandardCharsets.US_ASCII));
        assertEquals(1, b.getInt());
        assertEquals('1', b.get());
    }

    @Test
    void addressesAreLeftOffUntilItFits() {
        String longName = "n".repeat(128);
        Announcement big = new Announcement(1, longName, peer.peerId(), peer.publicKey(), 7700,
                java.util.Collections.nCopies(8, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), NOW, false);

        byte[] datagram = codec.encode(big, peer);

        assertTrue(datagram.length <= AnnouncementCodec.MAX_DATAGRAM_SIZE, datagram.length + " bytes");
        Verdict verdict = codec.decode(datagram, datagram.length, new AnnouncementCodec.Expectations(longName, self.peerId(), NOW, WINDOW));
        assertTrue(verdict.isValid(), verdict.toString());
    }

    @Test
    void oversizedIsCheckedBeforeParsing() {
        byte[] big = new byte[AnnouncementCodec.MAX_DATAGRAM_SIZE + 1];
        java.util.Arrays.fill(big, (byte) '{');

        assertEquals(DropReason.OVERSIZED, decode(big).drop());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "null", "[]", "{", "{}", "\"x\"", "{\"v\":1}", "{\"v\":1,\"v\":1}", "{\"v\":\"1\"}",
            "{\"v\":1.0}", "{\"v\":1}{}", "\u0000\u0001"})
    void notAnAnnouncementIsMalformed(String text) {
        assertEquals(DropReason.MALFORMED, decode(text.getBytes(StandardCharsets.UTF_8)).drop());
    }

    @Test
    void wrongFieldTypesAndLimitsAreMalformed() throws Exception {
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.put("port", 0))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.put("port", "7700"))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.put("reply", "false"))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.put("ts", -1))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.put("id", "ABC"))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.put("id", peer.peerId().value().toUpperCase()))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.put("key", "***"))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.remove("sig"))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.putArray("addrs").add("example.org"))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> n.putArray("addrs").add(".:1"))).drop());
        assertEquals(DropReason.MALFORMED, decode(tampered(n -> {
            var addrs = n.putArray("addrs");
            for (int i = 0; i < 9; i++) {
                addrs.add("192.0.2." + i);
            }
        })).drop());
    }

    @Test
    void anotherVersionIsDroppedAsVersion() throws Exception {
        assertEquals(DropReason.VERSION, decode(tampered(n -> n.put("v", 2))).drop());
    }

    @Test
    void anotherNetworkIsDropped() throws Exception {
        assertEquals(DropReason.OTHER_NETWORK, decode(tampered(n -> n.put("net", "other"))).drop());
    }

    @Test
    void ourOwnAnnouncementIsDropped() {
        byte[] own = codec.encode(announcement(self), self);

        assertEquals(DropReason.OWN, decode(own).drop());
    }

    @Test
    void anIdNotDerivedFromTheKeyIsAKeyMismatch() throws Exception {
        assertEquals(DropReason.KEY_MISMATCH, decode(tampered(n -> n.put("id", new KeySigner().peerId().value()))).drop());
        assertEquals(DropReason.KEY_MISMATCH, decode(tampered(n ->
                n.put("key", Base64.getEncoder().encodeToString(new KeySigner().publicKey())))).drop());
    }

    @Test
    void anAnnouncementSignedByAnotherKeyIsBadlySigned() {
        KeySigner impostor = new KeySigner();
        byte[] datagram = codec.toJson(announcement(peer),
                Base64.getEncoder().encodeToString(impostor.sign(AnnouncementCodec.canonicalBytes(announcement(peer)))));

        assertEquals(DropReason.BAD_SIGNATURE, decode(datagram).drop());
    }

    @Test
    void tamperingWithAnySignedFieldBreaksTheSignature() throws Exception {
        assertEquals(DropReason.BAD_SIGNATURE, decode(tampered(n -> n.put("port", 7701))).drop());
        assertEquals(DropReason.BAD_SIGNATURE, decode(tampered(n -> n.put("ts", NOW + 1))).drop());
        assertEquals(DropReason.BAD_SIGNATURE, decode(tampered(n -> n.put("reply", true))).drop());
        assertEquals(DropReason.BAD_SIGNATURE, decode(tampered(n -> n.putArray("addrs").add("192.0.2.7"))).drop());
        assertEquals(DropReason.BAD_SIGNATURE, decode(tampered(n -> n.putArray("addrs").add("fd00::7").add("192.0.2.7"))).drop());
        assertEquals(DropReason.BAD_SIGNATURE, decode(tampered(n -> n.put("sig", Base64.getEncoder().encodeToString(new byte[64])))).drop());
    }

    @Test
    void aTimestampOutsideTheWindowIsStale() {
        Announcement old = new Announcement(1, "p2pnet", peer.peerId(), peer.publicKey(), 7700, List.of(), NOW - WINDOW - 1, false);
        Announcement future = new Announcement(1, "p2pnet", peer.peerId(), peer.publicKey(), 7700, List.of(), NOW + WINDOW + 1, false);
        Announcement edge = new Announcement(1, "p2pnet", peer.peerId(), peer.publicKey(), 7700, List.of(), NOW - WINDOW, false);

        assertEquals(DropReason.STALE, decode(codec.encode(old, peer)).drop());
        assertEquals(DropReason.STALE, decode(codec.encode(future, peer)).drop());
        assertTrue(decode(codec.encode(edge, peer)).isValid());
    }

    @Test
    void ipLiteralsOnlyNeverNames() {
        assertTrue(AnnouncementCodec.isIpLiteral("192.0.2.1"));
        assertTrue(AnnouncementCodec.isIpLiteral("::1"));
        assertTrue(AnnouncementCodec.isIpLiteral("fd00::7"));
        assertFalse(AnnouncementCodec.isIpLiteral("256.0.0.1"));
        assertFalse(AnnouncementCodec.isIpLiteral("localhost"));
        assertFalse(AnnouncementCodec.isIpLiteral("dead"));
        assertFalse(AnnouncementCodec.isIpLiteral("1:2:3"));
        assertFalse(AnnouncementCodec.isIpLiteral(""));
        assertNull(decode(valid()).drop());
    }

    @Test
    void peerIdParsingMatchesTheCore() {
        assertEquals(PeerId.fromEncodedKey(peer.publicKey()), peer.peerId());
    }
}
