package org.p2pnet.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisRegistration.DialBack;

class RegistryTest {
    private static final long TTL = 600_000;
    private static final long T0 = 1_000_000;

    /**
     * 10,000 samples of 4 over 20 live entries: each entry is expected in 10,000 × 4/20 = 2,000 of
     * them. Its count is binomial(10,000, 0.2), standard deviation √(10,000 × 0.2 × 0.8) = 40, so
     * the ±10 % tolerance (±200) is 5 standard deviations: a correct sampler fails it with
     * probability about 20 × 6e-7 ≈ 1e-5 (no fixed seed is needed), while a sampler that favours
     * or starves any entry by more than 10 % fails it.
     */
    @Test
    void samplesAreUniformAndWithoutRepetition() {
        Registry registry = new Registry(1000, TTL, false);
        List<PeerId> ids = register(registry, 20, T0);
        Map<String, Integer> hits = draw(registry, 10_000, 4, null, T0 + 1);
        assertEquals(20, hits.size());
        for (PeerId id : ids) {
            int n = hits.get(id.value());
            assertTrue(Math.abs(n - 2000) <= 200, "entry drawn " + n + " times, expected 2000 ± 200");
        }
    }

    /**
     * The fallback (reservoir) path: 10 live entries among 1,000, the rest expired, so probing
     * rarely finds 4 and the whole sample is drawn by a scan. Each live entry is expected in 4/10 of
     * 10,000 samples = 4,000; σ = √(10,000 × 0.4 × 0.6) ≈ 49, and ±10 % (±400) is 8σ.
     */
    @Test
    void sparseLiveEntriesAreSampledUniformlyToo() {
        Registry registry = new Registry(2000, TTL, false);
        register(registry, 990, T0);
        List<PeerId> live = register(registry, 10, T0 + TTL / 2);
        long now = T0 + TTL + 1;
        Map<String, Integer> hits = draw(registry, 10_000, 4, null, now);
        assertEquals(10, hits.size(), "only the live entries: " + hits.keySet());
        for (PeerId id : live) {
            int n = hits.get(id.value());
            assertTrue(Math.abs(n - 4000) <= 400, "entry drawn " + n + " times, expected 4000 ± 400");
        }
    }

    @Test
    void aSampleIsCappedByCountByTheArrayAndByWhatIsLive() {
        Registry registry = new Registry(1000, TTL, false);
        register(registry, 5, T0);
        Registry.Peer[] out = new Registry.Peer[64];
        assertEquals(5, registry.sample(out, 8, null, T0), "fewer live than asked: all of them");
        assertEquals(5, distinct(out, 5));
        register(registry, 95, T0);
        assertEquals(8, registry.sample(out, 8, null, T0));
        assertEquals(8, distinct(out, 8));
        assertEquals(64, registry.sample(out, 100, null, T0), "never more than the array holds");
        assertEquals(64, distinct(out, 64));
        assertEquals(0, registry.sample(out, 0, null, T0));
        assertEquals(0, new Registry(10, TTL, false).sample(out, 8, null, T0), "empty registry");
    }

    @Test
    void theCallerIsNeverInItsOwnSample() {
        Registry registry = new Registry(1000, TTL, false);
        List<PeerId> ids = register(registry, 6, T0);
        String caller = ids.get(3).value();
        Map<String, Integer> hits = draw(registry, 2000, 4, caller, T0);
        assertFalse(hits.containsKey(caller));
        assertEquals(5, hits.size());
        // with only the caller registered, nothing
        Registry alone = new Registry(10, TTL, false);
        PeerId only = register(alone, 1, T0).get(0);
        assertEquals(0, alone.sample(new Registry.Peer[8], 8, only.value(), T0));
    }

    @Test
    void expiredEntriesAreNeverHandedOutEvenBeforeThePurge() {
        Registry registry = new Registry(1000, TTL, false);
        List<PeerId> old = register(registry, 10, T0);
        List<PeerId> fresh = register(registry, 10, T0 + 1000);
        long now = T0 + TTL; // the old ones expire exactly now; nothing purged yet
        Map<String, Integer> hits = draw(registry, 2000, 8, null, now);
        old.forEach(id -> assertFalse(hits.containsKey(id.value())));
        assertEquals(10, hits.size());
        assertEquals(10, registry.live(now));
        assertEquals(10, registry.purgeExpired(now));
        assertEquals(fresh.size(), registry.snapshot(now, 100).size());
    }

    @Test
    void fullRegistryEvictsTheLeastRecentlySeen() {
        Registry registry = new Registry(3, TTL, false);
        List<PeerId> ids = register(registry, 3, T0);
        registry.register(ids.get(0), address("192.0.2.1"), "192.0.2.1", 7000, T0 + 10); // renewal: now the most recent
        PeerId newcomer = register(registry, 1, T0 + 20).get(0);
        Set<PeerId> held = new HashSet<>();
        registry.snapshot(T0 + 20, 10).forEach(r -> held.add(r.peerId()));
        assertEquals(Set.of(ids.get(0), ids.get(2), newcomer), held, "ids.get(1) was the least recently seen");
    }

