package org.p2pnet.itests;

import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.After;
import org.junit.Test;

/**
 * A frozen peer (SIGSTOP: its TCP connection stays open, nothing answers) is detected by the
 * keepalive routine — a PING, a suspect step with a second PING, then the verdict — and its
 * channel closed with IDLE_TIMEOUT within the keepalive bound (idleSeconds + 2 × timeoutSeconds +
 * checkIntervalSeconds, here 2 + 2 × 2 + 1 = 7 s). A socket timeout alone would take the core's
 * idle timeout (60 min).
 */
public class FrozenPeerIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration BOUND = Duration.ofSeconds(7);
    /** Polling goes through bin/client (a JVM per call) and the check runs on a routine's schedule. */
    private static final Duration SLACK = Duration.ofSeconds(20);
    private static final String KEEPALIVE = "etc/org.p2pnet.handler.keepalive.cfg";

    private final List<ExternalNode> all = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private ExternalNode frozen;

    @After
    public void stopAll() throws Exception {
        try {
            if (frozen != null) {
                frozen.resume();
            }
            ExternalNode.eachInParallel(all, pool, ExternalNode::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aFrozenPeerIsDeclaredDeadWithinTheKeepaliveBound() throws Exception {
        String network = "frozen-" + UUID.randomUUID().toString().substring(0, 8);
        ExternalNode watcher = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-watcher-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(), network)
            .configure(KEEPALIVE, "idleSeconds", "2")
            .configure(KEEPALIVE, "timeoutSeconds", "2")
            .configure(KEEPALIVE, "checkIntervalSeconds", "1");
        ExternalNode sleeper = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-sleeper-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(), network);
        all.add(watcher);
        all.add(sleeper);
        ExternalNode.eachInParallel(all, pool, node -> node.startReady(BOOT));
        String sleeperId = NodeViews.peerId(sleeper);

        sleeper.exec("p2p:connect 127.0.0.1:" + watcher.p2pPort());
        P2pnetTestSupport.waitFor("the watcher holds a channel with the sleeper", Duration.ofSeconds(30),
            () -> NodeViews.channels(watcher).containsKey(sleeperId));
        // a live but quiet peer answers the pings: the channel outlives several keepalive rounds
        P2pnetTestSupport.waitFor("the keepalive routine ran a few times", Duration.ofSeconds(30),
            () -> runsOf(watcher.exec("p2p:routines --json"), "Keepalive") >= 8);
        assertTrue("a live peer is kept", NodeViews.channels(watcher).containsKey(sleeperId));

        frozen = sleeper;
        java.time.Instant frozenAt = java.time.Instant.now();
        sleeper.suspend();
        P2pnetTestSupport.waitFor("the frozen peer's channel closed", BOUND.plus(SLACK),
            () -> !NodeViews.channels(watcher).containsKey(sleeperId));
        com.fasterxml.jackson.databind.JsonNode ended = null;
        for (com.fasterxml.jackson.databind.JsonNode p : NodeViews.json(watcher.exec("p2p:peers --json"), '[', ']')) {
            if (sleeperId.equals(p.path("id").asText())) {
                ended = p.path("lastDisconnect");
            }
        }
        assertTrue("the watcher recorded how the channel ended: " + ended, ended != null && ended.isObject());
        long ms = Duration.between(frozenAt, java.time.Instant.parse(ended.path("at").asText())).toMillis();
        System.out.println("frozen peer declared dead " + ms + " ms after SIGSTOP (bound " + BOUND.toMillis() + " ms): "
            + ended);
        assertTrue("closed by the keepalive with IDLE_TIMEOUT: " + ended, "IDLE_TIMEOUT".equals(ended.path("reason").asText())
            && ended.path("message").asText().contains("keepalive"));
        // one second of slack for the routine's tick and the clocks of two processes
        assertTrue("declared dead within the keepalive bound: " + ms + " ms", ms <= BOUND.toMillis() + 1000);
    }

    /** The runs count of a routine in {@code p2p:routines --json}. */
    private static long runsOf(String json, String routine) throws Exception {
        for (com.fasterxml.jackson.databind.JsonNode r : NodeViews.json(json, '[', ']')) {
            if (routine.equals(r.path("name").asText())) {
                return r.path("runs").asLong();
            }
        }
        return 0;
    }
}
