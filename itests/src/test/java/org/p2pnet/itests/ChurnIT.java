package org.p2pnet.itests;

import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.After;
import org.junit.Test;
import org.p2pnet.itests.NodeViews.Channel;

/**
 * A self-healing overlay under churn, between real processes on loopback: a genesis node and
 * twelve nodes (LAN discovery off) join through the genesis node; then four nodes, chosen at
 * random, are killed with SIGKILL.
 * <ol>
 * <li>Every survivor is back to at least {@code minPeers} (3) channels with live peers within
 *     30 s of the kill, judged by when those channels opened (MaintainMinimumPeers dials from the
 *     address book, peer exchange fills it).</li>
 * <li>The killed nodes are started again with no genesis URL and LAN discovery off: they rejoin
 *     from their address books alone (saved by AddressBookSave before the kill).</li>
 * </ol>
 */
public class ChurnIT {
    private static final int NODES = 12;
    private static final int KILLED = 4;
    private static final int MIN_PEERS = 3;
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration HEAL_BOUND = Duration.ofSeconds(30);
    /** Polling goes through bin/client (a JVM per call): bounds are judged by the channels' openedAt. */
    private static final Duration POLL_ALLOWANCE = Duration.ofSeconds(90);
    private static final String CLIENT_CFG = "etc/org.p2pnet.discovery.genesis.cfg";

    private final List<ExternalNode> all = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(6);

    @After
    public void stopAll() throws Exception {
        try {
            ExternalNode.eachInParallel(all, pool, ExternalNode::close);
        } finally {
            pool.shutdownNow();
        }
    }

    private static ExternalNode lean(ExternalNode node) throws Exception {
        return node.lean()
            // saved often, so that the kill finds a recent address book
            .configure("etc/org.p2pnet.routines.cfg", "AddressBookSave.interval", "5s");
    }

