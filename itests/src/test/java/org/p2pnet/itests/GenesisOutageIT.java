package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * The genesis node down and back, between real processes on loopback: a genesis node and three nodes
 * (LAN discovery off) that joined through it, each holding channels with the two others.
 * <ol>
 * <li>The genesis node is killed (SIGKILL). The nodes keep their overlay: the channels among them
 *     are the very ones opened before the kill (same {@code openedAt}), and a broadcast reaches all
 *     three exactly once. Each node's {@code p2p:bootstrap} says the genesis node fails
 *     ({@code lastResult} "failed: &lt;url&gt;: …") within one renewal period and a request
 *     (announceIntervalSeconds 10 + requestTimeoutSeconds 2 = 12 s; polls allowed 20 s more).</li>
 * <li>The genesis node is started again on the same ports with the same data directory (so the same
 *     node key and peer id, checked). Its registrations live in memory only, so it starts empty; every
 *     node registers again within retryMaxSeconds + requestTimeoutSeconds + 1 s = 3 + 2 + 1 = 6 s of
 *     the moment the genesis HTTP endpoint answered again (a failed renewal is retried after a backoff
 *     capped at retryMaxSeconds; judged by the registration's {@code firstSeen} in
 *     {@code p2p:genesis-peers --json}).</li>
 * <li>A fourth, new node that knows only the genesis URL joins: it holds channels with all three
 *     nodes (its sample holds them, and it offers up to minPeers = 3), and a broadcast from it reaches
 *     all four exactly once.</li>
 * </ol>
 */
public class GenesisOutageIT {
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration FORM = Duration.ofSeconds(120);
    private static final Duration SPREAD = Duration.ofSeconds(30);
    /** Polling goes through bin/client (a JVM per call); bounds are judged by timestamps where there are some. */
    private static final Duration POLL_ALLOWANCE = Duration.ofSeconds(20);
    private static final int ANNOUNCE_SECONDS = 10;
    private static final int REQUEST_TIMEOUT_SECONDS = 2;
    private static final int RETRY_MAX_SECONDS = 3;
    /** A renewal fails at most one period and one request after the kill. */
    private static final Duration FAILING_BOUND = Duration.ofSeconds(ANNOUNCE_SECONDS + REQUEST_TIMEOUT_SECONDS);
    /** A failed renewal is retried within retryMaxSeconds; the request takes at most requestTimeoutSeconds. */
    private static final Duration REREGISTER_BOUND = Duration.ofSeconds(RETRY_MAX_SECONDS + REQUEST_TIMEOUT_SECONDS + 1);
    private static final String CLIENT_CFG = "etc/org.p2pnet.discovery.genesis.cfg";
    private static final Pattern ID = Pattern.compile("\\b[0-9a-f]{64}\\b");

    private final List<ExternalNode> all = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @After
    public void stopAll() throws Exception {
        try {
            ExternalNode.eachInParallel(all, pool, ExternalNode::close);
        } finally {
            pool.shutdownNow();
        }
    }

