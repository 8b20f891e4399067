package org.p2pnet.handler.data.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.data.DataListener;
import org.p2pnet.api.data.ReceivedFile;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.api.data.TransferInfo.State;
import org.p2pnet.api.packet.DataFormat;
import org.p2pnet.api.packet.DataPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.testing.Conditions;

class DataEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SHA0 = "0".repeat(64);

    @TempDir
    Path tmp;
    private Harness h;
    private Harness.Node a;
    private Harness.Node b;
    private Harness.FakeChannel ab;

    @BeforeEach
    void setUp() throws IOException {
        h = new Harness(tmp);
        a = h.node(Harness.A, s -> s);
        b = h.node(Harness.B, s -> s);
        ab = h.link(a, b);
    }

    @AfterEach
    void tearDown() {
        h.close();
    }

    private TransferInfo done(Harness.Node n, String id) throws Exception {
        Conditions.await(n.id.shortForm() + " knows " + id, WAIT, () -> n.engine.transfer(id).isPresent());
        return n.engine.completion(id).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private void awaitState(Harness.Node n, String id, State state) {
        Conditions.await(id + " is " + state + " on " + n.id.shortForm(), WAIT,
                () -> n.engine.transfer(id).map(t -> t.state() == state).orElse(false));
    }

    private Path src(String name, long size) throws IOException {
        return Harness.randomFile(tmp.resolve("src"), name, size, name.hashCode());
    }

    @Test
    void aFileOfSeveralMibArrivesByteIdenticalUnderItsName() throws Exception {
        Path file = src("photo.jpg", 5 * 1024 * 1024 + 123);
        TransferInfo started = a.engine.sendFile(Harness.B, file);
        TransferInfo sent = done(a, started.id());
        assertEquals(State.DONE, sent.state(), sent.detail());
        TransferInfo received = done(b, started.id());
        assertEquals(State.DONE, received.state());
        Path stored = b.storage.resolve("photo.jpg");
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(stored));
        assertEquals(sent.sha256(), received.sha256());
        List<ReceivedFile> files = b.engine.files();
        assertEquals(1, files.size());
        assertEquals("photo.jpg", files.get(0).name());
        assertEquals(Harness.A, files.get(0).from());
        assertEquals(List.of(), listIncoming(b));
        assertTrue(Files.exists(b.storage.resolve(StateFiles.INDEX)));
    }

    @Test
    void anInterruptedTransferResumesFromTheHeldOffsetSendingOnlyTheRest() throws Exception {
        long size = 8L * 1024 * 1024;
        Path file = src("big.bin", size);
        ab.delayMillis = 1;
        ab.transform = p -> {
            if (p instanceof DataPacket d && d.offset() >= size / 2 && ab.open) {
                h.cut(a, b);
                return List.of();
            }
            return List.of(p);
        };
        String id = a.engine.sendFile(Harness.B, file).id();
        awaitState(a, id, State.INTERRUPTED);
        awaitState(b, id, State.INTERRUPTED);
        long held = b.engine.transfer(id).orElseThrow().transferred();
        assertTrue(held > 0 && held < size, "held " + held);
        assertTrue(Files.exists(StateFiles.part(b.storage, id)), "the part is kept");

        Harness.FakeChannel again = h.reconnect(a, b);
        assertEquals(State.DONE, done(a, id).state());
        assertEquals(State.DONE, done(b, id).state());
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("big.bin")));
        assertEquals(size - held, Harness.dataBytes(again.sent), "only the bytes the receiver lacked were sent again");
        assertTrue(again.controls().stream().anyMatch(c -> c.kind() == Control.Kind.OFFER));
        assertTrue(again.reverse.controls().stream()
                .anyMatch(c -> c.kind() == Control.Kind.ACCEPT && c.offset() == held));
    }

    @Test
    void aReceiverRestartedMidTransferResumesFromItsPartFile() throws Exception {
        long size = 4L * 1024 * 1024;
        Path file = src("restart.bin", size);
        ab.delayMillis = 1;
        ab.transform = p -> {
            if (p instanceof DataPacket d && d.offset() >= size / 2 && ab.open) {
                h.cut(a, b);
                return List.of();
            }
            return List.of(p);
        };
        String id = a.engine.sendFile(Harness.B, file).id();
        awaitState(a, id, State.INTERRUPTED);
        awaitState(b, id, State.INTERRUPTED);
        long held = b.engine.transfer(id).orElseThrow().transferred();
        b.engine.close();
        b.start(); // a new run on the same storage directory
        assertEquals(held, b.engine.transfer(id).orElseThrow().transferred(), "the part was found again");
        Harness.FakeChannel again = h.reconnect(a, b);
        assertEquals(State.DONE, done(a, id).state());
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("restart.bin")));
        assertEquals(size - held, Harness.dataBytes(again.sent));
    }

    @Test
    void duplicateAndReplayedChunksAreIgnoredAndCounted() throws Exception {
        Path file = src("dup.bin", 2 * 1024 * 1024);
        List<DataPacket> seen = new ArrayList<>();
        ab.transform = p -> {
            if (p instanceof DataPacket d) {
                seen.add(d);
                List<Packet> out = new ArrayList<>(List.of(p, p)); // every chunk twice
                if (seen.size() > 3) {
                    out.add(seen.get(0)); // and an old one replayed
                }
                return out;
            }
            return List.of(p);
        };
        String id = a.engine.sendFile(Harness.B, file).id();
        assertEquals(State.DONE, done(a, id).state());
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("dup.bin")));
        assertTrue(b.engine.count(Problem.DUPLICATE_CHUNK) >= seen.size(), "counted");
        assertTrue(b.engine.duplicates(id) >= seen.size());
    }

    @Test
    void aGapAsksTheSenderToResumeFromTheHeldOffset() throws Exception {
        Path file = src("gap.bin", 2 * 1024 * 1024);
        AtomicInteger chunks = new AtomicInteger();
        ab.transform = p -> p instanceof DataPacket && chunks.incrementAndGet() == 3 ? List.of() : List.of(p);
        String id = a.engine.sendFile(Harness.B, file).id();
        assertEquals(State.DONE, done(a, id).state());
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("gap.bin")));
        assertTrue(b.engine.count(Problem.GAP) >= 1);
        long resumeAsks = ab.reverse.controls().stream()
                .filter(c -> c.kind() == Control.Kind.ACCEPT && c.offset() == 2L * 64 * 1024).count();
        assertEquals(1, resumeAsks, "one accept at the held offset, not one per dropped chunk");
    }

    @Test
    void aShaMismatchFailsAndRemovesThePart() throws Exception {
        Path file = src("bad.bin", 1024 * 1024);
        AtomicInteger chunks = new AtomicInteger();
        ab.transform = p -> {
            if (p instanceof DataPacket d && chunks.incrementAndGet() == 2) {
                byte[] body = d.body().clone();
                body[7] ^= 1;
                return List.of(d.withBody(body));
            }
            return List.of(p);
        };
        String id = a.engine.sendFile(Harness.B, file).id();
        TransferInfo sent = done(a, id);
        assertEquals(State.FAILED, sent.state());
        assertTrue(sent.detail().contains("SHA-256 mismatch"), sent.detail());
        assertEquals(State.FAILED, done(b, id).state());
        assertEquals(1, b.engine.count(Problem.SHA_MISMATCH));
        assertEquals(List.of(), listIncoming(b));
        assertFalse(Files.exists(b.storage.resolve("bad.bin")));
    }

    @Test
    void everyBadNameIsRefusedAndNothingIsWrittenOutsideStorage() throws Exception {
        List<String> bad = List.of("", "x".repeat(256), "a/b", "../up", "a\\b", "nul\0byte", "tab\there", "bell\u0007",
                ".", "..", ".hidden", "trailing.", "trailing ", "C:evil", "C:\\evil", "\\\\server\\share", "/etc/passwd",
                "CON", "con.txt", "Prn", "AUX.tar.gz", "NUL", "COM1", "com9.log", "LPT1", "lpt9.txt");
        Harness.FakeChannel ba = ab.reverse;
        int i = 0;
        for (String name : bad) {
            String id = "bad-" + i++;
            b.engine.handle(ba, Control.offer(id, DataFormat.FILE, name, 10, SHA0, 1 << 20).packet());
            Conditions.await("refusal of " + id, WAIT, () -> ba.controls().stream()
                    .anyMatch(c -> c.transferId().equals(id) && c.kind() == Control.Kind.REFUSE
                            && c.reason().startsWith("bad name")));
            b.engine.handle(ba, new DataPacket(id, DataFormat.FILE, name.length() > 255 ? "x" : name, 0, 10, "", true,
                    new byte[10]));
        }
        Conditions.await("every chunk seen", WAIT, () -> b.engine.count(Problem.UNKNOWN_TRANSFER) == bad.size());
        assertEquals(bad.size(), b.engine.count(Problem.BAD_NAME));
        try (Stream<Path> all = Files.walk(b.storage.getParent())) {
            List<Path> files = all.filter(Files::isRegularFile).toList();
            assertEquals(List.of(), files, "nothing written anywhere");
        }
        try (Stream<Path> parent = Files.list(b.storage.getParent())) {
            assertEquals(List.of(b.storage), parent.toList(), "the parent holds only the storage directory");
        }
        assertTrue(b.engine.transfers().isEmpty());
    }

    @Test
    void anExistingFileIsNeverOverwritten() throws Exception {
        Files.writeString(b.storage.resolve("report.txt"), "old");
        Path file = src("report.txt", 1000);
        String first = a.engine.sendFile(Harness.B, file).id();
        assertEquals(State.DONE, done(b, first).state());
        assertEquals("report (1).txt", b.engine.transfer(first).orElseThrow().name());
        String second = a.engine.sendFile(Harness.B, file).id();
        assertEquals(State.DONE, done(b, second).state());
        assertEquals("report (2).txt", b.engine.transfer(second).orElseThrow().name());
        assertEquals("old", Files.readString(b.storage.resolve("report.txt")));
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("report (2).txt")));
    }

    @Test
    void anOfferTooLargeIsRefused() throws Exception {
        b.engine.settings(withSizes(b.settings, 1000, 1000));
        String id = a.engine.sendFile(Harness.B, src("large.bin", 2000)).id();
        TransferInfo t = done(a, id);
        assertEquals(State.FAILED, t.state());
        assertTrue(t.detail().contains("too large"), t.detail());
        assertEquals(1, b.engine.count(Problem.QUOTA));
        assertThrows(IllegalArgumentException.class,
                () -> a.engine.sendData(Harness.B, DataFormat.TASK, "t", new byte[(16 << 20) + 1]));
    }

    @Test
    void perPeerAndTotalQuotasRefuseOffersAndQueueSends() throws Exception {
        DataSettings one = new DataSettings(b.storage, 64 * 1024, 512 * 1024, 8L << 30, 16L << 20, 1, 1, 0, 24);
        b.engine.settings(one);
        Harness.FakeChannel ba = ab.reverse;
        b.engine.handle(ba, Control.offer("first", DataFormat.FILE, "one.bin", 100, SHA0, 1 << 20).packet());
        awaitState(b, "first", State.RUNNING);
        b.engine.handle(ba, Control.offer("second", DataFormat.FILE, "two.bin", 100, SHA0, 1 << 20).packet());
        Conditions.await("per-peer refusal", WAIT, () -> ba.controls().stream().anyMatch(c ->
                c.transferId().equals("second") && c.kind() == Control.Kind.REFUSE
                        && c.reason().contains("maxConcurrentPerPeer")));
        Harness.Node c = h.node(Harness.C, s -> s);
        Harness.FakeChannel cb = h.link(c, b);
        b.engine.settings(new DataSettings(b.storage, 64 * 1024, 512 * 1024, 8L << 30, 16L << 20, 4, 1, 0, 24));
        b.engine.handle(cb.reverse, Control.offer("third", DataFormat.FILE, "three.bin", 100, SHA0, 1 << 20).packet());
        Conditions.await("total refusal", WAIT, () -> cb.reverse.controls().stream().anyMatch(x ->
                x.transferId().equals("third") && x.kind() == Control.Kind.REFUSE
                        && x.reason().contains("maxConcurrentTotal")));

        // the sending side: a second transfer waits QUEUED for the slot, then runs
        a.engine.settings(new DataSettings(a.storage, 64 * 1024, 512 * 1024, 8L << 30, 16L << 20, 1, 16, 0, 24));
        b.engine.settings(b.settings);
        b.engine.cancel("first");
        ab.hold = true;
        String x = a.engine.sendFile(Harness.B, src("x.bin", 300_000)).id();
        awaitState(a, x, State.RUNNING);
        String y = a.engine.sendFile(Harness.B, src("y.bin", 1000)).id();
        Conditions.await("y hashed", WAIT, () -> a.engine.transfer(y).orElseThrow().detail().equals("waiting for a slot"));
        assertEquals(State.QUEUED, a.engine.transfer(y).orElseThrow().state());
        ab.hold = false;
        ab.held.forEach(f -> f.complete(null));
        assertEquals(State.DONE, done(a, x).state());
        assertEquals(State.DONE, done(a, y).state());
    }

    @Test
    void theDiskFloorRefusesAnOffer() throws Exception {
        b.free.set(300L << 20); // 300 MiB free, 256 MiB must stay
        String id = a.engine.sendFile(Harness.B, src("floor.bin", 50L << 20)).id();
        TransferInfo t = done(a, id);
        assertEquals(State.FAILED, t.state());
        assertTrue(t.detail().contains("disk floor"), t.detail());
        b.free.set(400L << 20);
        String ok = a.engine.sendFile(Harness.B, src("small.bin", 1000)).id();
        assertEquals(State.DONE, done(a, ok).state());
    }

    @Test
    void anUntrustedChannelIsRefusedBothWays() throws Exception {
        ab.reverse.level = TrustLevel.DEFAULT; // b's channel to a
        b.engine.handle(ab.reverse, Control.offer("u1", DataFormat.FILE, "u.bin", 10, SHA0, 1 << 20).packet());
        b.engine.handle(ab.reverse, new DataPacket("u1", DataFormat.FILE, "u.bin", 0, 10, "", true, new byte[10]));
        assertEquals(2, b.engine.count(Problem.UNTRUSTED));
        assertTrue(b.engine.transfers().isEmpty());
        assertTrue(ab.reverse.sent.isEmpty(), "no answer to an untrusted peer");
        ab.level = TrustLevel.DEFAULT;
        Path file = src("u.bin", 10);
        assertThrows(IllegalStateException.class, () -> a.engine.sendFile(Harness.B, file));
        assertThrows(IllegalStateException.class, () -> a.engine.distributeFile(file));
        assertThrows(IllegalStateException.class,
                () -> a.engine.sendData(Harness.B, DataFormat.MISC, "m", new byte[1]));
    }

    @Test
    void bytesInFlightNeverExceedTheWindowWhenSendsCompleteSlowly() throws Exception {
        long window = 512 * 1024;
        ab.delayMillis = 2;
        AtomicLong sentEnd = new AtomicLong();
        AtomicLong acked = new AtomicLong();
        AtomicLong maxInFlight = new AtomicLong();
        ab.transform = p -> {
            if (p instanceof DataPacket d) {
                sentEnd.accumulateAndGet(d.offset() + d.body().length, Math::max);
                maxInFlight.accumulateAndGet(sentEnd.get() - acked.get(), Math::max);
            }
            return List.of(p);
        };
        // an ack counts from when the receiver sends it: no later than the sender can act on it, so the
        // bytes in flight measured here are never more than the sender believes; the engine's own measure is checked too
        ab.reverse.transform = wrapAckDelivery(acked);
        Path file = src("window.bin", 4L * 1024 * 1024);
        String id = a.engine.sendFile(Harness.B, file).id();
        assertEquals(State.DONE, done(a, id).state());
        assertTrue(maxInFlight.get() <= window, "in flight " + maxInFlight.get() + " > window " + window);
        assertTrue(maxInFlight.get() > 0);
        assertTrue(a.engine.maxInFlight(id) <= window);
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("window.bin")));
    }

    /** A channel that is not writable makes the sender wait on whenWritable(), once, not poll; then it goes on. */
    @Test
    void aSenderWaitsForTheChannelToTurnWritableWithoutPolling() throws Exception {
        ab.writable(false);
        Path file = src("later.bin", 3L * 1024 * 1024 + 7);
        String id = a.engine.sendFile(Harness.B, file).id();
        Conditions.await("the sender waits for writability", WAIT, () -> ab.whenWritableCalls.get() > 0);
        assertEquals(0, ab.dataBytes.get(), "no chunk while not writable");
        assertEquals(State.RUNNING, a.engine.transfer(id).orElseThrow().state());
        ab.writable(true);
        assertEquals(State.DONE, done(a, id).state());
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("later.bin")));
        assertEquals(1, ab.whenWritableCalls.get(), "one wait for one spell of not writable");
    }

    /** Records each ack's offset as the receiver sends it. */
    private static java.util.function.Function<Packet, List<Packet>> wrapAckDelivery(AtomicLong acked) {
        return p -> {
            if (p instanceof RawPacket raw) {
                Control c = Control.read(raw.metadata());
                if (c.kind() == Control.Kind.ACK) {
                    acked.accumulateAndGet(c.offset(), Math::max);
                }
            }
            return List.of(p);
        };
    }

    @Test
    void a64MibFileGoesThroughWithChunkBuffersOnly() throws Exception {
        a.engine.settings(DataSettings.defaults(a.storage));
        b.engine.settings(DataSettings.defaults(b.storage));
        b.free.set(Long.MAX_VALUE / 8);
        long size = 64L * 1024 * 1024;
        Path file = src("huge.bin", size);
        String id = a.engine.sendFile(Harness.B, file).id();
        assertEquals(State.DONE, done(a, id).state());
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("huge.bin")));
        assertTrue(a.engine.largestBuffer() <= DataSettings.DEFAULT_CHUNK_SIZE, "largest buffer "
                + a.engine.largestBuffer());
        assertTrue(a.engine.maxInFlight(id) <= DataSettings.DEFAULT_WINDOW, "in flight " + a.engine.maxInFlight(id));
        assertEquals(size, a.engine.bytesSent(id), "each byte sent once");
    }

    @Test
    void taskAndMiscPayloadsGoToTheirListenersOrAreStored() throws Exception {
        List<String> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
        DataListener taskListener = (from, format, name, payload) ->
                tasks.add(from.shortForm() + " " + format + " " + name + " " + new String(payload, StandardCharsets.UTF_8));
        b.listeners.add(new DataEngine.ListenerRef(taskListener, "TASK"));
        String t = a.engine.sendData(Harness.B, DataFormat.TASK, "job-1", "run it".getBytes(StandardCharsets.UTF_8)).id();
        assertEquals(State.DONE, done(a, t).state());
        Conditions.await("the task delivered", WAIT, () -> tasks.size() == 1);
        assertEquals(Harness.A.shortForm() + " TASK job-1 run it", tasks.get(0));
        String m = a.engine.sendData(Harness.B, DataFormat.MISC, "note.txt", "misc".getBytes(StandardCharsets.UTF_8)).id();
        assertEquals(State.DONE, done(a, m).state());
        assertEquals("misc", Files.readString(b.storage.resolve("misc").resolve("note.txt")));
        assertEquals(1, tasks.size(), "the TASK listener does not get MISC");

        b.listeners.set(0, new DataEngine.ListenerRef((from, format, name, payload) -> {
            throw new IllegalStateException("boom");
        }, null));
        String t2 = a.engine.sendData(Harness.B, DataFormat.TASK, "job-2", new byte[] {1, 2, 3}).id();
        assertEquals(State.DONE, done(b, t2).state());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(b.storage.resolve("tasks").resolve("job-2")));
    }

    @Test
    void theSenderCancelsAndTheReceiverDropsThePart() throws Exception {
        ab.delayMillis = 1;
        ab.hold = true;
        String id = a.engine.sendFile(Harness.B, src("c1.bin", 1024 * 1024)).id();
        awaitState(b, id, State.RUNNING);
        assertTrue(a.engine.cancel(id));
        assertFalse(a.engine.cancel(id), "ended already");
        assertEquals(State.CANCELLED, done(a, id).state());
        assertEquals(State.CANCELLED, done(b, id).state());
        assertEquals(List.of(), listIncoming(b));
    }

    @Test
    void theReceiverCancels() throws Exception {
        ab.hold = true;
        String id = a.engine.sendFile(Harness.B, src("c2.bin", 1024 * 1024)).id();
        awaitState(b, id, State.RUNNING);
        assertTrue(b.engine.cancel(id));
        TransferInfo t = done(a, id);
        assertEquals(State.CANCELLED, t.state());
        assertTrue(t.detail().contains("cancelled by the peer"), t.detail());
        assertEquals(List.of(), listIncoming(b));
        assertFalse(a.engine.cancel("no-such-id"));
    }

    @Test
    void malformedInputIsCountedAndFailsTheTransferWhereThereIsOne() throws Exception {
        Harness.FakeChannel ba = ab.reverse;
        b.engine.handle(ba, RawPacket.json(Control.PACKET_TYPE, "{not json"));
        b.engine.handle(ba, RawPacket.json(Control.PACKET_TYPE, "{\"v\":1,\"type\":\"offer\",\"transferId\":\"x\"}"));
        b.engine.handle(ba, new RawPacket(Control.PACKET_TYPE, "{}".getBytes(StandardCharsets.UTF_8), new byte[3]));
        Conditions.await("three malformed", WAIT, () -> b.engine.count(Problem.MALFORMED_CONTROL) == 3);
        b.engine.handle(ba, new DataPacket("nobody", DataFormat.FILE, "n", 0, 10, "", true, new byte[10]));
        Conditions.await("unknown transfer", WAIT, () -> b.engine.count(Problem.UNKNOWN_TRANSFER) == 1);

        b.engine.handle(ba, Control.offer("liar", DataFormat.FILE, "liar.bin", 100, SHA0, 1 << 20).packet());
        awaitState(b, "liar", State.RUNNING);
        b.engine.handle(ba, new DataPacket("liar", DataFormat.FILE, "liar.bin", 0, 100, "", true, new byte[10]));
        awaitState(b, "liar", State.FAILED);
        assertTrue(b.engine.transfer("liar").orElseThrow().detail().contains("last flag"));

        b.engine.handle(ba, Control.offer("sizes", DataFormat.FILE, "sizes.bin", 100, SHA0, 1 << 20).packet());
        awaitState(b, "sizes", State.RUNNING);
        b.engine.handle(ba, new DataPacket("sizes", DataFormat.FILE, "sizes.bin", 0, 200, "", false, new byte[10]));
        awaitState(b, "sizes", State.FAILED);
        assertTrue(b.engine.transfer("sizes").orElseThrow().detail().contains("totalSize"));

        b.engine.handle(ba, Control.offer("huge", DataFormat.FILE, "huge.bin", 10L << 20, SHA0, 1 << 20).packet());
        awaitState(b, "huge", State.RUNNING);
        b.engine.handle(ba, new DataPacket("huge", DataFormat.FILE, "huge.bin", 0, 10L << 20, "", false,
                new byte[DataSettings.MAX_CHUNK_SIZE + 1]));
        awaitState(b, "huge", State.FAILED);
        assertEquals(3, b.engine.count(Problem.BAD_CHUNK));
        assertTrue(ba.controls().stream().filter(c -> c.kind() == Control.Kind.FAIL).count() >= 3, "told the sender");
        assertEquals(List.of(), listIncoming(b));
    }

    @Test
    void oldPartsAreDeletedAfterTheirLifetime() throws Exception {
        long size = 2L * 1024 * 1024;
        ab.transform = p -> {
            if (p instanceof DataPacket d && d.offset() >= size / 2 && ab.open) {
                h.cut(a, b);
                return List.of();
            }
            return List.of(p);
        };
        String id = a.engine.sendFile(Harness.B, src("old.bin", size)).id();
        awaitState(b, id, State.INTERRUPTED);
        b.engine.sweepParts();
        assertTrue(Files.exists(StateFiles.part(b.storage, id)), "a fresh part stays");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - Duration.ofHours(25).toMillis());
        Files.setLastModifiedTime(StateFiles.state(b.storage, id), old);
        b.engine.sweepParts();
        assertFalse(Files.exists(StateFiles.part(b.storage, id)));
        assertFalse(Files.exists(StateFiles.state(b.storage, id)));
        assertEquals(State.FAILED, b.engine.transfer(id).orElseThrow().state());
    }

    @Test
    void aCorruptStateFileIsNeverOverwritten() throws Exception {
        Files.createDirectories(StateFiles.incoming(b.storage));
        Files.writeString(StateFiles.state(b.storage, "broken"), "{oops");
        b.engine.handle(ab.reverse, Control.offer("broken", DataFormat.FILE, "b.bin", 10, SHA0, 1 << 20).packet());
        Conditions.await("refused", WAIT, () -> ab.reverse.controls().stream()
                .anyMatch(c -> c.kind() == Control.Kind.REFUSE && c.transferId().equals("broken")));
        assertEquals("{oops", Files.readString(StateFiles.state(b.storage, "broken")));
    }

    @Test
    void deactivationLeavesNoDataThread() throws Exception {
        String id = a.engine.sendFile(Harness.B, src("t.bin", 100_000)).id();
        assertEquals(State.DONE, done(a, id).state());
        ab.hold = true;
        String pending = a.engine.sendFile(Harness.B, src("u.bin", 1024 * 1024)).id();
        awaitState(b, pending, State.RUNNING);
        a.engine.close();
        b.engine.close();
        assertEquals(State.INTERRUPTED, b.engine.transfer(pending).orElseThrow().state());
        assertTrue(Files.exists(StateFiles.part(b.storage, pending)), "the part is kept");
        Conditions.await("no p2pnet-data thread", WAIT, () -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("p2pnet-data-") && t.isAlive()));
        assertThrows(IllegalStateException.class, () -> a.engine.sendData(Harness.B, DataFormat.MISC, "m", new byte[1]));
    }

    @Test
    void anOfferNobodyAnswersFailsAfterTheTimeout() throws Exception {
        a.engine.offerTimeoutMillis = 200;
        ab.transform = p -> List.of(); // no data handler at the other end
        TransferInfo t = done(a, a.engine.sendFile(Harness.B, src("void.bin", 100)).id());
        assertEquals(State.FAILED, t.state());
        assertTrue(t.detail().contains("did not answer the offer"), t.detail());
    }

    @Test
    void distributeFileSendsToEveryTrustedPeer() throws Exception {
        Harness.Node c = h.node(Harness.C, s -> s);
        h.link(a, c);
        Path file = src("all.txt", 5000);
        List<TransferInfo> started = a.engine.distributeFile(file);
        assertEquals(2, started.size());
        for (TransferInfo t : started) {
            assertEquals(State.DONE, done(a, t.id()).state());
        }
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(c.storage.resolve("all.txt")));
        assertEquals(DataEngine.sha256(file), DataEngine.sha256(b.storage.resolve("all.txt")));
        assertEquals(2, a.engine.transfers().size());
    }

    private static DataSettings withSizes(DataSettings s, long maxFile, long maxPayload) {
        return new DataSettings(s.storageDir(), s.chunkSize(), s.windowBytes(), maxFile, maxPayload,
                s.maxConcurrentPerPeer(), s.maxConcurrentTotal(), s.minFreeDiskBytes(), s.partTtlHours());
    }

    private static List<Path> listIncoming(Harness.Node n) throws IOException {
        Path dir = StateFiles.incoming(n.storage);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }
}