    @Test
    public void survivorsHealWithin30sAndKilledNodesRejoinFromTheirAddressBooksAlone() throws Exception {
        String network = "churn-" + UUID.randomUUID().toString().substring(0, 8);
        int httpPort = P2pnetTestSupport.freePort();
        ExternalNode genesis = lean(new ExternalNode(Path.of(System.getProperty("p2pnet.bootstrap.tgz")),
            Files.createTempDirectory("p2pnet-churn-genesis-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(),
            network)
            .configure("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(httpPort)));
        all.add(genesis);
        String url = "http://127.0.0.1:" + httpPort + "/p2pnet/genesis";
        List<ExternalNode> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            ExternalNode node = lean(new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
                Files.createTempDirectory("p2pnet-churn-" + i + "-"), P2pnetTestSupport.freePort(),
                P2pnetTestSupport.freePort(), network)
                .configure(CLIENT_CFG, "urls", url));
            nodes.add(node);
            all.add(node);
        }
        ExternalNode.eachInParallel(all, pool, node -> node.startReady(BOOT));
        Map<ExternalNode, String> ids = new HashMap<>();
        for (ExternalNode node : all) {
            ids.put(node, NodeViews.peerId(node));
        }

        awaitEachHolds(nodes, all, ids, Set.of(), "the overlay formed");
        // every node has an address book on disk with more peers than it needs
        for (ExternalNode node : nodes) {
            Path book = node.home().resolve("data/p2pnet/addressbook.json");
            P2pnetTestSupport.waitFor("address book saved by " + ids.get(node).substring(0, 12), Duration.ofSeconds(60),
                () -> Files.exists(book) && count(Files.readString(book), "\"peerId\"") >= MIN_PEERS);
        }

        long seed = System.nanoTime();
        List<ExternalNode> shuffled = new ArrayList<>(nodes);
        Collections.shuffle(shuffled, new Random(seed));
        List<ExternalNode> killed = shuffled.subList(0, KILLED);
        List<ExternalNode> survivors = new ArrayList<>(shuffled.subList(KILLED, NODES));
        Set<String> dead = killed.stream().map(ids::get).collect(Collectors.toSet());
        System.out.println("churn (seed " + seed + "): killing " + dead.stream().map(i -> i.substring(0, 12)).toList());
        for (ExternalNode node : killed) {
            node.kill();
        }
        Instant killedAt = Instant.now();

        // 1. survivors back to minPeers live peers within 30 s of the kill
        // the genesis node is a peer like any other: a channel with it counts
        List<ExternalNode> alive = new ArrayList<>(survivors);
        alive.add(genesis);
        Map<ExternalNode, List<Channel>> healed = awaitEachHolds(survivors, alive, ids, dead, "survivors healed");
        StringBuilder report = new StringBuilder("after killing " + KILLED + " of " + NODES + " (seed " + seed + "):\n");
        boolean within = true;
        for (ExternalNode node : survivors) {
            List<Instant> opened = healed.get(node).stream().filter(c -> !dead.contains(c.peerId()))
                .map(Channel::openedAt).sorted().toList();
            // the third live channel: open before the kill, or opened since
            Instant third = opened.get(MIN_PEERS - 1);
            long ms = Math.max(0, Duration.between(killedAt, third).toMillis());
            within &= ms <= HEAL_BOUND.toMillis();
            report.append(String.format("  %s: %d live channels, %s%n", ids.get(node).substring(0, 12), opened.size(),
                third.isBefore(killedAt) ? "never below " + MIN_PEERS : MIN_PEERS + "rd live channel " + ms + " ms after the kill"));
        }
        System.out.println(report);
        if (!within) {
            // what the slow nodes knew and logged, for the next reader of a failed run
            for (ExternalNode node : survivors) {
                System.out.println("--- " + ids.get(node).substring(0, 12) + " p2p:addressbook\n" + node.exec("p2p:addressbook")
                    + "\np2p:routines\n" + node.exec("p2p:routines") + "\n" + node.logs());
            }
        }
        assertTrue("every survivor held " + MIN_PEERS + " live channels within " + HEAL_BOUND.toSeconds() + " s\n" + report,
            within);

        // 2. the killed nodes come back without genesis (and without LAN discovery): address book only
        for (ExternalNode node : killed) {
            node.configure(CLIENT_CFG, "urls", "");
        }
        ExternalNode.eachInParallel(killed, pool, node -> {
            node.start();
            node.awaitReadyRestartingOnce(BOOT);
        });
        for (ExternalNode node : killed) {
            String bootstrap = node.exec("p2p:bootstrap --json");
            assertTrue("no genesis URL after the restart: " + bootstrap, !bootstrap.contains(url));
        }
        awaitEachHolds(killed, all, ids, Set.of(), "restarted nodes rejoined from their address books");
    }

    /**
     * Waits until each of {@code nodes} holds {@code MIN_PEERS} channels with distinct peers among
     * {@code among} (not in {@code dead}); returns the last snapshot; fails with what each held.
     */
    private Map<ExternalNode, List<Channel>> awaitEachHolds(List<ExternalNode> nodes, List<ExternalNode> among,
                                                           Map<ExternalNode, String> ids, Set<String> dead, String what)
            throws Exception {
        Set<String> live = among.stream().map(ids::get).filter(id -> !dead.contains(id)).collect(Collectors.toSet());
        List<Map<ExternalNode, List<Channel>>> last = new ArrayList<>(List.of(Map.of()));
        try {
            P2pnetTestSupport.waitFor(what, HEAL_BOUND.plus(POLL_ALLOWANCE), () -> {
                Map<ExternalNode, List<Channel>> snapshot = channelsOf(nodes);
                last.set(0, snapshot);
                return nodes.stream().allMatch(n -> livePeers(snapshot.get(n), live) >= MIN_PEERS);
            });
        } catch (AssertionError notThere) {
            StringBuilder b = new StringBuilder(what + ": not every node holds " + MIN_PEERS + " live channels\n");
            for (ExternalNode n : nodes) {
                b.append("  ").append(ids.get(n), 0, 12).append(": ").append(livePeers(last.get(0).get(n), live));
                if (errors.containsKey(n)) {
                    b.append(" (could not be asked: ").append(errors.get(n)).append("; process alive: ").append(n.isAlive())
                        .append(')');
                }
                b.append('\n');
            }
            for (ExternalNode n : nodes) {
                if (livePeers(last.get(0).get(n), live) < MIN_PEERS) {
                    b.append("--- ").append(ids.get(n), 0, 12).append(" p2p:addressbook\n").append(safeExec(n, "p2p:addressbook"))
                        .append("--- p2p:routines\n").append(safeExec(n, "p2p:routines")).append(n.logs());
                }
            }
            fail(b.toString());
        }
        return last.get(0);
    }

    private static long livePeers(List<Channel> channels, Set<String> live) {
        return channels == null ? 0 : channels.stream().map(Channel::peerId).filter(live::contains).distinct().count();
    }

    /** Why a node could not be asked for its channels at the last poll (counted as none). */
    private final Map<ExternalNode, String> errors = new java.util.concurrent.ConcurrentHashMap<>();

    private Map<ExternalNode, List<Channel>> channelsOf(List<ExternalNode> nodes) throws Exception {
        Map<ExternalNode, Future<List<Channel>>> futures = new HashMap<>();
        for (ExternalNode node : nodes) {
            futures.put(node, pool.submit(() -> NodeViews.channelList(node)));
        }
        Map<ExternalNode, List<Channel>> result = new HashMap<>();
        for (Map.Entry<ExternalNode, Future<List<Channel>>> e : futures.entrySet()) {
            try {
                result.put(e.getKey(), e.getValue().get(90, TimeUnit.SECONDS));
                errors.remove(e.getKey());
            } catch (Exception notNow) {
                result.put(e.getKey(), List.of());
                errors.put(e.getKey(), String.valueOf(notNow.getCause() == null ? notNow : notNow.getCause()));
            }
        }
        return result;
    }

    private static String safeExec(ExternalNode node, String command) {
        try {
            return node.exec(command);
        } catch (Exception e) {
            return command + " failed: " + e + "\n";
        }
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