    @Test
    void snapshotIsMostRecentlySeenFirstAndRenewalKeepsFirstSeen() {
        Registry registry = new Registry(100, TTL, false);
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.addAll(register(registry, 1, T0 + i));
        }
        registry.register(ids.get(0), address("192.0.2.9"), "192.0.2.9", 7009, T0 + 100);
        List<GenesisRegistration> snapshot = registry.snapshot(T0 + 100, 10);
        assertEquals(List.of(ids.get(0), ids.get(2), ids.get(1)), snapshot.stream().map(GenesisRegistration::peerId).toList());
        GenesisRegistration renewed = snapshot.get(0);
        assertEquals(T0, renewed.firstSeen().toEpochMilli());
        assertEquals(T0 + 100, renewed.lastSeen().toEpochMilli());
        assertEquals(T0 + 100 + TTL, renewed.expiresAt().toEpochMilli());
        assertEquals("192.0.2.9", renewed.address().host());
        assertEquals(7009, renewed.address().port());
        assertEquals(DialBack.OFF, renewed.dialBack());
        assertEquals(2, registry.snapshot(T0 + 100, 2).size());
    }

    @Test
    void withDialBackOnlyCheckedEntriesAreHandedOut() {
        Registry registry = new Registry(100, TTL, true);
        List<PeerId> ids = register(registry, 4, T0);
        Registry.Peer[] out = new Registry.Peer[8];
        assertEquals(0, registry.sample(out, 8, null, T0), "all PENDING");
        Map<PeerId, Registry.Peer> peers = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            PeerId id = ids.get(i);
            String host = "192.0.2." + (i + 1);
            peers.put(id, registry.register(id, address(host), host, 7000 + i, T0).peer());
        }
        registry.dialBackResult(ids.get(0), peers.get(ids.get(0)), true);
        registry.dialBackResult(ids.get(1), peers.get(ids.get(1)), false);
        assertEquals(1, registry.sample(out, 8, null, T0));
        assertEquals(ids.get(0).value(), out[0].id());

        // a renewal at the same address keeps OK (the peer stays handed out while checked again)
        registry.register(ids.get(0), address("192.0.2.1"), "192.0.2.1", 7000, T0 + 5);
        assertEquals(1, registry.sample(out, 8, null, T0 + 5));
        // at another address it is PENDING again, and a late result for the old address is ignored
        Registry.Peer moved = registry.register(ids.get(0), address("192.0.2.77"), "192.0.2.77", 7000, T0 + 6).peer();
        registry.dialBackResult(ids.get(0), peers.get(ids.get(0)), true);
        assertEquals(0, registry.sample(out, 8, null, T0 + 6));
        registry.dialBackResult(ids.get(0), moved, true);
        assertEquals(1, registry.sample(out, 8, null, T0 + 6));
        assertEquals(DialBack.FAILED, registry.snapshot(T0 + 6, 10).stream()
                .filter(r -> r.peerId().equals(ids.get(1))).findFirst().orElseThrow().dialBack());
    }

    /**
     * Registrations (with evictions: the capacity is smaller than the ids used), renewals, purges
     * and samples from several threads at once: no exception, every sample without repetition,
     * and the registry never above its capacity.
     */
    @Test
    void concurrentUseKeepsTheInvariants() throws InterruptedException {
        Registry registry = new Registry(300, TTL, false);
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ids.add(PeerId.fromEncodedKey(("concurrent-" + i).getBytes()));
        }
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            boolean writer = t < 2;
            int seed = t;
            threads.add(new Thread(() -> {
                try {
                    java.util.Random random = new java.util.Random(seed);
                    Registry.Peer[] out = new Registry.Peer[16];
                    for (int i = 0; i < 50_000; i++) {
                        long now = T0 + i;
                        if (writer) {
                            PeerId id = ids.get(random.nextInt(ids.size()));
                            registry.register(id, address("192.0.2.1"), "192.0.2.1", 7000 + random.nextInt(3), now);
                            if (i % 1000 == 0) {
                                registry.purgeExpired(now);
                            }
                        } else {
                            int n = registry.sample(out, 1 + random.nextInt(16), ids.get(0).value(), now);
                            if (distinct(out, n) != n) {
                                throw new AssertionError("repetition in a sample");
                            }
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "registry-test-" + t));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(List.of(), failures);
        assertEquals(300, registry.snapshot(T0 + 50_000, Integer.MAX_VALUE).size());
    }

    // ------------------------------------------------------------------ helpers

    /** Registers n new peers (random keys are not needed: ids are distinct hashes). */
    private static List<PeerId> register(Registry registry, int n, long now) {
        List<PeerId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PeerId id = PeerId.fromEncodedKey(("peer-" + System.nanoTime() + "-" + i + "-" + Math.random()).getBytes());
            int host = ids.size() % 250 + 1;
            registry.register(id, address("198.51.100." + host), "198.51.100." + host, 7000 + i, now);
            ids.add(id);
        }
        return ids;
    }

    /** How often each id came out in {@code draws} samples of {@code count}; fails on a repetition within one sample. */
    private static Map<String, Integer> draw(Registry registry, int draws, int count, String exclude, long now) {
        Map<String, Integer> hits = new HashMap<>();
        Registry.Peer[] out = new Registry.Peer[count];
        for (int d = 0; d < draws; d++) {
            int n = registry.sample(out, count, exclude, now);
            assertEquals(n, distinct(out, n), "a sample repeated an entry");
            for (int i = 0; i < n; i++) {
                hits.merge(out[i].id(), 1, Integer::sum);
            }
        }
        return hits;
    }

    private static int distinct(Registry.Peer[] out, int n) {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            ids.add(out[i].id());
        }
        return ids.size();
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
