package org.p2pnet.itests;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.After;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Network-wide broadcast on a real overlay: a genesis node and 20 nodes on loopback (LAN discovery
 * off) form a random overlay through the genesis node and peer exchange, every node with ≥ 3
 * channels. A broadcast from one node reaches all 20 exactly once; after 5 other nodes are killed
 * and the survivors healed, a second broadcast reaches the 15 left exactly once.
 */
public class BroadcastIT {
    private static final int NODES = 20;
    private static final int KILLED = 5;
    private static final int MIN_PEERS = 3;
    private static final Duration BOOT = Duration.ofSeconds(180);
    private static final Duration FORM = Duration.ofSeconds(180);
    private static final Duration SPREAD = Duration.ofSeconds(60);
    private static final Pattern ID = Pattern.compile("\\b[0-9a-f]{64}\\b");

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

    @Test
    public void aBroadcastReachesAllTwentyNodesOnceAndAgainTheFifteenLeftAfterFiveAreKilled() throws Exception {
        String network = "bcast-" + UUID.randomUUID().toString().substring(0, 8);
        int httpPort = P2pnetTestSupport.freePort();
        ExternalNode genesis = new ExternalNode(Path.of(System.getProperty("p2pnet.bootstrap.tgz")),
            Files.createTempDirectory("p2pnet-bcast-genesis-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(),
            network).configure("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(httpPort))
            .lean();
        all.add(genesis);
        String url = "http://127.0.0.1:" + httpPort + "/p2pnet/genesis";
        List<ExternalNode> nodes = new ArrayList<>();
        for (int i = 0; i < NODES; i++) {
            ExternalNode node = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
                Files.createTempDirectory("p2pnet-bcast-" + i + "-"), P2pnetTestSupport.freePort(),
                P2pnetTestSupport.freePort(), network).configure("etc/org.p2pnet.discovery.genesis.cfg", "urls", url)
                .lean();
            nodes.add(node);
            all.add(node);
        }
        ExternalNode.eachInParallel(all, pool, node -> node.startReady(BOOT));
        ExternalNode.eachInParallel(nodes, pool, node -> ensureGenesisUrl(node, url));
        awaitChannels(nodes, "the overlay formed");

        ExternalNode origin = nodes.get(0);
        StringBuilder report = new StringBuilder();
        Map<ExternalNode, JsonNode> before = stats(nodes);
        String first = broadcast(origin, "first over 20 nodes");
        BroadcastReach.awaitDeliveredOnce(BroadcastReach.byHome(nodes), first, SPREAD, pool);
        report.append(costs("one broadcast over " + NODES + " nodes", nodes, before, stats(nodes), origin, lastRecipients));

        List<ExternalNode> others = new ArrayList<>(nodes.subList(1, NODES));
        long seed = System.nanoTime();
        Collections.shuffle(others, new Random(seed));
        List<ExternalNode> killed = others.subList(0, KILLED);
        System.out.println("broadcast: killing " + KILLED + " nodes (seed " + seed + ")");
        for (ExternalNode node : killed) {
            node.kill();
        }
        List<ExternalNode> left = new ArrayList<>(nodes);
        left.removeAll(killed);
        awaitChannels(left, "the 15 left healed");
        before = stats(left);
        String second = broadcast(origin, "second over the 15 left");
        BroadcastReach.awaitDeliveredOnce(BroadcastReach.byHome(left), second, SPREAD, pool);
        report.append(costs("one broadcast over the " + left.size() + " left after " + KILLED + " were killed", left, before,
            stats(left), origin, lastRecipients));
        System.out.println(report);
        // the module's target directory (failsafe runs in the module): benchmarks/broadcast.sh copies it
        Path out = Path.of("target", "broadcast-report.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report.toString());
    }

    /**
     * Seen once on 2026-11-21 with 20 nodes booting on a loaded 2-core machine (an earlier
     * failure of this test that day, without diagnostics, may have been the same): one node came
     * up without the genesis URL written into its etc/org.p2pnet.discovery.genesis.cfg before the
     * start (p2p:bootstrap: "no genesis URL configured") and never joined. The cause is not found
     * yet: this prints what the node had, for diagnosis, and sets the URL through Config Admin so
     * that the broadcast itself is still tested.
     */
    private static void ensureGenesisUrl(ExternalNode node, String url) throws Exception {
        if (node.exec("p2p:bootstrap").contains(url)) {
            return;
        }
        System.out.println("BroadcastIT: " + node.home() + " booted without its genesis URL; etc file:\n"
            + String.join("\n", Files.readAllLines(node.home().resolve("etc/org.p2pnet.discovery.genesis.cfg")))
            + "\nconfig:list:\n" + node.exec("config:list '(service.pid=org.p2pnet.discovery.genesis)'")
            + "\nsetting it through Config Admin");
        node.exec("config:property-set -p org.p2pnet.discovery.genesis urls " + url);
        P2pnetTestSupport.waitFor(node.home() + " has its genesis URL", Duration.ofSeconds(30),
            () -> node.exec("p2p:bootstrap").contains(url));
    }

    /** Each node's p2p:broadcast-stats --json. */
    private Map<ExternalNode, JsonNode> stats(List<ExternalNode> nodes) throws Exception {
        Map<ExternalNode, Future<JsonNode>> futures = new HashMap<>();
        for (ExternalNode node : nodes) {
            futures.put(node, pool.submit(() -> NodeViews.json(node.exec("p2p:broadcast-stats --json"), '{', '}')));
        }
        Map<ExternalNode, JsonNode> result = new HashMap<>();
        for (Map.Entry<ExternalNode, Future<JsonNode>> e : futures.entrySet()) {
            result.put(e.getKey(), e.getValue().get(90, TimeUnit.SECONDS));
        }
        return result;
    }

    /** What one broadcast cost: copies sent (to full coverage) and duplicates per node, as a Markdown table. */
    private static String costs(String what, List<ExternalNode> nodes, Map<ExternalNode, JsonNode> before,
                                Map<ExternalNode, JsonNode> after, ExternalNode origin, int originCopies) {
        long sent = 0;
        long duplicates = 0;
        int maxDuplicates = 0;
        StringBuilder rows = new StringBuilder();
        for (ExternalNode n : nodes) {
            long relayed = after.get(n).path("relayed").asLong() - before.get(n).path("relayed").asLong()
                + (n == origin ? originCopies : 0);
            long dup = after.get(n).path("duplicates").asLong() - before.get(n).path("duplicates").asLong();
            sent += relayed;
            duplicates += dup;
            maxDuplicates = (int) Math.max(maxDuplicates, dup);
            rows.append(String.format("| %s | %d | %d |%n", n.home().getFileName(), relayed, dup));
        }
        return String.format("### %s%n%n- copies sent in all (originated or relayed, i.e. messages to full coverage): %d%n"
            + "- duplicates: %d in all, %.1f per node on average, at most %d on one node%n%n"
            + "| node | copies sent | duplicates received |%n|---|---:|---:|%n%s%n", what, sent, duplicates,
            (double) duplicates / nodes.size(), maxDuplicates, rows);
    }

    /** Copies the origin sent of the last broadcast (p2p:broadcast's "sent to N peers"). */
    private int lastRecipients;

    /** Originates a broadcast; returns its id. */
    private String broadcast(ExternalNode origin, String text) throws Exception {
        String out = origin.exec("p2p:broadcast --title itest " + text.replace(' ', '_'));
        Matcher m = ID.matcher(out);
        assertTrue("p2p:broadcast printed the id: " + out, m.find());
        Matcher sent = Pattern.compile("sent to (\\d+) peer").matcher(out);
        lastRecipients = sent.find() ? Integer.parseInt(sent.group(1)) : 0;
        System.out.println("broadcast: " + out.trim());
        return m.group();
    }

    private void awaitChannels(List<ExternalNode> nodes, String what) throws Exception {
        Map<ExternalNode, Integer> last = new HashMap<>();
        // a node that could not be asked: why (one node's failure must not hide the others' counts)
        Map<ExternalNode, String> errors = new HashMap<>();
        try {
            P2pnetTestSupport.waitFor(what + ": every node holds " + MIN_PEERS + " channels", FORM, () -> {
                Map<ExternalNode, Future<Integer>> counts = new HashMap<>();
                for (ExternalNode node : nodes) {
                    counts.put(node, pool.submit(() -> NodeViews.channels(node).size()));
                }
                boolean all = true;
                for (Map.Entry<ExternalNode, Future<Integer>> c : counts.entrySet()) {
                    int n;
                    try {
                        n = c.getValue().get(90, TimeUnit.SECONDS);
                        errors.remove(c.getKey());
                    } catch (Exception e) {
                        n = -1;
                        errors.put(c.getKey(), String.valueOf(e.getCause() == null ? e : e.getCause()));
                    }
                    last.put(c.getKey(), n);
                    all &= n >= MIN_PEERS;
                }
                return all;
            });
        } catch (AssertionError timedOut) {
            // say which nodes fell short, and why they think so (the summary first: CI shows a part only)
            StringBuilder why = new StringBuilder(timedOut.getMessage()).append("; channels per node (-1: not asked):");
            for (ExternalNode node : nodes) {
                why.append(' ').append(last.getOrDefault(node, -1));
            }
            for (Map.Entry<ExternalNode, String> e : errors.entrySet()) {
                why.append("\n").append(e.getKey().home()).append(" could not be asked: ").append(e.getValue())
                    .append(" (process alive: ").append(e.getKey().isAlive()).append(')');
            }
            int shown = 0;
            for (ExternalNode node : nodes) {
                if (last.getOrDefault(node, 0) < MIN_PEERS && shown++ < 3) {
                    why.append("\n--- ").append(node.home()).append(" (").append(last.getOrDefault(node, -1))
                        .append(" channels)\n");
                    for (String command : List.of("p2p:status", "p2p:bootstrap", "p2p:addressbook")) {
                        try {
                            why.append(node.exec(command)).append('\n');
                        } catch (Exception e) {
                            why.append(command).append(": ").append(e).append('\n');
                        }
                    }
                    why.append(node.logs());
                }
            }
            throw new AssertionError(why.toString(), timedOut);
        }
    }
}
