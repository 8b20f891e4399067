package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.After;
import org.junit.Test;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Files between two real nodes (TLS, trust protocol, each JVM with a 256 MiB heap), the receiver
 * dialling the sender through a relay the test can cut:
 * <ol>
 * <li>a 1 GiB file; the TCP connection is cut when about a third has arrived; the receiver dials
 *     again; the transfer resumes (the relay carries far less than twice the file) and the stored
 *     file is byte-identical (SHA-256);</li>
 * <li>a 2 GiB file — eight times the heap of either JVM — arrives byte-identical.</li>
 * </ol>
 */
public class DataTransferIT {
    private static final Duration BOOT = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(60);
    private static final Duration TRANSFER = Duration.ofMinutes(5);
    private static final long GIB = 1024L * 1024 * 1024;

    private final List<ExternalNode> all = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private CuttableProxy proxy;

    @After
    public void stopAll() throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
            ExternalNode.eachInParallel(all, pool, ExternalNode::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    public void aGibibyteSurvivesACutConnectionAndTwoGibibytesPassA256MibHeap() throws Exception {
        String network = "data-" + UUID.randomUUID().toString().substring(0, 8);
        ExternalNode sender = node(network, "sender");
        ExternalNode receiver = node(network, "receiver");
        ExternalNode.eachInParallel(all, pool, node -> node.startReady(BOOT));
        String receiverId = NodeViews.peerId(receiver);
        String senderId = NodeViews.peerId(sender);

        proxy = new CuttableProxy(new InetSocketAddress("127.0.0.1", sender.p2pPort()));
        connectThroughProxy(receiver, sender, senderId, receiverId);

        // 1. one GiB, cut at about a third, resumed
        Path one = sender.home().resolve("one-gib.bin");
        String oneSha = writeRandomFile(one, GIB, 1);
        sender.exec("p2p:send-file --no-wait " + receiverId + " " + one);
        P2pnetTestSupport.waitFor("a third of the file arrived", TRANSFER,
            () -> outgoingPercent(sender, "one-gib.bin") >= 33);
        long relayedAtCut = proxy.bytesToClient();
        long connections = proxy.accepted();
        proxy.cut();
        System.out.println("cut the connection after " + relayedAtCut / (1024 * 1024) + " MiB");
        // the sender sees the transfer INTERRUPTED, unless the receiver's MaintainMinimumPeers has
        // already dialled again (through the relay) and the transfer resumed before we looked
        P2pnetTestSupport.waitFor("the sender noticed the cut", SETTLE,
            () -> "INTERRUPTED".equals(outgoing(sender, "one-gib.bin").path("state").asText())
                || proxy.accepted() > connections);
        connectThroughProxy(receiver, sender, senderId, receiverId);
        P2pnetTestSupport.waitFor("the 1 GiB transfer is done", TRANSFER,
            () -> "DONE".equals(outgoing(sender, "one-gib.bin").path("state").asText()));
        Path got = receiver.home().resolve("data/p2pnet/files/one-gib.bin");
        assertEquals("byte-identical after the resume", oneSha, sha256(got));
        long relayed = proxy.bytesToClient();
        System.out.println("1 GiB with a cut: " + relayed / (1024 * 1024) + " MiB relayed in all");
        assertTrue("resumed, not started again: " + relayed + " bytes relayed for " + GIB,
            relayed < GIB + GIB / 2);
        Files.delete(one);
        Files.delete(got);

        // 2. two GiB through 256 MiB heaps
        Path two = sender.home().resolve("two-gib.bin");
        String twoSha = writeRandomFile(two, 2 * GIB, 2);
        long start = System.nanoTime();
        sender.exec("p2p:send-file --no-wait " + receiverId + " " + two);
        P2pnetTestSupport.waitFor("the 2 GiB transfer is done", TRANSFER.multipliedBy(2),
            () -> {
                String state = outgoing(sender, "two-gib.bin").path("state").asText();
                if ("FAILED".equals(state) || "CANCELLED".equals(state)) {
                    throw new AssertionError("the 2 GiB transfer ended " + state + ": " + outgoing(sender, "two-gib.bin"));
                }
                return "DONE".equals(state);
            });
        double seconds = (System.nanoTime() - start) / 1e9;
        Path got2 = receiver.home().resolve("data/p2pnet/files/two-gib.bin");
        assertEquals("2 GiB byte-identical", twoSha, sha256(got2));
        System.out.printf("2 GiB through 256 MiB heaps in %.1f s (%.0f MiB/s, hashing included)%n", seconds,
            2048 / seconds);
        assertTrue("both nodes still answer", sender.exec("p2p:status").contains("Listening")
            && receiver.exec("p2p:status").contains("Listening"));
    }

    private ExternalNode node(String network, String name) throws Exception {
        ExternalNode node = new ExternalNode(Path.of(System.getProperty("p2pnet.node.tgz")),
            Files.createTempDirectory("p2pnet-data-" + name + "-"), P2pnetTestSupport.freePort(),
            P2pnetTestSupport.freePort(), network)
            .env("JAVA_MIN_MEM", "64M").env("JAVA_MAX_MEM", "256M");
        all.add(node);
        return node;
    }

    /** The receiver dials the sender through the relay; waits until both trust the channel at ENHANCED. */
    private void connectThroughProxy(ExternalNode receiver, ExternalNode sender, String senderId, String receiverId)
            throws Exception {
        receiver.exec("p2p:connect 127.0.0.1:" + proxy.port());
        P2pnetTestSupport.waitFor("the channel is trusted at ENHANCED on both sides", SETTLE,
            () -> trusts(receiver, senderId) && trusts(sender, receiverId));
    }

    private static boolean trusts(ExternalNode node, String peer) throws Exception {
        for (String line : node.exec("p2p:channels").split("\n")) {
            if (line.contains(peer.substring(0, 12)) && line.contains("ENHANCED") && !line.contains("pending")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode outgoing(ExternalNode sender, String name) throws Exception {
        for (JsonNode t : NodeViews.json(sender.exec("p2p:transfers --json"), '[', ']')) {
            if ("OUTGOING".equals(t.path("direction").asText()) && t.path("name").asText().endsWith(name)) {
                return t;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static int outgoingPercent(ExternalNode sender, String name) throws Exception {
        return outgoing(sender, name).path("percent").asInt(0);
    }

    /** Writes {@code size} pseudo-random bytes (incompressible, reproducible) and returns their SHA-256. */
    private static String writeRandomFile(Path file, long size, long seed) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Random random = new Random(seed);
        byte[] block = new byte[1024 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long written = 0; written < size; written += block.length) {
                random.nextBytes(block);
                int n = (int) Math.min(block.length, size - written);
                out.write(block, 0, n);
                sha.update(block, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[1024 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(block)) >= 0; ) {
                sha.update(block, 0, n);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + file + ": " + e, e);
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
