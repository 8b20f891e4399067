package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.After;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Authority mode between real processes: two genesis nodes in authority mode (bootstrap-node
 * distribution, keys K1 and K2) and one client node (node distribution), all on loopback. The
 * client's configuration is changed between the steps by rewriting its
 * {@code etc/org.p2pnet.discovery.genesis.cfg}, as an operator would (Karaf applies it live):
 * <ol>
 * <li>pinned to K1, asking genesis 1: accepted;</li>
 * <li>pinned to K1, asking genesis 2 (K2): refused, nothing offered;</li>
 * <li>pinned to K1, asking genesis 1 through a proxy that changes one byte of each answer body:
 *     refused (the signature no longer verifies);</li>
 * <li>first-locking, no pin, asking genesis 1: locks on K1; then asking genesis 2: refused, still
 *     locked on K1.</li>
 * </ol>
 */
public class GenesisAuthorityIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration ANSWER = Duration.ofSeconds(60);
    private static final String CLIENT_CFG = "etc/org.p2pnet.discovery.genesis.cfg";

    private final List<ExternalNode> all = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(3);

    @After
    public void stopAll() throws Exception {
        try {
            for (ExternalNode node : all) {
                node.close();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private ExternalNode genesis(String network, int httpPort) throws Exception {
        ExternalNode node = new ExternalNode(Path.of(System.getProperty("p2pnet.bootstrap.tgz")),
            Files.createTempDirectory("p2pnet-authority-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(), network)
            .configure("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(httpPort))
            .configure("etc/org.p2pnet.genesis.cfg", "mode", "authority");
        all.add(node);
        return node;
    }

    @Test
    public void pinnedAndFirstLockingClientsRefuseOtherKeysAndAlteredAnswers() throws Exception {
        String network = "authority-" + UUID.randomUUID().toString().substring(0, 8);
        int http1 = P2pnetTestSupport.freePort();
        int http2 = P2pnetTestSupport.freePort();
        ExternalNode genesis1 = genesis(network, http1);
        ExternalNode genesis2 = genesis(network, http2);
        ExternalNode client = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-client-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(), network);
        all.add(client);
        List<Future<?>> boots = new ArrayList<>();
        for (ExternalNode node : all) {
            boots.add(pool.submit(() -> node.startReady(BOOT)));
        }
        for (Future<?> boot : boots) {
            boot.get(BOOT.multipliedBy(4).toSeconds(), TimeUnit.SECONDS);
        }
        String k1 = keyId(genesis1);
        String k2 = keyId(genesis2);
        String url1 = "http://127.0.0.1:" + http1 + "/p2pnet/genesis";
        String url2 = "http://127.0.0.1:" + http2 + "/p2pnet/genesis";

        // 1. pinned to K1, genesis 1: accepted
        JsonNode accepted = reconfigure(client, url1, "authority", k1, false);
        assertTrue("pinned K1, genesis 1 accepted: " + accepted, accepted.path("lastSuccess").isTextual());
        assertEquals("nothing refused yet: " + accepted, 0, accepted.path("refusedAnswers").asLong());

        // 2. pinned to K1, genesis 2 (K2): refused
        JsonNode refused = reconfigure(client, url2, "authority", k1, false);
        assertTrue("pinned K1, genesis 2 refused: " + refused, refused.path("refusedAnswers").asLong() > 0);
        assertTrue("the refusal names the key: " + refused, refused.path("lastResult").asText().contains(k2.substring(0, 12)));
        assertTrue("no answer accepted from genesis 2: " + refused, refused.path("lastSuccess").isNull());

        // 3. pinned to K1, genesis 1 through a proxy that alters the body: refused
        try (TamperingProxy proxy = new TamperingProxy(new InetSocketAddress("127.0.0.1", http1))) {
            JsonNode altered = reconfigure(client, "http://127.0.0.1:" + proxy.port() + "/p2pnet/genesis", "authority", k1,
                false);
            assertTrue("the proxy altered answers", proxy.tampered() > 0);
            assertTrue("altered answer refused: " + altered, altered.path("refusedAnswers").asLong() > 0);
            assertTrue("as a bad signature: " + altered, altered.path("lastResult").asText().toLowerCase().contains("signature"));
            assertTrue("no altered answer accepted: " + altered, altered.path("lastSuccess").isNull());
        }

        // 4. first-locking, no pin: locks on K1, then refuses K2
        JsonNode locked = reconfigure(client, url1, "authority", "", true);
        assertEquals("locked on genesis 1's key: " + locked, k1, locked.path("lockedKeyId").asText());
        assertTrue("genesis 1 accepted: " + locked, locked.path("lastSuccess").isTextual());
        JsonNode second = reconfigure(client, url2, "authority", "", true);
        assertTrue("a second authority is refused: " + second, second.path("refusedAnswers").asLong() > 0);
        assertEquals("still locked on K1: " + second, k1, second.path("lockedKeyId").asText());
        assertTrue("no answer accepted from genesis 2: " + second, second.path("lastSuccess").isNull());
    }

    private static String keyId(ExternalNode genesis) throws Exception {
        return NodeViews.json(genesis.exec("p2p:genesis-key --json"), '{', '}').get("keyId").asText();
    }

    /**
     * Rewrites the client's configuration, waits until the client (restarted by Config Admin with it)
     * has asked the new URL once, and returns {@code p2p:bootstrap --json} then.
     */
    private static JsonNode reconfigure(ExternalNode client, String url, String mode, String keys, boolean firstLocking)
            throws Exception {
        client.configure(CLIENT_CFG, "mode", mode)
            .configure(CLIENT_CFG, "authorityKeys", keys)
            .configure(CLIENT_CFG, "firstSingleLockingAuthority", String.valueOf(firstLocking))
            .configure(CLIENT_CFG, "retryMinSeconds", "1")
            .configure(CLIENT_CFG, "urls", url);
        JsonNode[] status = new JsonNode[1];
        P2pnetTestSupport.waitFor("the client asked " + url, ANSWER, () -> {
            JsonNode s = NodeViews.json(client.exec("p2p:bootstrap --json"), '{', '}');
            status[0] = s;
            return s.path("urls").toString().contains(url) && s.path("lastAttempt").isTextual()
                && (s.path("lastSuccess").isTextual() || s.path("refusedAnswers").asLong() > 0);
        });
        return status[0];
    }
}
