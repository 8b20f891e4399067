package org.p2pnet.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.KeyPairGenerator;
import java.security.PublicKey;

import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void peerIdDerivesFromTheKeyAndParsesBack() throws Exception {
        PublicKey key = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        PeerId id = PeerId.of(key);
        assertEquals(64, id.value().length());
        assertTrue(id.matchesKey(key.getEncoded()));
        assertEquals(id, PeerId.parse(id.value().toUpperCase(java.util.Locale.ROOT)));
        assertEquals(id.value().substring(0, 12), id.shortForm());
        PublicKey other = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();
        assertFalse(id.matchesKey(other.getEncoded()));
    }

    @Test
    void peerIdRejectsMalformedTextWithTheReason() {
        assertEquals("peer id is missing", assertThrows(IllegalArgumentException.class, () -> PeerId.parse(null)).getMessage());
        assertEquals("peer id must be 64 hex digits, got 3 characters",
            assertThrows(IllegalArgumentException.class, () -> PeerId.parse("abc")).getMessage());
        assertEquals("peer id has a non-hex character at position 0",
            assertThrows(IllegalArgumentException.class, () -> PeerId.parse("g".repeat(64))).getMessage());
    }

    @Test
    void peerAddressParsesHostPortAndIpv6() {
        assertEquals(new PeerAddress("example.org", 7700), PeerAddress.parse("example.org:7700"));
        assertEquals(new PeerAddress("::1", 7700), PeerAddress.parse("[::1]:7700"));
        assertEquals("[::1]:7700", new PeerAddress("::1", 7700).toString());
        assertEquals("'nohost' is not host:port",
            assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse("nohost")).getMessage());
        assertEquals("port 'x' is not a number",
            assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse("h:x")).getMessage());
        assertEquals("port must be 1-65535, got 70000",
            assertThrows(IllegalArgumentException.class, () -> PeerAddress.parse("h:70000")).getMessage());
        assertEquals("host contains whitespace or a control character",
            assertThrows(IllegalArgumentException.class, () -> new PeerAddress("a b", 1)).getMessage());
    }

    @Test
    void unknownDisconnectReasonNamesReadAsUnknown() {
        assertEquals(DisconnectReason.REQUESTED, DisconnectReason.fromWire("REQUESTED"));
        assertEquals(DisconnectReason.UNKNOWN, DisconnectReason.fromWire("FROM_THE_FUTURE"));
        assertEquals(DisconnectReason.UNKNOWN, DisconnectReason.fromWire(null));
    }

    @Test
    void packetTypeStatsRefuseANegativeCountOrNoType() {
        assertEquals("counts of MESSAGE must not be negative, got in 1 / -2 bytes, out 0 / 0 bytes",
            assertThrows(IllegalArgumentException.class, () -> new PacketTypeStats("MESSAGE", 1, 0, -2, 0)).getMessage());
        assertThrows(NullPointerException.class, () -> new PacketTypeStats(null, 0, 0, 0, 0));
        assertEquals("(other)", PacketTypeStats.OTHER);
    }

    @Test
    void aPeerNetworkThatDoesNotCountHasNoPacketStats() {
        PeerNetwork quiet = (PeerNetwork) java.lang.reflect.Proxy.newProxyInstance(PeerNetwork.class.getClassLoader(),
            new Class<?>[] {PeerNetwork.class}, (proxy, method, args) -> {
                if (method.isDefault()) {
                    return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
                }
                throw new UnsupportedOperationException(method.getName());
            });
        assertEquals(java.util.List.of(), quiet.packetStats());
    }
}
