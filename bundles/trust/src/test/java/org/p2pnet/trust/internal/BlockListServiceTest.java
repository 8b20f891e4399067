package org.p2pnet.trust.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.Verdict;
import org.p2pnet.testing.FakePeerChannel;
import org.p2pnet.testing.RecordingPeerNetwork;

class BlockListServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final PeerId A = FakePeerChannel.peer('a');
    private static final PeerId B = FakePeerChannel.peer('b');

    @TempDir
    Path dir;

    /** Open channels as the core lists them, and the disconnects asked for. */
    static final class Network extends RecordingPeerNetwork {
        final List<PeerChannel> open = new CopyOnWriteArrayList<>();
        final List<String> disconnected = new CopyOnWriteArrayList<>();

        @Override
        public Collection<PeerChannel> activeChannels() {
            return List.copyOf(open);
        }

        @Override
        public CompletionStage<Void> disconnect(PeerId peer, DisconnectReason reason, String message) {
            disconnected.add(peer.shortForm() + " " + reason + " " + message);
            return CompletableFuture.completedFuture(null);
        }
    }

    private final Network network = new Network();

    private BlockListService service() {
        return new BlockListService(dir, network, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anEmptyListAllowsEverything() {
        BlockListService s = service();
        assertEquals(Verdict.ALLOW, s.checkAddress(ip("10.0.0.1")));
        assertEquals(Verdict.ALLOW, s.checkPeer(A, ip("10.0.0.1"), ChannelDirection.INBOUND));
        assertTrue(s.entries().isEmpty());
        assertFalse(Files.exists(dir.resolve(BlockFile.FILE_NAME)), "nothing is written until a change");
    }

    @Test
    void verdictsFollowAddressAndPeerEntries() {
        BlockListService s = service();
        s.blockAddress("10.0.0.0/8", "scanner");
        s.blockPeer(A, "");

        Verdict byAddress = s.checkAddress(ip("10.9.9.9"));
        assertFalse(byAddress.allowed());
        assertEquals(DisconnectReason.BLOCKED, byAddress.reason());
        assertEquals("blocked: scanner", byAddress.message());
        assertEquals(Verdict.ALLOW, s.checkAddress(ip("11.0.0.1")));

        Verdict byPeer = s.checkPeer(A, ip("192.0.2.1"), ChannelDirection.OUTBOUND);
        assertEquals(DisconnectReason.BLOCKED, byPeer.reason(), "a blocked id is refused from any address");
        assertEquals("blocked", byPeer.message());
        assertFalse(s.checkPeer(B, ip("10.1.1.1"), ChannelDirection.OUTBOUND).allowed(),
                "after IDENTITY the socket's address is checked too (a dialled host name)");
        assertEquals(Verdict.ALLOW, s.checkPeer(B, ip("192.0.2.1"), ChannelDirection.INBOUND));

        assertTrue(s.unblockAddress("10.200.0.0/8"), "any form that normalizes to the entry");
        assertFalse(s.unblockAddress("10.0.0.0/8"));
        assertTrue(s.unblockPeer(A));
        assertEquals(Verdict.ALLOW, s.checkPeer(A, ip("10.0.0.1"), ChannelDirection.INBOUND));
    }

    @Test
    void blockingTwiceKeepsTheFirstEntry() {
        BlockListService s = service();
        BlockEntry first = s.blockAddress("192.0.2.7", "first");
        BlockEntry again = s.blockAddress("192.0.2.7/32", "second");
        assertEquals(first, again);
        assertEquals(1, s.entries().size());
        assertEquals(new BlockEntry(BlockEntry.Kind.ADDRESS, "192.0.2.7", "first", NOW), first);
    }

    @Test
    void invalidInputIsRefusedWithTheReasonAndChangesNothing() {
        BlockListService s = service();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.blockAddress("example.com", ""))
                .getMessage().contains("host names are not accepted"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.blockAddress("10.0.0.1", "x".repeat(201)))
                .getMessage().contains("note is longer than 200"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> s.blockPeer(A, "line\nbreak"))
                .getMessage().contains("control character"));
        assertTrue(s.entries().isEmpty());
    }

    @Test
    void entriesSurviveARestart() throws Exception {
        BlockListService first = service();
        first.blockAddress("2001:db8::/32", "v6 range");
        first.blockPeer(A, "spam");
        first.blockAddress("192.0.2.7", "");

        BlockListService second = service();

        assertEquals(first.entries(), second.entries());
        assertEquals(List.of("2001:db8::/32", "192.0.2.7", A.value()),
                second.entries().stream().map(BlockEntry::value).toList());
        assertFalse(second.checkAddress(ip("2001:db8::99")).allowed());
        assertTrue(second.unblockPeer(A));
        assertEquals(2, service().entries().size());
        try (var files = Files.list(dir)) {
            assertEquals(List.of(BlockFile.FILE_NAME), files.map(p -> p.getFileName().toString()).toList(),
                    "no temp file is left behind");
        }
    }

    @Test
    void aCorruptFileIsNeverOverwrittenAndChangesAreRefused() throws Exception {
        Path file = dir.resolve(BlockFile.FILE_NAME);
        byte[] corrupt = "{\"version\":1,\"entries\":[{\"kind\":\"ADDRESS\",\"value\":\"10.0.0.1/8\",\"note\":\"\","
                .getBytes(StandardCharsets.UTF_8);
        Files.write(file, corrupt);

        BlockListService s = service();

        assertTrue(s.entries().isEmpty());
        assertEquals(Verdict.ALLOW, s.checkAddress(ip("10.0.0.1")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.blockPeer(A, ""));
        assertTrue(e.getMessage().contains("cannot be changed") && e.getMessage().contains(file.toString()),
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> s.unblockAddress("10.0.0.0/8"));
        assertArrayEquals(corrupt, Files.readAllBytes(file));
    }

    @Test
    void strictReadingRefusesWhatItCannotVouchFor() throws Exception {
        String entry = "{\"kind\":\"ADDRESS\",\"value\":\"%s\",\"note\":\"\",\"since\":\"2026-01-01T00:00:00Z\"%s}";
        List<String> bad = List.of(
                "{\"version\":1,\"entries\":[" + entry.formatted("10.0.0.1/8", "") + "]}",
                "{\"version\":1,\"entries\":[" + entry.formatted("10.0.0.1", ",\"extra\":1") + "]}",
                "{\"version\":2,\"entries\":[]}",
                "{\"version\":1,\"entries\":[" + entry.formatted("10.0.0.1", "") + "," + entry.formatted("10.0.0.1", "")
                        + "]}",
                "{\"version\":1,\"entries\":[]} trailing",
                "{\"version\":1}");
        for (String text : bad) {
            Files.writeString(dir.resolve(BlockFile.FILE_NAME), text);
            assertThrows(BlockFile.CorruptFileException.class,
                    () -> new BlockFile(dir.resolve(BlockFile.FILE_NAME)).read(), text);
        }
        Files.writeString(dir.resolve(BlockFile.FILE_NAME),
                "{\"version\":1,\"entries\":[" + entry.formatted("10.0.0.0/8", "") + "]}");
        assertEquals(1, new BlockFile(dir.resolve(BlockFile.FILE_NAME)).read().size());
    }

    @Test
    void blockingDisconnectsMatchingOpenChannels() {
        network.open.add(new FakePeerChannel(A, "203.0.113.5:7700", ChannelDirection.INBOUND));
        network.open.add(new FakePeerChannel(B, "[2001:db8::5]:7700", ChannelDirection.OUTBOUND));
        network.open.add(new FakePeerChannel(FakePeerChannel.peer('c'), "198.51.100.1:7700",
                ChannelDirection.OUTBOUND));
        BlockListService s = service();

        s.blockPeer(A, "abuse");
        assertEquals(List.of(A.shortForm() + " BLOCKED blocked: abuse"), network.disconnected);

        s.blockAddress("2001:db8::/48", "");
        assertEquals(List.of(A.shortForm() + " BLOCKED blocked: abuse", B.shortForm() + " BLOCKED blocked"),
                network.disconnected);
    }

    @Test
    void theListIsCapped() throws Exception {
        StringBuilder json = new StringBuilder("{\"version\":1,\"entries\":[");
        for (int i = 0; i < BlockListService.MAX_ENTRIES; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"kind\":\"ADDRESS\",\"value\":\"10.").append(i >> 16).append('.').append((i >> 8) & 255)
                    .append('.').append(i & 255).append("\",\"note\":\"\",\"since\":\"2026-01-01T00:00:00Z\"}");
        }
        Files.writeString(dir.resolve(BlockFile.FILE_NAME), json.append("]}"));
        BlockListService s = service();
        assertEquals(BlockListService.MAX_ENTRIES, s.entries().size());

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.blockPeer(A, ""));
        assertTrue(e.getMessage().contains("at most 100000 entries"), e.getMessage());
        assertFalse(s.checkAddress(ip("10.1.134.159")).allowed());
    }
}