    private ExternalNode node(String network, String url, String name) throws Exception {
        ExternalNode node = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-outage-" + name + "-"), P2pnetTestSupport.freePort(),
            P2pnetTestSupport.freePort(), network).lean()
            .configure(CLIENT_CFG, "urls", url)
            .configure(CLIENT_CFG, "announceIntervalSeconds", String.valueOf(ANNOUNCE_SECONDS))
            .configure(CLIENT_CFG, "requestTimeoutSeconds", String.valueOf(REQUEST_TIMEOUT_SECONDS))
            .configure(CLIENT_CFG, "retryMinSeconds", "1")
            .configure(CLIENT_CFG, "retryMaxSeconds", String.valueOf(RETRY_MAX_SECONDS))
            .configure("etc/org.p2pnet.routines.cfg", "MaintainMinimumPeers.interval", "2s");
        all.add(node);
        return node;
    }

    @Test
    public void theOverlayOutlivesItsGenesisNodeAndNodesRegisterAgainWhenItIsBack() throws Exception {
        try {
            scenario();
        } catch (Throwable failure) {
            StringBuilder b = new StringBuilder("GenesisOutageIT failed; logs:\n");
            for (ExternalNode n : all) {
                b.append(n.logs()).append('\n');
            }
            System.out.println(b);
            throw failure;
        }
    }

    private void scenario() throws Exception {
        String network = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        int httpPort = P2pnetTestSupport.freePort();
        ExternalNode genesis = new ExternalNode(Path.of(System.getProperty("p2pnet.bootstrap.tgz")),
            Files.createTempDirectory("p2pnet-outage-genesis-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(),
            network).lean()
            .configure("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(httpPort))
            // the shortest life allowed: renewals every announceIntervalSeconds (10 s < 30 / 2)
            .configure("etc/org.p2pnet.genesis.cfg", "registrationTtlSeconds", "30");
        all.add(genesis);
        String url = "http://127.0.0.1:" + httpPort + "/p2pnet/genesis";
        List<ExternalNode> nodes = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            nodes.add(node(network, url, "n" + i));
        }
        ExternalNode.eachInParallel(all, pool, node -> node.startReady(BOOT));
        Map<ExternalNode, String> ids = new HashMap<>();
        for (ExternalNode node : all) {
            ids.put(node, NodeViews.peerId(node));
        }
        String genesisId = ids.get(genesis);

        // the overlay: each node holds trusted channels with the two others, and all three are registered
        Map<ExternalNode, Map<String, NodeViews.Channel>> before = awaitTrustedWith(nodes, nodes, ids, FORM,
            "the overlay formed");
        P2pnetTestSupport.waitFor("the genesis node lists the three nodes", FORM,
            () -> registered(genesis).keySet().containsAll(idsOf(nodes, ids)));

        // 1. the genesis node dies
        genesis.kill();
        Instant killedAt = Instant.now();
        System.out.println("genesis node killed at " + killedAt);
        Map<ExternalNode, String> failing = new HashMap<>();
        P2pnetTestSupport.waitFor("every node's p2p:bootstrap shows the genesis node failing",
            FAILING_BOUND.plus(POLL_ALLOWANCE), () -> {
                for (ExternalNode n : nodes) {
                    if (!failing.containsKey(n)) {
                        JsonNode status = NodeViews.json(n.exec("p2p:bootstrap --json"), '{', '}');
                        String result = status.path("lastResult").asText();
                        if (result.startsWith("failed: ") && result.contains(url)) {
                            failing.put(n, result + " (seen " + Duration.between(killedAt, Instant.now()).toMillis()
                                + " ms after the kill; last attempt " + status.path("lastAttempt").asText() + ")");
                        }
                    }
                }
                return failing.size() == nodes.size();
            });
        failing.forEach((n, r) -> System.out.println("  " + ids.get(n).substring(0, 12) + " p2p:bootstrap: " + r));

        Map<ExternalNode, Map<String, NodeViews.Channel>> during = new HashMap<>();
        for (ExternalNode n : nodes) {
            during.put(n, NodeViews.channels(n));
        }
        for (ExternalNode n : nodes) {
            for (ExternalNode other : nodes) {
                if (other != n) {
                    NodeViews.Channel was = before.get(n).get(ids.get(other));
                    NodeViews.Channel is = during.get(n).get(ids.get(other));
                    assertTrue(ids.get(n).substring(0, 12) + " kept its channel with " + ids.get(other).substring(0, 12)
                        + " through the outage: before " + was + ", now " + is,
                        is != null && is.openedAt().equals(was.openedAt()));
                }
            }
            assertTrue("no channel with the dead genesis node: " + during.get(n).keySet(),
                !during.get(n).containsKey(genesisId));
        }
        String duringOutage = broadcast(nodes.get(0), "during_the_genesis_outage");
        awaitDeliveredOnce(nodes, duringOutage);

        // 2. the genesis node is back: same ports, same data directory
        genesis.start();
        // watched from the start, so that the moment is not late by a console poll (and follows a restart of a hung boot)
        Future<Instant> http = pool.submit(() -> awaitHttp(httpPort, BOOT.multipliedBy(3)));
        genesis.awaitReadyRestartingOnce(BOOT);
        Instant httpUp = http.get(BOOT.multipliedBy(3).toSeconds() + 10, TimeUnit.SECONDS);
        assertEquals("the genesis node kept its key (same data directory)", genesisId, NodeViews.peerId(genesis));
        Map<String, JsonNode> again = new HashMap<>();
        P2pnetTestSupport.waitFor("the three nodes registered again", REREGISTER_BOUND.plus(POLL_ALLOWANCE), () -> {
            again.clear();
            again.putAll(registered(genesis));
            return again.keySet().containsAll(idsOf(nodes, ids));
        });
        StringBuilder report = new StringBuilder("registered again (genesis HTTP answered at " + httpUp + "; bound "
            + REREGISTER_BOUND.toMillis() + " ms):\n");
        long worst = 0;
        for (ExternalNode n : nodes) {
            Instant first = Instant.parse(again.get(ids.get(n)).path("firstSeen").asText());
            long ms = Duration.between(httpUp, first).toMillis();
            worst = Math.max(worst, ms);
            report.append(String.format("  %s: %d ms after the genesis HTTP endpoint answered (%s)%n",
                ids.get(n).substring(0, 12), ms, again.get(ids.get(n)).path("address").asText()));
        }
        System.out.println(report);
        assertTrue("every node registered again within " + REREGISTER_BOUND.toMillis() + " ms\n" + report,
            worst <= REREGISTER_BOUND.toMillis());

        // 3. a new node that knows only the genesis URL joins the overlay
        ExternalNode newcomer = node(network, url, "n4");
        newcomer.startReady(BOOT);
        Instant newcomerUp = Instant.now();
        ids.put(newcomer, NodeViews.peerId(newcomer));
        Map<ExternalNode, Map<String, NodeViews.Channel>> joined = awaitTrustedWith(List.of(newcomer), nodes, ids, FORM,
            "the new node joined");
        for (NodeViews.Channel c : joined.get(newcomer).values()) {
            System.out.println("  new node's channel: " + c + " (" + Duration.between(newcomerUp, c.openedAt()).toMillis()
                + " ms from its console answering; negative: before)");
        }
        List<ExternalNode> four = new ArrayList<>(nodes);
        four.add(newcomer);
        awaitTrustedWith(nodes, List.of(newcomer), ids, FORM, "the three trust the new node");
        String fromNewcomer = broadcast(newcomer, "from_the_new_node");
        awaitDeliveredOnce(four, fromNewcomer);
    }

    /** Polls the genesis health endpoint until it answers 200; returns when it did. */
    private static Instant awaitHttp(int port, Duration timeout) throws Exception {
        Instant[] at = new Instant[1];
        P2pnetTestSupport.waitFor("the genesis HTTP endpoint answers", timeout, () -> {
            HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + "/p2pnet/genesis/health")
                .openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            try {
                if (c.getResponseCode() == 200) {
                    at[0] = Instant.now();
                    return true;
                }
                return false;
            } catch (java.io.IOException notYet) {
                return false;
            } finally {
                c.disconnect();
            }
        });
        return at[0];
    }

    /** The genesis node's live registrations ({@code p2p:genesis-peers --json}), by peer id. */
    private static Map<String, JsonNode> registered(ExternalNode genesis) throws Exception {
        Map<String, JsonNode> byId = new HashMap<>();
        for (JsonNode r : NodeViews.json(genesis.exec("p2p:genesis-peers --json"), '{', '}').path("registrations")) {
            byId.put(r.path("peerId").asText(), r);
        }
        return byId;
    }

    private static List<String> idsOf(List<ExternalNode> nodes, Map<ExternalNode, String> ids) {
        return nodes.stream().map(ids::get).toList();
    }

    /**
     * Waits until each of {@code nodes} holds a channel at ENHANCED (trust protocol done) with each of
     * {@code peers} other than itself; returns those channels by node.
     */
    private Map<ExternalNode, Map<String, NodeViews.Channel>> awaitTrustedWith(List<ExternalNode> nodes,
            List<ExternalNode> peers, Map<ExternalNode, String> ids, Duration timeout, String what) throws Exception {
        Map<ExternalNode, Map<String, NodeViews.Channel>> last = new HashMap<>();
        try {
            P2pnetTestSupport.waitFor(what, timeout, () -> {
                Map<ExternalNode, Future<Map<String, NodeViews.Channel>>> futures = new HashMap<>();
                for (ExternalNode n : nodes) {
                    futures.put(n, pool.submit(() -> trusted(n)));
                }
                boolean all = true;
                for (ExternalNode n : nodes) {
                    Map<String, NodeViews.Channel> mine;
                    try {
                        mine = futures.get(n).get(90, TimeUnit.SECONDS);
                    } catch (Exception notNow) {
                        mine = Map.of();
                    }
                    last.put(n, mine);
                    for (ExternalNode p : peers) {
                        all &= p == n || mine.containsKey(ids.get(p));
                    }
                }
                return all;
            });
        } catch (AssertionError timedOut) {
            StringBuilder b = new StringBuilder(timedOut.getMessage()).append('\n');
            for (ExternalNode n : nodes) {
                b.append("  ").append(ids.get(n), 0, 12).append(" trusted channels: ")
                    .append(last.getOrDefault(n, Map.of()).values()).append('\n');
            }
            throw new AssertionError(b.toString(), timedOut);
        }
        return last;
    }

    /** The node's channels at ENHANCED with the trust protocol done, by peer id. */
    private static Map<String, NodeViews.Channel> trusted(ExternalNode node) throws Exception {
        Map<String, NodeViews.Channel> byPeer = new HashMap<>();
        for (JsonNode c : NodeViews.json(node.exec("p2p:channels --json"), '[', ']')) {
            if ("ENHANCED".equals(c.path("trustLevel").asText()) && !c.path("trustPending").asBoolean()) {
                byPeer.put(c.path("peerId").asText(), new NodeViews.Channel(c.path("peerId").asText(),
                    c.path("remoteAddress").asText(), c.path("direction").asText(),
                    Instant.parse(c.path("openedAt").asText())));
            }
        }
        return byPeer;
    }

    /** Originates a broadcast; returns its id. */
    private static String broadcast(ExternalNode origin, String text) throws Exception {
        String out = origin.exec("p2p:broadcast --title outage " + text);
        Matcher m = ID.matcher(out);
        assertTrue("p2p:broadcast printed the id: " + out, m.find());
        System.out.println("broadcast: " + out.trim());
        return m.group();
    }

    /** Waits until each node's log holds the broadcast; then checks it holds it exactly once. */
    private void awaitDeliveredOnce(List<ExternalNode> nodes, String id) throws Exception {
        BroadcastReach.awaitDeliveredOnce(BroadcastReach.byHome(nodes), id, SPREAD, pool);
    }
}
