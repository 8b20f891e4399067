package org.p2pnet.handler.broadcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.testing.Conditions;

/**
 * Twenty component instances wired as a random graph (every node at least 3 channels) by fake
 * channels that deliver asynchronously on a shared pool, as the network threads would: one
 * broadcast reaches every node exactly once, and again after 5 nodes are removed (chosen so that
 * the survivors stay connected). Duplicates per node are printed.
 */
class OverlayBroadcastTest {
    private static final int NODES = 20;
    private static final int MIN_DEGREE = 3;
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ExecutorService wire = Executors.newFixedThreadPool(4);
    private final AtomicInteger inFlight = new AtomicInteger();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, Set<Integer>> edges = new ConcurrentHashMap<>();

    /** One node: its component, its channels, and how many times its listener heard each id. */
    private final class Node {
        final int index;
        final TestNetwork network;
        final BroadcastService service;
        final Map<String, AtomicInteger> heard = new ConcurrentHashMap<>();
        boolean removed;

        Node(int index) {
            this.index = index;
            this.network = new TestNetwork(PeerId.parse(String.format("%064x", index + 1)));
            this.service = new BroadcastService(TestConfig.defaults(), network, Clock.systemUTC());
            service.addListener(b -> heard.computeIfAbsent(b.packet().id(), id -> new AtomicInteger()).incrementAndGet());
        }

        int heard(String id) {
            AtomicInteger n = heard.get(id);
            return n == null ? 0 : n.get();
        }

        long kept(String id) {
            return service.recent(1000).stream().filter(r -> r.packet().id().equals(id)).count();
        }
    }

    @AfterEach
    void stop() {
        nodes.forEach(n -> n.service.deactivate());
        wire.shutdownNow();
    }

    @Test
    void oneBroadcastReachesEveryNodeExactlyOnceAlsoAfterFiveNodesLeave() {
        Random random = new Random(20261121L);
        for (int i = 0; i < NODES; i++) {
            nodes.add(new Node(i));
            edges.put(i, new TreeSet<>());
        }
        for (int i = 0; i < NODES; i++) {
            while (edges.get(i).size() < MIN_DEGREE) {
                int j = random.nextInt(NODES);
                if (j != i && !edges.get(i).contains(j)) {
                    connect(nodes.get(i), nodes.get(j));
                }
            }
        }
        assertTrue(connected(all()), "the random graph is connected");

        String first = broadcastAndAwait(nodes.get(0), all(), "first");

        Set<Integer> gone = pickRemovable(random, 5);
        for (int i : gone) {
            remove(nodes.get(i));
        }
        Set<Integer> survivors = all();
        survivors.removeAll(gone);
        int origin = survivors.iterator().next();
        String second = broadcastAndAwait(nodes.get(origin), survivors, "after removing nodes " + gone);

        for (int i : gone) {
            assertEquals(0, nodes.get(i).heard(second), "removed node " + i + " heard nothing");
        }
        assertEquals(1, nodes.get(0).heard(first));
    }

    /** Originates on {@code from}, waits until the wire is quiet, checks exactly-once, prints duplicates. */
    private String broadcastAndAwait(Node from, Set<Integer> reachable, String label) {
        Map<Integer, Long> duplicatesBefore = new ConcurrentHashMap<>();
        for (int i : reachable) {
            duplicatesBefore.put(i, nodes.get(i).service.stats().duplicates());
        }
        BroadcastPacket packet = from.service.broadcast("overlay", "to everyone, " + label).packet();
        String id = packet.id();
        Conditions.await("every node heard the broadcast (" + label + ")", WAIT,
                () -> reachable.stream().allMatch(i -> nodes.get(i).heard(id) >= 1));
        Conditions.await("no packet in flight (" + label + ")", WAIT, () -> inFlight.get() == 0);

        StringBuilder report = new StringBuilder("Broadcast " + label + " from node " + from.index + " on "
                + reachable.size() + " nodes; duplicates per node:");
        long total = 0;
        for (int i : reachable) {
            Node n = nodes.get(i);
            assertEquals(1, n.kept(id), "node " + i + " delivered it exactly once (" + label + ")");
            assertEquals(1, n.heard(id), "node " + i + "'s listener heard it exactly once (" + label + ")");
            long dups = n.service.stats().duplicates() - duplicatesBefore.get(i);
            total += dups;
            report.append(' ').append(i).append('=').append(dups);
        }
        report.append("; total ").append(total).append(", edges ").append(edgeCount(reachable));
        System.out.println(report);
        return id;
    }

    private void connect(Node x, Node y) {
        TestChannel xToY = new TestChannel(x.index + "->" + y.index, y.network.self);
        TestChannel yToX = new TestChannel(y.index + "->" + x.index, x.network.self);
        xToY.onSend = packet -> deliver(y, yToX, packet);
        yToX.onSend = packet -> deliver(x, xToY, packet);
        x.network.channels.add(xToY);
        y.network.channels.add(yToX);
        edges.get(x.index).add(y.index);
        edges.get(y.index).add(x.index);
    }

    /** As the core would: the receiving node's handler runs later, on another thread. */
    private void deliver(Node to, TestChannel arrivedOn, org.p2pnet.api.packet.Packet packet) {
        inFlight.incrementAndGet();
        wire.execute(() -> {
            try {
                if (!to.removed && arrivedOn.isOpen()) {
                    to.service.handle(arrivedOn, packet);
                }
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private void remove(Node node) {
        node.removed = true;
        node.network.channels.forEach(c -> c.open = false);
        for (Node other : nodes) {
            other.network.channels.stream()
                    .filter(c -> c.peerId().equals(node.network.self))
                    .forEach(c -> c.open = false);
        }
        for (int j : edges.get(node.index)) {
            edges.get(j).remove(node.index);
        }
        edges.get(node.index).clear();
    }

    /** Five distinct nodes whose removal leaves the others connected (the same ones on every run). */
    private Set<Integer> pickRemovable(Random random, int count) {
        for (int attempt = 0; attempt < 1000; attempt++) {
            Set<Integer> gone = new TreeSet<>();
            while (gone.size() < count) {
                gone.add(random.nextInt(NODES));
            }
            Set<Integer> rest = all();
            rest.removeAll(gone);
            if (connectedWithout(rest, gone)) {
                return gone;
            }
        }
        throw new AssertionError("no 5 nodes found whose removal keeps the graph connected");
    }

    private boolean connected(Set<Integer> set) {
        return connectedWithout(set, Set.of());
    }

    private boolean connectedWithout(Set<Integer> set, Set<Integer> gone) {
        Deque<Integer> todo = new ArrayDeque<>();
        Set<Integer> reached = new HashSet<>();
        Integer start = set.iterator().next();
        todo.add(start);
        reached.add(start);
        while (!todo.isEmpty()) {
            for (int j : edges.get(todo.poll())) {
                if (!gone.contains(j) && set.contains(j) && reached.add(j)) {
                    todo.add(j);
                }
            }
        }
        return reached.size() == set.size();
    }

    private int edgeCount(Set<Integer> set) {
        int twice = 0;
        for (int i : set) {
            for (int j : edges.get(i)) {
                if (set.contains(j)) {
                    twice++;
                }
            }
        }
        return twice / 2;
    }

    private static Set<Integer> all() {
        Set<Integer> s = new TreeSet<>();
        for (int i = 0; i < NODES; i++) {
            s.add(i);
        }
        return s;
    }
}
