package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.inject.Inject;

import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.InputDrops;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.task.NetworkTask;
import org.p2pnet.api.task.NetworkTaskType;

/**
 * The malformed-input catalogue (issue 10): bad input against the running node, one case at a time,
 * while a healthy peer on the same node keeps exchanging messages.
 *
 * <ul>
 * <li>{@link #everyMalformedChannelIsClosedWithItsReasonCountedAndAHealthyChannelKeepsWorking}: input
 *     that breaks the protocol (frames, JSON, the handshake, records over their limits). The node sends
 *     a DISCONNECT naming the specific reason with a message saying why, closes that channel and counts
 *     the reason ({@code NodeStatus.rejections()}, {@code p2p:drops} source {@code node}).</li>
 * <li>{@link #everyRefusedPacketIsDroppedWithItsReasonCountedAndAHealthyChannelKeepsWorking}: well-formed
 *     packets whose content a handler refuses (a forged or replayed task, a broadcast with a false id, a
 *     chunk for an unknown transfer, …). The packet is dropped and counted under its kind by the bundle
 *     that judged it ({@link InputDrops}, {@code p2p:drops}); the sender's channel stays.</li>
 * </ul>
 *
 * After every case the healthy peer sends a message that must arrive; at the end the healthy channel
 * must still be the one opened first. Every case is run and reported, so one run shows every deviation.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class MalformedInputIT extends P2pnetTestSupport {
    private static final String NETWORK = "itest";
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final byte[] NONE = new byte[0];

    /** {@link WirePeer} speaks plaintext and runs no trust protocol. */
    @Override
    protected Option[] extraOptions() {
        return wirePeerOptions();
    }

    @Inject
    PeerNetwork network;

    @Inject
    ConfigurationAdmin configAdmin;

    private int port;
    private int healthySent;

    @Before
    public void listening() throws Exception {
        waitFor("node listening", Duration.ofSeconds(30), () -> network.status().listening() != null);
        port = network.status().listening().port();
    }

    /** What a bad peer does after it is constructed (connected or not). */
    interface BadPeer {
        void misbehave(WirePeer bad) throws Exception;
    }

    private record ChannelCase(String name, DisconnectReason reason, BadPeer script) {
    }

    private record DropCase(String name, String source, String kind, BadPeer script) {
    }

    @Test
    public void everyMalformedChannelIsClosedWithItsReasonCountedAndAHealthyChannelKeepsWorking() throws Exception {
        List<ChannelCase> cases = new ArrayList<>();
        // frames
        cases.add(new ChannelCase("zero frame length", DisconnectReason.MALFORMED_FRAME,
            identified(bad -> bad.sendBytes(new byte[] {0, 0, 0, 0}))));
        cases.add(new ChannelCase("frame length 5, below the minimum", DisconnectReason.MALFORMED_FRAME,
            identified(bad -> bad.sendBytes(new byte[] {0, 0, 0, 5, 1, 'M', 0, 0, 0}))));
        cases.add(new ChannelCase("length overflow 0x7FFFFFFF", DisconnectReason.FRAME_TOO_LARGE,
            identified(bad -> bad.sendBytes(new byte[] {(byte) 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))));
        cases.add(new ChannelCase("length 0xFFFFFFFF (negative as a signed int)", DisconnectReason.FRAME_TOO_LARGE,
            identified(bad -> bad.sendBytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}))));
        cases.add(new ChannelCase("a 20 KiB frame before IDENTITY", DisconnectReason.FRAME_TOO_LARGE, bad -> {
            bad.connect(port);
            bad.sendBytes(new byte[] {0, 0, 0x50, 0});
        }));
        cases.add(new ChannelCase("a TLS ClientHello to a plaintext node", DisconnectReason.FRAME_TOO_LARGE, bad -> {
            bad.connect(port);
            bad.sendBytes(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, (byte) 0xFC, 0x03, 0x03});
        }));
        cases.add(new ChannelCase("type length 0", DisconnectReason.MALFORMED_FRAME,
            identified(bad -> bad.sendBytes(frame(new byte[] {0, 0, 0, 0, 0, 0})))));
        cases.add(new ChannelCase("type length beyond the frame", DisconnectReason.MALFORMED_FRAME,
            identified(bad -> bad.sendBytes(frame(new byte[] {(byte) 200, 'M', 'E', 0, 0, 0, 0})))));
        cases.add(new ChannelCase("metadata length beyond the frame", DisconnectReason.MALFORMED_FRAME,
            identified(bad -> bad.sendBytes(frame(new byte[] {1, 'M', 0, 0, 0x10, 0, '{', '}'})))));
        cases.add(new ChannelCase("truncated JSON metadata", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("{\"id\":\"x\",\"text\":"), NONE))));
        cases.add(new ChannelCase("type name with invalid characters", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("bad type!", NONE, NONE))));
        // JSON
        cases.add(new ChannelCase("wrong type: a string for a number", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("{\"id\":\"x\",\"text\":\"t\",\"sentAt\":\"soon\"}"), NONE))));
        cases.add(new ChannelCase("wrong type: a boolean for a string", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("{\"id\":\"x\",\"text\":true,\"sentAt\":1}"), NONE))));
        cases.add(new ChannelCase("invalid UTF-8", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE",
                new byte[] {'{', '"', 'i', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}, NONE))));
        cases.add(new ChannelCase("metadata is a JSON array", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("[\"id\",\"text\"]"), NONE))));
        cases.add(new ChannelCase("duplicate keys", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("{\"id\":\"x\",\"id\":\"y\",\"text\":\"t\",\"sentAt\":1}"), NONE))));
        cases.add(new ChannelCase("trailing tokens after the object", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("{\"id\":\"x\",\"text\":\"t\",\"sentAt\":1} {}"), NONE))));
        cases.add(new ChannelCase("deeply nested JSON (10,000 levels)", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE",
                bytes("{\"id\":\"x\",\"text\":\"t\",\"sentAt\":1,\"extra\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}"),
                NONE))));
        cases.add(new ChannelCase("a 300-character field name", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE",
                bytes("{\"id\":\"x\",\"text\":\"t\",\"sentAt\":1,\"" + "n".repeat(300) + "\":1}"), NONE))));
        cases.add(new ChannelCase("a 100-digit number", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("{\"id\":\"x\",\"text\":\"t\",\"sentAt\":" + "9".repeat(100) + "}"),
                NONE))));
        cases.add(new ChannelCase("a huge string: a 65,537-character MESSAGE text", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendMessage("huge", "x".repeat(65_537)))));
        cases.add(new ChannelCase("a body on a type that carries none", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("MESSAGE", bytes("{\"id\":\"x\",\"text\":\"t\",\"sentAt\":1}"), new byte[] {1, 2}))));
        // the handshake
        cases.add(new ChannelCase("a MESSAGE before IDENTITY", DisconnectReason.PROTOCOL_VIOLATION, bad -> {
            bad.connect(port);
            bad.sendMessage("early", "before identity");
        }));
        cases.add(new ChannelCase("silence: no IDENTITY within handshakeTimeoutSeconds (10 s)", DisconnectReason.HANDSHAKE_TIMEOUT,
            bad -> {
                bad.connect(port);
                bad.readTimeout(Duration.ofSeconds(30));
            }));
        cases.add(new ChannelCase("a duplicate IDENTITY", DisconnectReason.PROTOCOL_VIOLATION,
            identified(bad -> bad.sendIdentity(NETWORK, bad.peerId()))));
        cases.add(new ChannelCase("IDENTITY after data", DisconnectReason.PROTOCOL_VIOLATION, identified(bad -> {
            bad.sendMessage("first", "data first");
            bad.sendIdentity(NETWORK, bad.peerId());
        })));
        cases.add(new ChannelCase("another network", DisconnectReason.NETWORK_MISMATCH, bad -> bad.handshake(port, "another-network")));
        cases.add(new ChannelCase("a peer id not derived from the key", DisconnectReason.INVALID_IDENTITY, bad -> {
            bad.connect(port);
            bad.sendIdentity(NETWORK, new WirePeer().peerId());
        }));
        cases.add(new ChannelCase("a public key that is not base64", DisconnectReason.INVALID_IDENTITY,
            identityWith("publicKey", "not*base64*at*all")));
        cases.add(new ChannelCase("a key algorithm other than Ed25519", DisconnectReason.INVALID_IDENTITY,
            identityWith("keyAlgorithm", "RSA")));
        cases.add(new ChannelCase("another protocol version", DisconnectReason.PROTOCOL_MISMATCH, identityWith("protocolVersion", 2)));
        cases.add(new ChannelCase("IDENTITY without a peer id", DisconnectReason.MALFORMED_PACKET, identityWith("peerId", null)));
        // records over their limits
        cases.add(new ChannelCase("10,000 peers in one PEER_GROUP packet", DisconnectReason.MALFORMED_PACKET, identified(bad -> {
            List<Map<String, Object>> peers = new ArrayList<>();
            for (int i = 0; i < 10_000; i++) {
                peers.add(Map.of("peerId", String.format("%064x", i + 1), "host", "10.0.0.1", "port", 7700));
            }
            bad.send("PEER_GROUP", Map.of("peers", peers, "want", 0));
        })));
        cases.add(new ChannelCase("an oversized BROADCAST (65,537 characters)", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.send("BROADCAST", broadcast(bad, "x".repeat(65_537), System.currentTimeMillis(), "0".repeat(64))))));
        cases.add(new ChannelCase("a DATA chunk that ends past its totalSize", DisconnectReason.MALFORMED_PACKET,
            identified(bad -> bad.sendRaw("DATA", bytes("{\"transferId\":\"t1\",\"format\":\"FILE\",\"name\":\"a.txt\","
                + "\"offset\":8,\"totalSize\":10,\"sha256\":\"\",\"last\":true}"), new byte[] {1, 2, 3, 4}))));

        try (WirePeer healthy = new WirePeer()) {
            PeerId healthyId = healthyChannel(healthy);
            var opened = network.channel(healthyId).orElseThrow().channelId();
            List<String> failures = new ArrayList<>();
            for (ChannelCase c : cases) {
                try {
                    expectClosed(c, healthy, healthyId);
                } catch (Throwable t) {
                    failures.add(c.name() + ": " + t.getMessage());
                }
            }
            String drops = shell("p2p:drops");
            assertTrue("every case rejected as catalogued (" + failures.size() + " of " + cases.size() + " not):\n  "
                + String.join("\n  ", failures) + "\np2p:drops:\n" + drops, failures.isEmpty());
            for (ChannelCase c : cases) {
                assertTrue("p2p:drops shows " + c.reason() + ":\n" + drops, drops.contains(c.reason().name()));
            }
            assertEquals("the healthy channel is the one opened first", opened,
                network.channel(healthyId).orElseThrow().channelId());
        }
        assertTrue("at least 30 cases in the catalogue of channel errors: " + cases.size(), cases.size() >= 30);
    }

    @Test
    public void everyRefusedPacketIsDroppedWithItsReasonCountedAndAHealthyChannelKeepsWorking() throws Exception {
        WirePeer authority = new WirePeer();
        String authorityKeyId = HexFormat.of().formatHex(
            MessageDigest.getInstance("SHA-256").digest(authority.key().getPublic().getEncoded()));
        Configuration genesisClient = configAdmin.getConfiguration("org.p2pnet.discovery.genesis", null);
        Dictionary<String, Object> before = genesisClient.getProperties();
        Dictionary<String, Object> pinned = new Hashtable<>();
        if (before != null) {
            Collections.list(before.keys()).forEach(k -> pinned.put(k, before.get(k)));
        }
        pinned.put("mode", "authority");
        pinned.put("authorityKeys", authorityKeyId);
        genesisClient.update(pinned);
        waitFor("the test's authority key pinned", WAIT, () -> shell("p2p:bootstrap --json").contains(authorityKeyId));

        List<DropCase> cases = new ArrayList<>();
        long now = System.currentTimeMillis();
        cases.add(new DropCase("a broadcast whose id is not the hash of its content", "broadcast", "ID_MISMATCH",
            identified(bad -> bad.send("BROADCAST", broadcast(bad, "hello", System.currentTimeMillis(), "ab".repeat(32))))));
        cases.add(new DropCase("a broadcast from two days ago", "broadcast", "OUT_OF_TIME_WINDOW",
            identified(bad -> bad.send("BROADCAST", broadcast(bad, "old", now - Duration.ofDays(2).toMillis(), "cd".repeat(32))))));
        cases.add(new DropCase("a chunk for an unknown transfer", "data", "UNKNOWN_TRANSFER",
            identified(bad -> bad.sendRaw("DATA", bytes("{\"transferId\":\"no-such-transfer\",\"format\":\"FILE\","
                + "\"name\":\"a.txt\",\"offset\":0,\"totalSize\":4,\"sha256\":\"\",\"last\":true}"), new byte[] {1, 2, 3, 4}))));
        cases.add(new DropCase("a DATA_CONTROL that is not control JSON", "data", "MALFORMED_CONTROL",
            identified(bad -> bad.sendRaw("DATA_CONTROL", bytes("{\"kind\":\"no-such-kind\"}"), NONE))));
        cases.add(new DropCase("a PING with a nonce that is not hex", "keepalive", "MALFORMED_PING",
            identified(bad -> bad.sendRaw("PING", bytes("{\"nonce\":\"not-hex-at-all!\",\"sentAt\":1}"), NONE))));
        cases.add(new DropCase("a PEER_GROUP entry that is not a peer id", "peer-group", "INVALID_ID",
            identified(bad -> bad.send("PEER_GROUP",
                Map.of("peers", List.of(Map.of("peerId", "not-a-peer-id", "host", "10.0.0.1", "port", 7700)), "want", 0)))));
        cases.add(new DropCase("a task envelope that is not JSON of a task", "task", "MALFORMED",
            identified(bad -> bad.sendRaw("NETWORK_TASK", bytes("{\"v\":1,\"task\":\"do it\"}"), NONE))));
        cases.add(new DropCase("a task for another network", "task", "WRONG_NETWORK",
            identified(bad -> bad.send("NETWORK_TASK", task(authority, "another-network", null)))));
        cases.add(new DropCase("a task whose signature does not verify", "task", "FORGED",
            identified(bad -> bad.send("NETWORK_TASK", task(authority, NETWORK, new byte[64])))));
        cases.add(new DropCase("a task signed by a key no one pinned", "task", "UNTRUSTED_SIGNER",
            identified(bad -> bad.send("NETWORK_TASK", task(new WirePeer(), NETWORK, null)))));
        Map<String, Object> once = task(authority, NETWORK, null);
        cases.add(new DropCase("a replayed task", "task", "REPLAYED", identified(bad -> {
            bad.send("NETWORK_TASK", once);
            waitFor("the first copy carried out", WAIT, () -> drops("task").count("REPLAYED") == 0
                && shell("p2p:tasks --json").contains(((Map<?, ?>) once.get("task")).get("nonce").toString()));
            bad.send("NETWORK_TASK", once);
        })));

        try (WirePeer healthy = new WirePeer()) {
            PeerId healthyId = healthyChannel(healthy);
            List<String> failures = new ArrayList<>();
            for (DropCase c : cases) {
                try {
                    expectDropped(c, healthy, healthyId);
                } catch (Throwable t) {
                    failures.add(c.name() + ": " + t.getMessage());
                }
            }
            try {
                disconnectNamingAnotherPeer(healthy, healthyId);
            } catch (Throwable t) {
                failures.add("a DISCONNECT naming another peer: " + t.getMessage());
            }
            String drops = shell("p2p:drops");
            assertTrue("every case dropped as catalogued (" + failures.size() + " of " + (cases.size() + 1) + " not):\n  "
                + String.join("\n  ", failures) + "\np2p:drops:\n" + drops, failures.isEmpty());
            for (DropCase c : cases) {
                assertTrue("p2p:drops shows " + c.source() + " " + c.kind() + ":\n" + drops,
                    drops.lines().anyMatch(l -> l.contains(c.source()) && l.contains(c.kind())));
            }
        } finally {
            if (before == null) {
                genesisClient.delete();
            } else {
                genesisClient.update(before);
            }
        }
    }

    // ------------------------------------------------------------------ the two kinds of case

    private void expectClosed(ChannelCase c, WirePeer healthy, PeerId healthyId) throws Exception {
        long before = count(c.reason());
        try (WirePeer bad = new WirePeer()) {
            c.script().misbehave(bad);
            WirePeer.Frame disconnect = bad.readUntilDisconnect();
            if (disconnect == null) {
                throw new AssertionError("the node closed without a DISCONNECT");
            }
            assertEquals("DISCONNECT reason", c.reason().name(), disconnect.metadata().path("reason").asText());
            assertTrue("DISCONNECT says why: " + disconnect.metadata(), !disconnect.metadata().path("message").asText().isEmpty());
        }
        waitFor(c.reason() + " counted", WAIT, () -> count(c.reason()) == before + 1);
        healthyExchange(healthy, healthyId);
    }

    private void expectDropped(DropCase c, WirePeer healthy, PeerId healthyId) throws Exception {
        long before = drops(c.source()).count(c.kind());
        try (WirePeer bad = new WirePeer()) {
            c.script().misbehave(bad);
            waitFor(c.source() + " " + c.kind() + " counted once", WAIT, () -> drops(c.source()).count(c.kind()) == before + 1);
            PeerId badId = PeerId.parse(bad.peerId());
            assertTrue("the sender's channel stays open", network.channel(badId).isPresent());
        }
        healthyExchange(healthy, healthyId);
    }

    /**
     * A DISCONNECT carrying another peer's id: the fields a DISCONNECT does not have are ignored and it
     * closes only the channel it came on; the named peer's channel stays.
     */
    private void disconnectNamingAnotherPeer(WirePeer healthy, PeerId healthyId) throws Exception {
        try (WirePeer bad = new WirePeer()) {
            bad.handshake(port, NETWORK);
            PeerId badId = PeerId.parse(bad.peerId());
            waitFor("channel registered", WAIT, () -> network.channel(badId).isPresent());
            Map<String, Object> disconnect = new LinkedHashMap<>();
            disconnect.put("reason", "REQUESTED");
            disconnect.put("message", "close " + healthyId.value());
            disconnect.put("peerId", healthyId.value());
            bad.send("DISCONNECT", disconnect);
            waitFor("the sender's own channel closed", WAIT, () -> network.channel(badId).isEmpty());
        }
        assertTrue("the named peer's channel stays", network.channel(healthyId).isPresent());
        healthyExchange(healthy, healthyId);
    }

    // ------------------------------------------------------------------ helpers

    private PeerId healthyChannel(WirePeer healthy) throws Exception {
        healthy.handshake(port, NETWORK);
        PeerId healthyId = PeerId.parse(healthy.peerId());
        waitFor("healthy channel registered", WAIT, () -> network.channel(healthyId).isPresent());
        healthyExchange(healthy, healthyId);
        return healthyId;
    }

    /** The script, after a correct handshake. */
    private BadPeer identified(BadPeer then) {
        return bad -> {
            bad.handshake(port, NETWORK);
            then.misbehave(bad);
        };
    }

    /** Connects and sends our IDENTITY with one field changed ({@code null}: left out). */
    private BadPeer identityWith(String field, Object value) {
        return bad -> {
            bad.connect(port);
            Map<String, Object> identity = bad.identityFields(NETWORK);
            if (value == null) {
                identity.remove(field);
            } else {
                identity.put(field, value);
            }
            bad.send("IDENTITY", identity);
        };
    }

    /** A length prefix and then {@code content}. */
    private static byte[] frame(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(content.length >>> 24);
        out.write(content.length >>> 16);
        out.write(content.length >>> 8);
        out.write(content.length);
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Map<String, Object> broadcast(WirePeer from, String message, long time, String id) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("id", id);
        b.put("title", "itest");
        b.put("message", message);
        b.put("time", time);
        b.put("origin", from.peerId());
        b.put("hopLimit", 4);
        return b;
    }

    /**
     * A PingPeer task for every node, signed by {@code signer} (with {@code signature} instead when
     * given), in the wire form of the task bundle's README.
     */
    private Map<String, Object> task(WirePeer signer, String networkName, byte[] signature) throws Exception {
        Instant issued = Instant.now();
        NetworkTask task = new NetworkTask(NetworkTaskType.PING_PEER, NetworkTask.EVERY_NODE,
            Map.of("peer", signer.peerId()), networkName, UUID.randomUUID().toString().replace("-", ""),
            issued, issued.plus(Duration.ofHours(1)));
        byte[] signed = signature;
        if (signed == null) {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initSign(signer.key().getPrivate());
            ed.update(task.canonicalBytes());
            signed = ed.sign();
        }
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("type", task.type().wireName());
        t.put("target", task.target());
        t.put("arguments", task.arguments());
        t.put("network", task.network());
        t.put("nonce", task.nonce());
        t.put("issuedAt", task.issuedAt().toEpochMilli());
        t.put("expiresAt", task.expiresAt().toEpochMilli());
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("v", 1);
        envelope.put("task", t);
        envelope.put("signerKey", Base64.getEncoder().encodeToString(signer.key().getPublic().getEncoded()));
        envelope.put("signature", Base64.getEncoder().encodeToString(signed));
        return envelope;
    }

    private long count(DisconnectReason reason) {
        return network.status().rejections().getOrDefault(reason, 0L);
    }

    /** The {@link InputDrops} of one source, as registered now. */
    private InputDrops drops(String source) throws Exception {
        String filter = "(" + InputDrops.SOURCE_PROPERTY + "=" + source + ")";
        for (ServiceReference<InputDrops> ref : bundleContext.getServiceReferences(InputDrops.class, filter)) {
            InputDrops drops = bundleContext.getService(ref);
            if (drops != null) {
                try {
                    // a snapshot: the service object may go with its bundle
                    Map<String, Long> counts = Map.copyOf(drops.counts());
                    return new InputDrops() {
                        @Override
                        public String source() {
                            return source;
                        }

                        @Override
                        public Map<String, Long> counts() {
                            return counts;
                        }
                    };
                } finally {
                    bundleContext.ungetService(ref);
                }
            }
        }
        throw new AssertionError("no InputDrops service with " + filter);
    }

    /** The healthy peer sends a message; it must arrive. */
    private void healthyExchange(WirePeer healthy, PeerId healthyId) throws Exception {
        String id = "healthy-" + (++healthySent);
        healthy.sendMessage(id, "still here");
        waitFor("healthy message " + id + " delivered", WAIT, () -> messageReceived(healthyId, id));
    }
}
