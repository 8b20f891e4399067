package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;

/** The address book on its own: sources, groups, aging, bounds, backoff, ordering, the file. */
class AddressBookTest {
    @TempDir
    Path dir;

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-21T10:00:00Z"));
    final FakeNode node = new FakeNode();

    /** Connected peers, own id and own addresses, set by each test. */
    static final class FakeNode implements AddressBook.Node {
        final PeerId self = id(0);
        final Set<PeerId> connected = ConcurrentHashMap.newKeySet();
        final Set<PeerAddress> own = ConcurrentHashMap.newKeySet();
        final Map<PeerId, Instant> activity = new ConcurrentHashMap<>();

        @Override
        public PeerId self() {
            return self;
        }

        @Override
        public boolean isSelf(PeerAddress address) {
            return own.stream().anyMatch(a -> Addresses.same(a, address));
        }

        @Override
        public boolean isConnected(PeerId peer) {
            return connected.contains(peer);
        }

        @Override
        public Instant activity(PeerId peer) {
            return activity.get(peer);
        }
    }

    /** A random source whose jitter factor is always {@code 0.8 + 0.4 * value}. */
    static Random fixed(double value) {
        return new Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public double nextDouble() {
                return value;
            }
        };
    }

    static PeerId id(int n) {
        return PeerId.parse(String.format("%064x", n));
    }

    static PeerAddress at(String host) {
        return new PeerAddress(host, 7700);
    }

    AddressBook book(int maxEntries, int maxPerGroup) {
        return book(maxEntries, maxPerGroup, fixed(0.5));
    }

    AddressBook book(int maxEntries, int maxPerGroup, Random random) {
        return new AddressBook(dir.resolve(AddressBook.FILE_NAME), node, clock, random, maxEntries, maxPerGroup);
    }

    static Set<PeerId> ids(AddressBook book) {
        return book.snapshot().stream().map(AddressBookEntry::peerId).collect(Collectors.toSet());
    }

    static AddressBookEntry entry(AddressBook book, PeerId id) {
        return book.get(id).orElseThrow(() -> new AssertionError(id.shortForm() + " is not in the book"));
    }

    // ---------------------------------------------------------------- sources and groups

    @Test
    void discoverySourcesAreNormalized() {
        assertEquals("lan", AddressBook.normalizeSource("lan-discovery"));
        assertEquals("lan", AddressBook.normalizeSource("lan-broadcast"));
        assertEquals("lan", AddressBook.normalizeSource("LAN-multicast"));
        assertEquals("genesis", AddressBook.normalizeSource("genesis"));
        assertEquals("genesis", AddressBook.normalizeSource("genesis-authority"));
        assertEquals("peer-exchange", AddressBook.normalizeSource("peer-exchange"));
        assertEquals("peer-exchange", AddressBook.normalizeSource("peer-group"));
        assertEquals("manual", AddressBook.normalizeSource("manual"));
        assertEquals("inbound", AddressBook.normalizeSource("inbound"));
    }

    @Test
    void anUnknownSourceKeepsASanitizedBoundedName() {
        assertEquals("mdns", AddressBook.normalizeSource(" mDNS "));
        assertEquals("evilsource", AddressBook.normalizeSource("evil source!\n\u0000"));
        assertEquals("other", AddressBook.normalizeSource("  "));
        assertEquals("other", AddressBook.normalizeSource(null));
        assertEquals(AddressBook.MAX_SOURCE_LENGTH, AddressBook.normalizeSource("x".repeat(500)).length());
    }

    @Test
    void addressGroupsAreIpv4Slash16Ipv6Slash32AndHostNames() {
        assertEquals("10.1", AddressBook.groupOf("10.1.2.3"));
        assertEquals("192.168", AddressBook.groupOf("192.168.200.1"));
        assertEquals("2001:db8", AddressBook.groupOf("2001:db8:1::5"));
        assertEquals("2001:db8", AddressBook.groupOf("[2001:0db8:ffff::1]"));
        assertEquals("10.1", AddressBook.groupOf("::ffff:10.1.2.3"), "an IPv4-mapped address is its IPv4 address");
        assertEquals("node-a.example.org", AddressBook.groupOf("Node-A.Example.ORG"));
        assertEquals("node-a.example.org", AddressBook.groupOf("node-a.example.org."));
    }

    @Test
    void addressKeysMatchExactlyWhenAddressesAreTheSame() {
        String[][] same = {{"::1", "0:0:0:0:0:0:0:1"}, {"::ffff:10.0.0.1", "10.0.0.1"}, {"[::1]", "::1"},
                {"Node.Example.org", "node.example.org"}};
        for (String[] pair : same) {
            PeerAddress a = new PeerAddress(pair[0], 7700);
            PeerAddress b = new PeerAddress(pair[1], 7700);
            assertTrue(Addresses.same(a, b));
            assertEquals(Addresses.key(a), Addresses.key(b), pair[0] + " / " + pair[1]);
        }
        assertFalse(Addresses.key(at("10.0.0.1")).equals(Addresses.key(new PeerAddress("10.0.0.1", 7701))));
        assertFalse(Addresses.key(at("10.0.0.1")).equals(Addresses.key(at("10.0.0.2"))));
    }

    // ---------------------------------------------------------------- evidence

    @Test
    void theFirstSourceIsKeptAndAnOfferNeverMovesAKnownEntry() {
        AddressBook book = book(10_000, 256);
        assertTrue(book.offered(id(1), at("10.0.0.1"), "genesis"));
        clock.advance(Duration.ofMinutes(5));

        assertTrue(book.offered(id(1), at("10.9.9.9"), "lan-discovery"));

        AddressBookEntry e = entry(book, id(1));
        assertEquals("genesis", e.source());
        assertEquals(at("10.0.0.1"), e.address());
        assertEquals(clock.instant(), e.lastSeen());
        assertEquals(clock.instant().minus(Duration.ofMinutes(5)), e.firstSeen());
    }

    @Test
    void failuresCountAndASuccessFixesTheAddressAndResetsThem() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "peer-exchange");
        book.dialStarted(at("10.0.0.1"));
        Instant attempt = clock.instant();
        book.dialFailed(at("10.0.0.1"));

        AddressBookEntry failed = entry(book, id(1));
        assertEquals(1, failed.failures());
        assertEquals(Optional.of(attempt), failed.lastAttempt());
        assertTrue(failed.lastSuccess().isEmpty());

        clock.advance(Duration.ofMinutes(1));
        book.dialStarted(at("10.2.0.7"));
        book.established(id(1), at("10.2.0.7"), "manual", true);

        AddressBookEntry ok = entry(book, id(1));
        assertEquals(0, ok.failures());
        assertEquals(at("10.2.0.7"), ok.address());
        assertEquals("10.2", ok.group());
        assertEquals(Optional.of(clock.instant()), ok.lastSuccess());
        assertEquals(clock.instant(), ok.lastSeen());
        assertEquals("peer-exchange", ok.source(), "the first source stays");
    }

    @Test
    void aVerifiedChannelRemovesOtherPeersClaimingItsAddress() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "peer-exchange");
        book.offered(id(2), at("10.0.0.1"), "peer-exchange");

        book.established(id(2), at("10.0.0.1"), "peer-exchange", true);

        assertEquals(Set.of(id(2)), ids(book));
    }

    @Test
    void thisNodeIsNeverAdded() {
        AddressBook book = book(10_000, 256);
        node.own.add(at("10.0.0.99"));

        assertFalse(book.offered(node.self, at("10.0.0.1"), "lan"));
        assertFalse(book.offered(id(5), at("10.0.0.99"), "peer-exchange"));
        book.established(node.self, at("10.0.0.1"), "manual", true);

        assertEquals(0, book.size());
    }

    @Test
    void anAddressFoundToBeOursIsForgotten() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.offered(id(2), at("10.0.0.2"), "genesis");

        book.forgetAddress(at("10.0.0.1"));

        assertEquals(Set.of(id(2)), ids(book));
    }

    @Test
    void theBookListsTheMostRecentlySeenFirstWithConnectedState() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        clock.advance(Duration.ofSeconds(1));
        book.offered(id(2), at("10.0.0.2"), "genesis");
        clock.advance(Duration.ofSeconds(1));
        book.offered(id(3), at("10.0.0.3"), "genesis");
        node.connected.add(id(1));
        node.activity.put(id(1), clock.instant().plusSeconds(5));

        List<AddressBookEntry> list = book.snapshot();

        assertEquals(List.of(id(1), id(3), id(2)), list.stream().map(AddressBookEntry::peerId).toList(),
                "a connected peer's latest activity counts as seen");
        assertTrue(list.get(0).connected());
        assertFalse(list.get(1).connected());
    }

    // ---------------------------------------------------------------- aging

    @Test
    void anEntryNotSeenFor30DaysAgesOutUnlessConnected() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.offered(id(2), at("10.1.0.1"), "genesis");
        book.offered(id(3), at("10.2.0.1"), "genesis");
        node.connected.add(id(2));
        clock.advance(Duration.ofDays(29));
        book.offered(id(3), at("10.2.0.1"), "genesis");
        clock.advance(Duration.ofDays(2));

        assertEquals(1, book.prune());

        assertEquals(Set.of(id(2), id(3)), ids(book));
    }

    @Test
    void threeFailuresWithoutEverASuccessAgeOut() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.offered(id(2), at("10.1.0.1"), "genesis");
        book.established(id(2), at("10.1.0.1"), "genesis", true);
        for (int i = 0; i < 2; i++) {
            fail(book, at("10.0.0.1"));
            fail(book, at("10.1.0.1"));
        }
        assertEquals(0, book.prune(), "two failures are not hopeless");

        fail(book, at("10.0.0.1"));
        fail(book, at("10.1.0.1"));

        assertEquals(1, book.prune());
        assertEquals(Set.of(id(2)), ids(book), "the peer that once answered stays");
    }

    @Test
    void tenFailuresWithinSevenDaysAgeOutButSpreadOutOnesDoNot() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.established(id(1), at("10.0.0.1"), "genesis", true);
        book.offered(id(2), at("10.1.0.1"), "genesis");
        book.established(id(2), at("10.1.0.1"), "genesis", true);
        for (int i = 0; i < 5; i++) {
            fail(book, at("10.0.0.1"));
        }
        clock.advance(Duration.ofDays(8));
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.offered(id(2), at("10.1.0.1"), "genesis");
        for (int i = 0; i < 5; i++) {
            fail(book, at("10.0.0.1"));
        }
        for (int i = 0; i < 9; i++) {
            fail(book, at("10.1.0.1"));
        }
        assertEquals(0, book.prune(), "5 + 5 failures a week apart, and 9 within a week, are not hopeless");

        fail(book, at("10.1.0.1"));

        assertEquals(1, book.prune());
        assertEquals(Set.of(id(1)), ids(book));
    }

    @Test
    void agingAppliesOnInsertToTheGroupInsertedInto() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.offered(id(2), at("10.1.0.1"), "genesis");
        for (int i = 0; i < 3; i++) {
            fail(book, at("10.0.0.1"));
            fail(book, at("10.1.0.1"));
        }

        book.offered(id(3), at("10.0.0.3"), "genesis");

        assertEquals(Set.of(id(2), id(3)), ids(book), "only the group inserted into is swept on insert");
        book.prune();
        assertEquals(Set.of(id(3)), ids(book));
    }

    private void fail(AddressBook book, PeerAddress address) {
        book.dialStarted(address);
        book.dialFailed(address);
    }

    // ---------------------------------------------------------------- bounds

    @Test
    void aFullGroupMakesRoomByEvictingItsWorstEntry() {
        AddressBook book = book(10_000, 3);
        book.offered(id(1), at("10.1.0.1"), "genesis");
        book.established(id(1), at("10.1.0.1"), "genesis", true);
        clock.advance(Duration.ofSeconds(1));
        book.offered(id(2), at("10.1.0.2"), "genesis");
        clock.advance(Duration.ofSeconds(1));
        book.offered(id(3), at("10.1.0.3"), "genesis");
        book.offered(id(9), at("10.2.0.9"), "genesis");
        clock.advance(Duration.ofSeconds(1));

        assertTrue(book.offered(id(4), at("10.1.0.4"), "genesis"));

        assertEquals(Set.of(id(1), id(3), id(4), id(9)), ids(book),
                "the entry with no success seen longest ago goes; the one that succeeded stays");
    }

    @Test
    void aFloodFromOneGroupCannotPushOutOtherGroups() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("192.168.1.1"), "lan");
        book.offered(id(2), at("172.16.0.1"), "genesis");
        book.offered(id(3), at("peer.example.org"), "manual");

        for (int i = 0; i < 10_000; i++) {
            clock.advance(Duration.ofMillis(1));
            book.offered(id(1000 + i), at("10.1." + (i / 250) + "." + (i % 250 + 1)), "peer-exchange");
        }

        assertTrue(ids(book).containsAll(Set.of(id(1), id(2), id(3))));
        assertEquals(256, book.snapshot().stream().filter(e -> e.group().equals("10.1")).count());
        assertEquals(259, book.size());
    }

    @Test
    void aFullBookEvictsFromTheLargestGroupSoSmallGroupsSurvive() {
        AddressBook book = book(16, 100_000);
        for (int g = 0; g < 5; g++) {
            book.offered(id(g + 1), at("10." + (100 + g) + ".0.1"), "genesis");
        }

        for (int i = 0; i < 1000; i++) {
            clock.advance(Duration.ofMillis(1));
            book.offered(id(1000 + i), at("10.1." + (i / 250) + "." + (i % 250 + 1)), "peer-exchange");
        }

        assertEquals(16, book.size());
        assertTrue(ids(book).containsAll(Set.of(id(1), id(2), id(3), id(4), id(5))));
        assertTrue(ids(book).contains(id(1999)), "the newest of the flood got in");
    }

    @Test
    void connectedPeersAreNeverEvicted() {
        AddressBook book = book(16, 2);
        book.offered(id(1), at("10.1.0.1"), "genesis");
        book.offered(id(2), at("10.1.0.2"), "genesis");
        node.connected.add(id(1));
        node.connected.add(id(2));

        assertFalse(book.offered(id(3), at("10.1.0.3"), "genesis"), "no room: both are connected");
        clock.advance(Duration.ofDays(60));
        book.prune();

        assertEquals(Set.of(id(1), id(2)), ids(book));
    }

    @Test
    void smallerBoundsApplyAtTheNextSave() {
        AddressBook book = book(10_000, 256);
        for (int i = 0; i < 10; i++) {
            book.offered(id(i + 1), at("10.1.0." + (i + 1)), "genesis");
        }
        book.limits(10_000, 4);

        book.save();

        assertEquals(4, book.size());
    }

    // ---------------------------------------------------------------- backoff and candidates

    @Test
    void backoffDoublesFromTwoSecondsAndIsCappedAtOneHour() {
        assertEquals(Duration.ZERO, AddressBook.backoff(0));
        assertEquals(Duration.ofSeconds(2), AddressBook.backoff(1));
        assertEquals(Duration.ofSeconds(4), AddressBook.backoff(2));
        assertEquals(Duration.ofSeconds(8), AddressBook.backoff(3));
        assertEquals(Duration.ofSeconds(2048), AddressBook.backoff(11));
        assertEquals(Duration.ofHours(1), AddressBook.backoff(12));
        assertEquals(Duration.ofHours(1), AddressBook.backoff(1000));
    }

    @Test
    void aFailedEntryIsDialableAgainOnlyAfterItsBackoff() {
        AddressBook book = book(10_000, 256, fixed(0.5));
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.established(id(1), at("10.0.0.1"), "genesis", true);
        assertEquals(1, book.dialable().size(), "no failure: no backoff");

        for (int failures = 1; failures <= 14; failures++) {
            fail(book, at("10.0.0.1"));
            Duration expected = AddressBook.backoff(failures);
            assertEquals(Optional.of(clock.instant().plus(expected)), book.nextAttempt(id(1)), "failure " + failures);
            assertTrue(book.dialable().isEmpty());
            clock.advance(expected.minusMillis(1));
            assertTrue(book.dialable().isEmpty(), "still backing off after failure " + failures);
            clock.advance(Duration.ofMillis(1));
            assertEquals(1, book.dialable().size(), "backoff over after failure " + failures);
            // a day between attempts: never 10 failures within 7 days, so the entry does not age out
            clock.advance(Duration.ofDays(1));
            book.offered(id(1), at("10.0.0.1"), "genesis");
        }
    }

    @Test
    void jitterStaysWithinBoundsAndIsDrawnOncePerAttempt() {
        Random seeded = new Random(42);
        AddressBook book = book(10_000, 256, seeded);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.established(id(1), at("10.0.0.1"), "genesis", true);
        Set<Instant> distinct = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            book.established(id(1), at("10.0.0.1"), "genesis", true);
            for (int f = 0; f < 3; f++) {
                fail(book, at("10.0.0.1"));
            }
            Instant next = book.nextAttempt(id(1)).orElseThrow();
            long millis = Duration.between(clock.instant(), next).toMillis();
            assertTrue(millis >= 6_400 && millis <= 9_600, "8 s with jitter 0.8-1.2, got " + millis + " ms");
            distinct.add(next);
            for (int k = 0; k < 3; k++) {
                book.dialable();
                assertEquals(Optional.of(next), book.nextAttempt(id(1)), "stable between calls");
            }
        }
        assertTrue(distinct.size() > 50, "jitter varies: " + distinct.size());

        AddressBook low = new AddressBook(dir.resolve("low.json"), node, clock, fixed(0.0), 10_000, 256);
        low.offered(id(2), at("10.0.0.2"), "genesis");
        fail(low, at("10.0.0.2"));
        assertEquals(Optional.of(clock.instant().plusMillis(1600)), low.nextAttempt(id(2)));
    }

    @Test
    void candidatesAreSpreadOverGroupsThenByLastSuccessThenLastSeen() {
        Instant t = clock.instant();
        List<AddressBookEntry> candidates = new ArrayList<>(List.of(
                candidate(1, "10.1.0.1", t.minusSeconds(100), t.minusSeconds(10)),
                candidate(2, "10.1.0.2", t.minusSeconds(5), t.minusSeconds(5)),
                candidate(3, "10.1.0.3", null, t),
                candidate(4, "10.2.0.1", t.minusSeconds(50), t.minusSeconds(50)),
                candidate(5, "10.2.0.2", null, t.minusSeconds(1)),
                candidate(6, "10.3.0.1", null, t.minusSeconds(2))));

        List<PeerId> order = AddressBook.spread(candidates, 10).stream().map(AddressBookEntry::peerId).toList();

        assertEquals(List.of(id(2), id(4), id(6), id(1), id(5), id(3)), order);
        assertEquals(List.of(id(2), id(4)), AddressBook.spread(candidates, 2).stream()
                .map(AddressBookEntry::peerId).toList());
        assertTrue(AddressBook.spread(candidates, 0).isEmpty());
        assertTrue(AddressBook.spread(candidates, -1).isEmpty());
    }

    private AddressBookEntry candidate(int n, String host, Instant lastSuccess, Instant lastSeen) {
        return new AddressBookEntry(id(n), at(host), "genesis", AddressBook.groupOf(host), lastSeen, lastSeen,
                Optional.ofNullable(lastSuccess), Optional.empty(), 0, false);
    }

    // ---------------------------------------------------------------- the file

    @Test
    void theFileRoundTripsAndLoadedEntriesAreDialableAtOnce() {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.established(id(1), at("10.0.0.1"), "genesis", true);
        book.offered(id(2), at("2001:db8::2"), "lan-discovery");
        fail(book, at("2001:db8::2"));
        book.offered(id(3), at("peer.example.org"), "peer-group");
        node.connected.add(id(3));
        assertEquals(1, book.dialable().size(), "before: one backs off and one is connected");

        book.save();
        node.connected.clear();
        AddressBook loaded = book(10_000, 256);
        assertEquals(3, loaded.load());

        for (AddressBookEntry before : book.snapshot()) {
            AddressBookEntry after = entry(loaded, before.peerId());
            assertEquals(new AddressBookEntry(before.peerId(), before.address(), before.source(), before.group(),
                    before.firstSeen(), before.lastSeen(), before.lastSuccess(), before.lastAttempt(),
                    before.failures(), false), after);
        }
        assertEquals(3, loaded.dialable().size(), "loaded entries are dial candidates at once");
    }

    @Test
    void aMissingFileIsAnEmptyBook() {
        assertEquals(0, book(10_000, 256).load());
    }

    @Test
    void aCorruptFileIsMovedAsideAndTheBookStartsEmpty() throws IOException {
        Path file = dir.resolve(AddressBook.FILE_NAME);
        Files.writeString(file, "{\"version\":1,\"entries\":[{\"peerId\":", StandardCharsets.UTF_8);

        AddressBook book = book(10_000, 256);
        assertEquals(0, book.load());

        Path aside = dir.resolve(AddressBook.FILE_NAME + ".corrupt-" + clock.millis());
        assertTrue(Files.exists(aside), "moved aside");
        assertEquals("{\"version\":1,\"entries\":[{\"peerId\":", Files.readString(aside), "nothing is lost");
        assertFalse(Files.exists(file));
        book.offered(id(1), at("10.0.0.1"), "genesis");
        book.save();
        assertEquals(1, book(10_000, 256).load(), "the next save works");
        assertEquals("{\"version\":1,\"entries\":[{\"peerId\":", Files.readString(aside), "the corrupt copy is kept");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "[]",
            "{\"version\":2,\"entries\":[]}",
            "{\"version\":1}",
            "{\"version\":1,\"entries\":[],\"extra\":1}",
            "{\"version\":1,\"entries\":[]} trailing",
            "{\"version\":1,\"entries\":[null]}",
            "{\"version\":1,\"entries\":[{\"peerId\":\"zz\",\"host\":\"10.0.0.1\",\"port\":7700,\"source\":\"lan\","
                    + "\"firstSeen\":\"2026-11-21T10:00:00Z\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"lastSuccess\":null,"
                    + "\"lastAttempt\":null,\"failures\":0,\"successes\":0,\"recentFailures\":[]}]}",
            "{\"version\":1,\"entries\":[{\"peerId\":\"" + "%1$s" + "\",\"host\":\"10.0.0.1\",\"port\":0,\"source\":\"lan\","
                    + "\"firstSeen\":\"2026-11-21T10:00:00Z\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"lastSuccess\":null,"
                    + "\"lastAttempt\":null,\"failures\":0,\"successes\":0,\"recentFailures\":[]}]}",
            "{\"version\":1,\"entries\":[{\"peerId\":\"" + "%1$s" + "\",\"host\":\"10.0.0.1\",\"port\":7700,\"source\":\"LAN x\","
                    + "\"firstSeen\":\"2026-11-21T10:00:00Z\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"lastSuccess\":null,"
                    + "\"lastAttempt\":null,\"failures\":0,\"successes\":0,\"recentFailures\":[]}]}",
            "{\"version\":1,\"entries\":[{\"peerId\":\"" + "%1$s" + "\",\"host\":\"10.0.0.1\",\"port\":7700,\"source\":\"lan\","
                    + "\"firstSeen\":\"yesterday\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"lastSuccess\":null,"
                    + "\"lastAttempt\":null,\"failures\":0,\"successes\":0,\"recentFailures\":[]}]}",
            "{\"version\":1,\"entries\":[{\"peerId\":\"" + "%1$s" + "\",\"host\":\"10.0.0.1\",\"port\":7700,\"source\":\"lan\","
                    + "\"firstSeen\":\"2026-11-21T10:00:00Z\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"lastSuccess\":null,"
                    + "\"lastAttempt\":null,\"failures\":-1,\"successes\":0,\"recentFailures\":[]}]}",
            "{\"version\":1,\"entries\":[{\"peerId\":\"" + "%1$s" + "\",\"host\":\"10.0.0.1\",\"port\":7700,\"source\":\"lan\","
                    + "\"firstSeen\":\"2026-11-21T10:00:00Z\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"lastSuccess\":null,"
                    + "\"lastAttempt\":null,\"failures\":0,\"successes\":0,\"recentFailures\":[]},"
                    + "{\"peerId\":\"" + "%1$s" + "\",\"host\":\"10.0.0.2\",\"port\":7700,\"source\":\"lan\","
                    + "\"firstSeen\":\"2026-11-21T10:00:00Z\",\"lastSeen\":\"2026-11-21T10:00:00Z\",\"lastSuccess\":null,"
                    + "\"lastAttempt\":null,\"failures\":0,\"successes\":0,\"recentFailures\":[]}]}"
    })
    void everyKindOfBadFileIsMovedAsideWhole(String text) throws IOException {
        Path file = dir.resolve(AddressBook.FILE_NAME);
        String content = String.format(text, id(1).value());
        Files.writeString(file, content, StandardCharsets.UTF_8);

        AddressBook book = book(10_000, 256);

        assertEquals(0, book.load());
        assertEquals(0, book.size());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString().startsWith(AddressBook.FILE_NAME + ".corrupt-"))
                    .toList();
            assertEquals(1, aside.size());
            assertEquals(content, Files.readString(aside.get(0)));
        }
    }

    @Test
    void aValidFileOfTheSameShapeLoads() throws IOException {
        Files.writeString(dir.resolve(AddressBook.FILE_NAME), String.format(
                "{\"version\":1,\"entries\":[{\"peerId\":\"%s\",\"host\":\"10.0.0.1\",\"port\":7700,\"source\":\"lan\","
                        + "\"firstSeen\":\"2026-11-21T09:00:00Z\",\"lastSeen\":\"2026-11-21T09:30:00Z\",\"lastSuccess\":null,"
                        + "\"lastAttempt\":null,\"failures\":1,\"successes\":0,\"recentFailures\":[\"2026-11-21T09:30:00Z\"]}]}",
                id(1).value()));

        AddressBook book = book(10_000, 256);

        assertEquals(1, book.load());
        AddressBookEntry e = entry(book, id(1));
        assertEquals("lan", e.source());
        assertEquals(1, e.failures());
        assertEquals(Instant.parse("2026-11-21T09:30:00Z"), e.lastSeen());
    }

    @Test
    void aSaveThatCannotWriteNamesTheFileAndTheProblem() throws IOException {
        Path notADirectory = dir.resolve("blocker");
        Files.writeString(notADirectory, "a file where the directory should be");
        AddressBook book = new AddressBook(notADirectory.resolve(AddressBook.FILE_NAME), node, clock, fixed(0.5),
                10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");

        IllegalStateException e = assertThrows(IllegalStateException.class, book::save);

        assertTrue(e.getMessage().contains(notADirectory.resolve(AddressBook.FILE_NAME).toString()), e.getMessage());
        assertTrue(e.getMessage().contains("cannot save the address book"), e.getMessage());
        assertEquals(1, book.size(), "the book is kept");
    }

    @Test
    void theFileIsVersionedJsonWithoutConnectedState() throws IOException {
        AddressBook book = book(10_000, 256);
        book.offered(id(1), at("10.0.0.1"), "genesis");
        node.connected.add(id(1));

        book.save();

        String json = Files.readString(dir.resolve(AddressBook.FILE_NAME));
        assertTrue(json.contains("\"version\" : 1"), json);
        assertTrue(json.contains("\"peerId\" : \"" + id(1).value() + "\""), json);
        assertFalse(json.contains("connected"), json);
        Map<String, Object> parsed = new HashMap<>(AddressBook.MAPPER.readValue(json, Map.class));
        assertEquals(1, parsed.get("version"));
    }
}
