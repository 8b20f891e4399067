package org.p2pnet.itests;

import static org.junit.Assert.assertFalse;
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
 * Authority-signed network tasks between real processes over TLS channels: a genesis node in
 * authority mode (bootstrap-node distribution) and two nodes (node distribution) connected to it,
 * one pinning the genesis key, one pinning nothing. The trust protocol raises every channel to
 * ENHANCED, so the task packets are delivered; what each node does with them is its own check:
 * <ol>
 * <li>{@code p2p:task-issue BlockIP} on the genesis node: the pinned node blocks the address, the
 *     other refuses the task (its signer is not pinned) and blocks nothing;</li>
 * <li>{@code SetLocalIdentifier}: the pinned node takes the alias (identifier policy Local, none set);</li>
 * <li>{@code AuthorizePeer}: the pinned node keeps a decision to trust the other node;</li>
 * <li>the pinned node is killed (SIGKILL) and started again: block, alias and decision are still there.</li>
 * </ol>
 */
public class NetworkTaskIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(60);
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

    @Test
    public void aPinnedNodeExecutesAuthorityTasksAnUnpinnedOneRefusesThemAndTheyOutliveAKill() throws Exception {
        String network = "tasks-" + UUID.randomUUID().toString().substring(0, 8);
        int http = P2pnetTestSupport.freePort();
        ExternalNode genesis = new ExternalNode(Path.of(System.getProperty("p2pnet.bootstrap.tgz")),
            Files.createTempDirectory("p2pnet-task-genesis-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(),
            network)
            .configure("etc/org.ops4j.pax.web.cfg", "org.osgi.service.http.port", String.valueOf(http))
            .configure("etc/org.p2pnet.genesis.cfg", "mode", "authority");
        ExternalNode pinned = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-task-pinned-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(),
            network);
        ExternalNode unpinned = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-task-unpinned-"), P2pnetTestSupport.freePort(), P2pnetTestSupport.freePort(),
            network);
        all.addAll(List.of(genesis, pinned, unpinned));
        ExternalNode.eachInParallel(all, pool, node -> node.startReady(BOOT));

        String keyId = NodeViews.json(genesis.exec("p2p:genesis-key --json"), '{', '}').get("keyId").asText();
        pinned.configure(CLIENT_CFG, "mode", "authority")
            .configure(CLIENT_CFG, "authorityKeys", keyId)
            .configure(CLIENT_CFG, "urls", "http://127.0.0.1:" + http + "/p2pnet/genesis");
        P2pnetTestSupport.waitFor("the pinned node pins the genesis key", SETTLE,
            () -> pinned.exec("p2p:bootstrap --json").contains(keyId));

        for (ExternalNode node : List.of(pinned, unpinned)) {
            node.exec("p2p:connect 127.0.0.1:" + genesis.p2pPort());
            P2pnetTestSupport.waitFor("the genesis channel trusted at ENHANCED on " + node.home(), SETTLE,
                () -> trustsGenesis(node, keyId));
        }
        P2pnetTestSupport.waitFor("the genesis node trusts both nodes", SETTLE,
            () -> count(genesis.exec("p2p:channels"), "ENHANCED") >= 2);

        // 1. BlockIP: executed by the pinned node, refused by the unpinned one
        String issued = genesis.exec("p2p:task-issue BlockIP ip=192.0.2.99");
        assertTrue("the task was sent to both nodes:\n" + issued, issued.contains("2"));
        P2pnetTestSupport.waitFor("the pinned node blocked 192.0.2.99", SETTLE,
            () -> pinned.exec("p2p:blocklist").contains("192.0.2.99"));
        P2pnetTestSupport.waitFor("the unpinned node refused the task", SETTLE,
            () -> unpinned.exec("p2p:tasks").contains("REFUSED"));
        String refusal = unpinned.exec("p2p:tasks");
        assertTrue("the refusal says the signer is not pinned:\n" + refusal, refusal.contains("pinned"));
        assertFalse("the unpinned node blocked nothing", unpinned.exec("p2p:blocklist").contains("192.0.2.99"));
        assertTrue("the pinned node logged the execution", pinned.exec("p2p:tasks").contains("EXECUTED"));

        // 2. SetLocalIdentifier: the pinned node takes the alias
        genesis.exec("p2p:task-issue SetLocalIdentifier alias=north-1 --target " + peerId(pinned));
        P2pnetTestSupport.waitFor("the pinned node is called north-1", SETTLE,
            () -> pinned.exec("p2p:alias").contains("north-1"));

        // 3. AuthorizePeer: the pinned node keeps a decision to trust the other node
        String other = peerId(unpinned);
        genesis.exec("p2p:task-issue AuthorizePeer peer=" + other + " --target " + peerId(pinned));
        P2pnetTestSupport.waitFor("the pinned node trusts " + other.substring(0, 12), SETTLE,
            () -> pinned.exec("p2p:trust").contains(other.substring(0, 12)));

        // 4. kill -9 and start again: the block, the alias and the trust decision survive
        pinned.kill();
        pinned.start();
        pinned.awaitReadyRestartingOnce(BOOT);
        assertTrue("the block survived a kill", pinned.exec("p2p:blocklist").contains("192.0.2.99"));
        assertTrue("the alias survived a kill", pinned.exec("p2p:alias").contains("north-1"));
        assertTrue("the trust decision survived a kill", pinned.exec("p2p:trust").contains(other.substring(0, 12)));
    }

    private static String peerId(ExternalNode node) throws Exception {
        return NodeViews.peerId(node);
    }

    /** The node's channel with the genesis node (whose peer id is the authority key id) is at ENHANCED. */
    private static boolean trustsGenesis(ExternalNode node, String genesisId) throws Exception {
        for (String line : node.exec("p2p:channels").split("\n")) {
            if (line.contains(genesisId.substring(0, 12)) && line.contains("ENHANCED")) {
                return true;
            }
        }
        return false;
    }

    private static int count(String text, String word) {
        int n = 0;
        for (int i = text.indexOf(word); i >= 0; i = text.indexOf(word, i + 1)) {
            n++;
        }
        return n;
    }
}
