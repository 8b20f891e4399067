package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.karaf.options.KarafDistributionOption;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.data.DataTransfers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The data handler against a hostile sender speaking the wire protocol itself ({@link WirePeer}):
 * traversal and device names are refused and nothing is written outside the storage directory;
 * an untrusted (DEFAULT) sender's offer and chunks never reach the handler, while the same bytes
 * from a trusted channel are stored.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class DataSafetyIT extends P2pnetTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] BODY = "abc".getBytes(StandardCharsets.UTF_8);

    @Inject
    PeerNetwork network;

    @Inject
    DataTransfers transfers;

    private int port;

    /** Plaintext, base level DEFAULT, no trust protocol, no keepalive pings: a WirePeer does none of it. */
    @Override
    protected Option[] extraOptions() {
        return new Option[] {
            KarafDistributionOption.editConfigurationFilePut("etc/org.p2pnet.channel.tcp.cfg", "tls", "false"),
            KarafDistributionOption.editConfigurationFilePut("etc/org.p2pnet.trust.cfg", "runDefaultTrustProtocol", "false"),
            KarafDistributionOption.editConfigurationFilePut("etc/org.p2pnet.handler.keepalive.cfg", "idleSeconds", "3600"),
        };
    }

    @Before
    public void listening() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        port = network.status().listening().port();
    }

    @Test
    public void traversalAndDeviceNamesAreRefusedAndNothingIsWrittenOutsideTheStorageDirectory() throws Exception {
        Path data = Path.of(System.getProperty("karaf.data"));
        List<String> bad = List.of("../x", "/etc/x", "..\\x", "CON", "con.txt", "x\u0000y", "..", "C:x");
        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
            PeerId id = PeerId.parse(peer.peerId());
            waitFor("channel open", WAIT, () -> network.channel(id).isPresent());
            network.setTrustLevel(id, TrustLevel.ENHANCED, "the test trusts it: only the names are wrong");
            int i = 0;
            for (String name : bad) {
                String transfer = "bad-" + (i++);
                peer.sendRaw("DATA_CONTROL", offer(transfer, name), new byte[0]);
                WirePeer.Frame answer = awaitControl(peer, transfer);
                assertEquals("'" + printable(name) + "' refused: " + answer.metadata(), "refuse",
                    answer.metadata().path("type").asText());
                assertTrue("the refusal names the problem: " + answer.metadata(),
                    answer.metadata().path("reason").asText().startsWith("bad name"));
                // chunks sent anyway are ignored
                peer.sendRaw("DATA", chunk(transfer, name), BODY);
            }
        }
        assertFalse("nothing at /etc/x", Files.exists(Path.of("/etc/x")));
        try (Stream<Path> walk = Files.walk(data)) {
            List<Path> stray = walk.filter(p -> {
                String n = p.getFileName().toString();
                return n.equals("x") || n.equals("y") || n.startsWith("x\u0000") || n.equalsIgnoreCase("con")
                    || n.equalsIgnoreCase("con.txt") || n.equals("C:x");
            }).toList();
            assertTrue("nothing written anywhere under " + data + ": " + stray, stray.isEmpty());
        }
        assertTrue("none of them stored: " + transfers.files(), transfers.files().stream()
            .noneMatch(f -> bad.contains(f.name()) || f.name().equals("x") || f.name().endsWith("x")));
    }

    @Test
    public void anUntrustedSendersDataNeverReachesTheHandlerButTheSameBytesFromATrustedChannelAreStored() throws Exception {
        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
            PeerId id = PeerId.parse(peer.peerId());
            waitFor("channel open", WAIT, () -> network.channel(id).isPresent());
            PeerChannel channel = network.channel(id).orElseThrow();
            assertEquals("an unknown peer is not trusted with data", TrustLevel.DEFAULT, channel.trustLevel());
            long drops = channel.untrustedDrops();

            peer.sendRaw("DATA_CONTROL", offer("untrusted-1", "from-untrusted.txt"), new byte[0]);
            peer.sendRaw("DATA", chunk("untrusted-1", "from-untrusted.txt"), BODY);
            waitFor("the offer and the chunk dropped by the core", WAIT,
                () -> network.channel(id).orElseThrow().untrustedDrops() == drops + 2);
            assertTrue("no transfer started", transfers.transfers().stream().noneMatch(t -> t.id().equals("untrusted-1")));

            network.setTrustLevel(id, TrustLevel.ENHANCED, "trusted now");
            peer.sendRaw("DATA_CONTROL", offer("trusted-1", "from-trusted.txt"), new byte[0]);
            WirePeer.Frame accept = awaitControl(peer, "trusted-1");
            assertEquals("accepted once trusted: " + accept.metadata(), "accept", accept.metadata().path("type").asText());
            peer.sendRaw("DATA", chunk("trusted-1", "from-trusted.txt"), BODY);
            WirePeer.Frame done = awaitControl(peer, "trusted-1");
            assertEquals("stored: " + done.metadata(), "done", done.metadata().path("type").asText());
            waitFor("listed by p2p:files", WAIT, () -> shell("p2p:files").contains("from-trusted.txt"));
            assertTrue("the untrusted one never stored", transfers.files().stream()
                .noneMatch(f -> f.name().equals("from-untrusted.txt")));
        }
    }

    private static byte[] offer(String transferId, String name) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        o.put("v", 1).put("type", "offer").put("transferId", transferId).put("format", "FILE").put("name", name)
            .put("size", BODY.length).put("sha256", sha256(BODY)).put("window", 1 << 20);
        return JSON.writeValueAsBytes(o);
    }

    private static byte[] chunk(String transferId, String name) throws Exception {
        ObjectNode o = JSON.createObjectNode();
        o.put("transferId", transferId).put("format", "FILE").put("name", name).put("offset", 0)
            .put("totalSize", BODY.length).put("sha256", sha256(BODY)).put("last", true);
        return JSON.writeValueAsBytes(o);
    }

    /** Reads frames (skipping the node's own PEER_GROUP and the like) until a DATA_CONTROL about the transfer. */
    private static WirePeer.Frame awaitControl(WirePeer peer, String transferId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int frames = 0; frames < 100 && System.nanoTime() < deadline; frames++) {
            WirePeer.Frame f = peer.read();
            assertNotNull("the node closed the channel", f);
            if ("DATA_CONTROL".equals(f.type()) && transferId.equals(f.metadata().path("transferId").asText())) {
                return f;
            }
        }
        throw new AssertionError("no DATA_CONTROL about " + transferId + " within " + WAIT);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private static String printable(String s) {
        return s.replace("\u0000", "\\0");
    }
}
