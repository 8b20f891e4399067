package org.p2pnet.discovery.lan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.discovery.LanDiscoveryStatus;
import org.p2pnet.testing.KeySigner;

/**
 * 10,000 random and mutated datagrams through the receive path: nothing escapes, the counters
 * add up, and only a datagram whose content is still exactly a valid announcement is offered.
 */
class ReceiveFuzzTest {
    private static final int DATAGRAMS = 10_000;
    private static final long NOW = 1_800_000_000_000L;

    private final ObjectMapper json = new ObjectMapper();
    private final AnnouncementCodec codec = new AnnouncementCodec();
    private final SplittableRandom random = new SplittableRandom(20261121);

    @Test
    void randomAndMutatedDatagramsNeverEscapeAndOnlyValidOnesAreOffered() throws Exception {
        KeySigner self = new KeySigner();
        FakeNetwork network = new FakeNetwork(self, "p2pnet", 7700);
        LanDiscoveryService service = new LanDiscoveryService(Configs.settings(Map.of()), network, self,
                Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC), java.util.random.RandomGenerator.of("L64X128MixRandom"));
        List<KeySigner> peers = List.of(new KeySigner(), new KeySigner(), new KeySigner());
        List<byte[]> originals = new ArrayList<>();
        for (KeySigner peer : peers) {
            originals.add(codec.encode(new Announcement(1, "p2pnet", peer.peerId(), peer.publicKey(), 7700,
                    List.of("192.0.2.7", "fd00::7"), NOW - 1000, false), peer));
        }
        originals.add(codec.encode(new Announcement(1, "p2pnet", self.peerId(), self.publicKey(), 7700,
                List.of(), NOW, false), self));
        InetSocketAddress source = new InetSocketAddress("192.0.2.9", 40000);

        int unchanged = 0;
        for (int i = 0; i < DATAGRAMS; i++) {
            byte[] original = originals.get(random.nextInt(originals.size()));
            byte[] datagram = switch (random.nextInt(8)) {
                case 0 -> randomBytes();
                case 1 -> flip(original);
                case 2 -> Arrays.copyOf(original, random.nextInt(original.length));
                case 3 -> extend(original);
                case 4 -> swapValues(original);
                case 5 -> reorder(original);
                case 6 -> replaceValue(original);
                default -> original;
            };
            int before = network.offers.size();
            service.received(datagram, datagram.length, source);
            if (network.offers.size() > before) {
                assertTrue(sameContent(datagram, original), "offered a changed datagram: "
                        + new String(datagram, StandardCharsets.UTF_8));
                unchanged++;
            }
        }

        LanDiscoveryStatus status = service.status();
        long drops = status.drops().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(DATAGRAMS, status.received());
        assertEquals(status.received(), drops + status.offered());
        assertEquals(network.offers.size(), status.offered());
        assertEquals(unchanged, network.offers.size());
        assertTrue(status.offered() > 500, "too few valid datagrams to mean anything: " + status.offered());
        assertTrue(status.drops().get("OWN") > 0);
        assertTrue(status.drops().get("MALFORMED") > 0);
        assertTrue(status.drops().get("BAD_SIGNATURE") > 0);
        assertTrue(status.drops().get("OVERSIZED") > 0);
        assertTrue(network.offers.stream().allMatch(offer -> peers.stream().anyMatch(p -> p.peerId().equals(offer.peerId()))));
    }

    private boolean sameContent(byte[] datagram, byte[] original) {
        try {
            JsonNode a = json.readTree(datagram);
            return a != null && a.equals(json.readTree(original));
        } catch (Exception notJson) {
            return false;
        }
    }

    private byte[] randomBytes() {
        byte[] b = new byte[random.nextInt(0, 1400)];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) random.nextInt(256);
        }
        return b;
    }

    private byte[] flip(byte[] original) {
        byte[] b = original.clone();
        int flips = 1 + random.nextInt(3);
        for (int i = 0; i < flips; i++) {
            b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return b;
    }

    private byte[] extend(byte[] original) {
        byte[] tail = randomBytes();
        byte[] b = Arrays.copyOf(original, original.length + Math.min(tail.length, 1300));
        System.arraycopy(tail, 0, b, original.length, b.length - original.length);
        return b;
    }

    private byte[] swapValues(byte[] original) throws Exception {
        ObjectNode node = (ObjectNode) json.readTree(original);
        List<String> names = names(node);
        String a = names.get(random.nextInt(names.size()));
        String b = names.get(random.nextInt(names.size()));
        JsonNode va = node.get(a);
        node.set(a, node.get(b));
        node.set(b, va);
        return json.writeValueAsBytes(node);
    }

    private byte[] reorder(byte[] original) throws Exception {
        ObjectNode node = (ObjectNode) json.readTree(original);
        List<String> names = names(node);
        java.util.Collections.shuffle(names, new java.util.Random(random.nextLong()));
        ObjectNode shuffled = json.createObjectNode();
        names.forEach(name -> shuffled.set(name, node.get(name)));
        return json.writeValueAsBytes(shuffled);
    }

    private byte[] replaceValue(byte[] original) throws Exception {
        ObjectNode node = (ObjectNode) json.readTree(original);
        List<String> names = names(node);
        String name = names.get(random.nextInt(names.size()));
        switch (random.nextInt(6)) {
            case 0 -> node.put(name, random.nextLong());
            case 1 -> node.put(name, "x".repeat(random.nextInt(300)));
            case 2 -> node.putNull(name);
            case 3 -> node.remove(name);
            case 4 -> node.put(name, random.nextBoolean());
            default -> node.putArray(name).add(random.nextInt());
        }
        return json.writeValueAsBytes(node);
    }

    private static List<String> names(ObjectNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
