package org.p2pnet.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;
import org.p2pnet.itests.NodeViews.Channel;

/**
 * The join protocol end to end, as operators run it: a genesis node (the bootstrap-node
 * distribution) and five nodes (the node distribution), each in its own JVM on loopback, with LAN
 * discovery off. The nodes know only the genesis URL; they ask it for peers, connect, exchange
 * peers (PEER_GROUP) and register. Every node must hold at least three channels (core
 * {@code minPeers} default) and the overlay must be connected within 10 s of the last console
 * answering.
 */
public class GenesisOverlayIT {
    private static final int NODES = 5;
    private static final int MIN_PEERS = 3;
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration BOUND = Duration.ofSeconds(10);
    /** Polling goes through bin/client (a JVM per call): the bound is judged by the channels' openedAt. */
    private static final Duration POLL_ALLOWANCE = Duration.ofSeconds(30);

    private final List<ExternalNode> all = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(NODES + 1);

    @After
    public void stopAll() throws Exception {
        try {
            ExternalNode.eachInParallel(all, pool, ExternalNode::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aGenesisNodeAndFiveNodesFormAConnectedOverlayWithThreeChannelsEach() throws Exception {
        String network = "genesis-" + UUID.randomUUID().toString().substring(0, 8);
        int httpPort = P2pnetTestSupport.freePort();
        ExternalNode genesis = new ExternalNode(Path.of(System.getProperty("p2pnet.bootstrap.tgz")),
            Files.createTempDirectory("p2pnet-genesis-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(), network)
            .configure("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(httpPort));
        all.add(genesis);
        genesis.startReady(BOOT);
        String url = "http://127.0.0.1:" + httpPort + "/p2pnet/genesis";

        List<ExternalNode> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            ExternalNode node = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
                Files.createTempDirectory("p2pnet-joiner-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(), network)
                .configure("etc/org.p2pnet.discovery.genesis.cfg", "urls", url);
            nodes.add(node);
            all.add(node);
        }
        for (ExternalNode node : nodes) {
            node.start();
        }
        List<Future<?>> ready = new ArrayList<>();
        for (ExternalNode node : nodes) {
            ready.add(pool.submit(() -> {
                node.awaitReadyRestartingOnce(BOOT);
                return null;
            }));
        }
        for (Future<?> r : ready) {
            r.get(BOOT.multipliedBy(4).toSeconds(), TimeUnit.SECONDS);
        }
        Instant allAnswered = Instant.now();

        Map<ExternalNode, String> ids = new HashMap<>();
        for (ExternalNode node : all) {
            ids.put(node, NodeViews.peerId(node));
        }
        // the last snapshot polled is kept for the report, whether the wait succeeded or not
        List<Map<ExternalNode, List<Channel>>> last = new ArrayList<>(List.of(Map.of()));
        try {
            P2pnetTestSupport.waitFor("every node holds " + MIN_PEERS + " channels in a connected overlay",
                BOUND.plus(POLL_ALLOWANCE), () -> {
                    Map<ExternalNode, List<Channel>> snapshot = channelsOfAll();
                    last.set(0, snapshot);
                    return nodes.stream().allMatch(n -> distinctPeers(seen_(snapshot, n)) >= MIN_PEERS)
                        && connected(snapshot, ids);
                });
        } catch (AssertionError notYet) {
            // reported below, with what each node held
        }
        Map<ExternalNode, List<Channel>> seen = last.get(0);

        StringBuilder report = new StringBuilder("overlay of " + url + " (all consoles answered at " + allAnswered + "):\n");
        boolean within = true;
        for (ExternalNode node : all) {
            List<Channel> channels = seen_(seen, node);
            Instant third = channels.stream().map(Channel::openedAt).sorted().skip(MIN_PEERS - 1L).findFirst().orElse(null);
            long ms = third == null ? Long.MAX_VALUE : Duration.between(allAnswered, third).toMillis();
            boolean joiner = node != genesis;
            if (joiner) {
                within &= ms <= BOUND.toMillis();
            }
            report.append(String.format("  %s %s: %d channels, %s%n", joiner ? "node   " : "genesis", ids.get(node).substring(0, 12),
                distinctPeers(channels), third == null ? "fewer than " + MIN_PEERS
                    : MIN_PEERS + "rd opened " + ms + " ms after all consoles answered"));
        }
        System.out.println(report);
        if (!nodes.stream().allMatch(n -> distinctPeers(seen_(seen, n)) >= MIN_PEERS)) {
            fail("not every node holds " + MIN_PEERS + " channels\n" + report + bootstrapOfAll(nodes) + logs());
        }
        assertTrue("the overlay is connected\n" + report, connected(seen, ids));
        assertTrue("every node held " + MIN_PEERS + " channels within " + BOUND.toMillis() + " ms\n" + report, within);
        // the genesis node registered them all
        String registered = genesis.exec("p2p:genesis-peers --json");
        for (ExternalNode node : nodes) {
            assertTrue("genesis lists " + ids.get(node) + ": " + registered, registered.contains(ids.get(node)));
        }
    }

    private static List<Channel> seen_(Map<ExternalNode, List<Channel>> seen, ExternalNode node) {
        return seen.getOrDefault(node, List.of());
    }

    private static long distinctPeers(List<Channel> channels) {
        return channels.stream().map(Channel::peerId).distinct().count();
    }

    private Map<ExternalNode, List<Channel>> channelsOfAll() throws Exception {
        Map<ExternalNode, Future<List<Channel>>> futures = new HashMap<>();
        for (ExternalNode node : all) {
            futures.put(node, pool.submit(() -> NodeViews.channelList(node)));
        }
        Map<ExternalNode, List<Channel>> result = new HashMap<>();
        for (Map.Entry<ExternalNode, Future<List<Channel>>> e : futures.entrySet()) {
            try {
                result.put(e.getKey(), e.getValue().get(90, TimeUnit.SECONDS));
            } catch (Exception notNow) {
                result.put(e.getKey(), List.of());
            }
        }
        return result;
    }

    /** Whether every node is reachable from the first over the channels seen (either end counts). */
    private boolean connected(Map<ExternalNode, List<Channel>> seen, Map<ExternalNode, String> ids) {
        Map<String, Set<String>> edges = new HashMap<>();
        for (ExternalNode node : all) {
            for (Channel c : seen_(seen, node)) {
                edges.computeIfAbsent(ids.get(node), k -> new HashSet<>()).add(c.peerId());
                edges.computeIfAbsent(c.peerId(), k -> new HashSet<>()).add(ids.get(node));
            }
        }
        Set<String> reached = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of(ids.get(all.get(0))));
        while (!todo.isEmpty()) {
            String id = todo.pop();
            if (reached.add(id)) {
                todo.addAll(edges.getOrDefault(id, Set.of()));
            }
        }
        return reached.containsAll(ids.values());
    }

    private String bootstrapOfAll(List<ExternalNode> nodes) {
        StringBuilder b = new StringBuilder();
        for (ExternalNode node : nodes) {
            try {
                b.append("--- p2p:bootstrap of ").append(node.home()).append('\n').append(node.exec("p2p:bootstrap"));
            } catch (Exception e) {
                b.append("--- p2p:bootstrap of ").append(node.home()).append(": ").append(e).append('\n');
            }
        }
        return b.toString();
    }

    private String logs() {
        StringBuilder b = new StringBuilder();
        for (ExternalNode node : all) {
            b.append('\n').append(node.logs());
        }
        return b.toString();
    }
}
