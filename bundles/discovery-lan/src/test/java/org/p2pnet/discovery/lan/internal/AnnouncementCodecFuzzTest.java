package org.p2pnet.discovery.lan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerId;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the check of a received LAN discovery datagram ({@link AnnouncementCodec#decode}). The
 * contract: a verdict is either a valid announcement or a drop with a reason and a detail; the
 * codec's own safety net ("unexpected …", a RuntimeException or StackOverflowError caught) never
 * fires; and a valid verdict only holds what the datagram's signature covers, within the limits.
 * The saved inputs in {@code AnnouncementCodecFuzzTestInputs/} include announcements signed by a
 * throwaway key at {@link #NOW}, so mutations that keep the signed content (spacing, field order,
 * escapes) still reach the signature check.
 */
class AnnouncementCodecFuzzTest {
    static final long NOW = 1_800_000_000_000L;
    static final long WINDOW = 60_000;
    /** Not the id of any saved input: those are all from "another" peer, except the OWN seed. */
    static final PeerId SELF = PeerId.parse("0".repeat(64));

    private static final AnnouncementCodec CODEC = new AnnouncementCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "2m")
    void receivedDatagram(byte[] data) throws Exception {
        Verdict verdict = CODEC.decode(data, data.length,
                new AnnouncementCodec.Expectations("p2pnet", SELF, NOW, WINDOW));
        assertNotNull(verdict);
        if (!verdict.isValid()) {
            assertNotNull(verdict.drop(), "a drop has a reason");
            assertNotNull(verdict.detail(), "a drop has a detail");
            assertFalse(verdict.detail().startsWith("unexpected "),
                    () -> "the codec's safety net caught an exception: " + verdict.detail());
            if (data.length > AnnouncementCodec.MAX_DATAGRAM_SIZE) {
                assertEquals(DropReason.OVERSIZED, verdict.drop());
            }
            return;
        }
        assertNull(verdict.drop());
        assertTrue(data.length <= AnnouncementCodec.MAX_DATAGRAM_SIZE);
        Announcement a = verdict.announcement();
        assertEquals(AnnouncementCodec.VERSION, a.version());
        assertEquals("p2pnet", a.network());
        assertNotEquals(SELF, a.peerId());
        assertTrue(a.peerId().matchesKey(a.publicKey()), "id derived from the key");
        assertTrue(a.port() >= 1 && a.port() <= 65535);
        assertTrue(a.addresses().size() <= AnnouncementCodec.MAX_ADDRESSES);
        assertTrue(a.addresses().stream().allMatch(AnnouncementCodec::isIpLiteral));
        assertTrue(Math.abs(a.timestamp() - NOW) <= WINDOW);
        // what was accepted is exactly what the datagram's signature covers
        JsonNode root = JSON.readTree(data);
        byte[] sig = Base64.getDecoder().decode(root.get("sig").textValue());
        assertTrue(NodeSigner.verify(a.publicKey(), AnnouncementCodec.canonicalBytes(a), sig),
                "a valid announcement's content is signed");
    }
}
