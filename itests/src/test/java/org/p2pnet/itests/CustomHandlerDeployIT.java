package org.p2pnet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.packet.PacketTypes;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * examples/custom-handler hot-deployed into a running node through Karaf's {@code deploy/} folder, then
 * removed, with no restart: the jar dropped into {@code ${karaf.base}/deploy} brings the KV handler and
 * the MESSAGE override (ranking 100), both shown working over the wire by a {@link WirePeer}; deleting
 * the jar takes the bundle away, the default MESSAGE handler (org.p2pnet.handler.message) takes over
 * again, and KV packets are held by the core's hot-swap buffer and then dropped, never answered.
 *
 * <p>Absence of an answer is shown without sleeping: after the packet that must not be answered the
 * test sends a PING, and the node handles a channel's packets in arrival order, so whatever the first
 * packet caused is on the wire before the PONG.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class CustomHandlerDeployIT extends P2pnetTestSupport {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String EXAMPLE_BUNDLE = "org.p2pnet.examples.custom-handler";
    private static final String DEFAULT_MESSAGE_BUNDLE = "org.p2pnet.handler.message";
    private static final String KEEPALIVE_BUNDLE = "org.p2pnet.handler.keepalive";
    private static final String KV = "KV";
    /** Set by itests/pom.xml (failsafe): the example's jar under its module's target/. */
    private static final String JAR_PROPERTY = "p2pnet.example.custom-handler.jar";
    /** How long the core holds packets of a type whose handler went away (short, so the test sees the drop). */
    private static final int HOLD_SECONDS = 5;

    @Inject
    PeerNetwork network;

    @Override
    protected Option[] extraOptions() {
        List<Option> options = new ArrayList<>(List.of(wirePeerOptions()));
        options.add(systemProperty(JAR_PROPERTY).value(exampleJar()));
        options.add(editConfigurationFilePut("etc/org.p2pnet.core.cfg", "pendingBufferMaxWaitSeconds",
            String.valueOf(HOLD_SECONDS)));
        return options.toArray(new Option[0]);
    }

    /**
     * Runs in the test driver: the jar from examples/custom-handler/target (failsafe's system property),
     * else from the local Maven repository, where {@code ./mvnw install -pl examples/custom-handler} puts it.
     */
    private static String exampleJar() {
        String version = System.getProperty("p2pnet.version");
        List<File> tried = new ArrayList<>();
        String configured = System.getProperty(JAR_PROPERTY);
        if (configured != null) {
            tried.add(new File(configured));
        }
        String repo = System.getProperty("maven.repo.local", System.getProperty("user.home") + "/.m2/repository");
        tried.add(new File(repo, "org/p2pnet/" + EXAMPLE_BUNDLE + "/" + version + "/" + EXAMPLE_BUNDLE + "-" + version + ".jar"));
        for (File f : tried) {
            if (f.isFile()) {
                return f.getAbsolutePath();
            }
        }
        throw new IllegalStateException("the custom-handler example jar is in none of " + tried
            + ": build it first (./mvnw -B -o install -pl examples/custom-handler)");
    }

    @Test
    public void theExampleDroppedIntoDeployHandlesKvAndOverridesMessageUntilItsJarIsRemoved() throws Exception {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY));
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path deployed = deploy.resolve(jar.getFileName());
        waitFor("node listening", WAIT, () -> network.status().listening() != null);
        int port = network.status().listening().port();

        try (WirePeer peer = new WirePeer()) {
            peer.handshake(port, "itest");
            PeerId peerId = PeerId.parse(peer.peerId());
            waitFor("channel registered", WAIT, () -> network.channel(peerId).isPresent());

            // Before: MESSAGE is the default handler's; KV never had a handler, so the core drops it at once.
            waitFor("MESSAGE handled by " + DEFAULT_MESSAGE_BUNDLE, WAIT,
                () -> DEFAULT_MESSAGE_BUNDLE.equals(handler(PacketTypes.MESSAGE).map(HandlerInfo::bundle).orElse("")));
            // assertNothingAnswered needs a PONG: a PING that comes before the keepalive handler ever
            // registered is dropped, not held (on CI the node once listened before that bundle was up)
            waitFor("PING handled by " + KEEPALIVE_BUNDLE, WAIT,
                () -> KEEPALIVE_BUNDLE.equals(handler(PacketTypes.PING).map(HandlerInfo::bundle).orElse("")));
            peer.send(KV, kv("get", "greeting", null));
            assertNothingAnswered(peer, "a KV packet before the example is deployed");
            waitFor("the KV packet dropped at once and counted", WAIT,
                () -> handler(KV).map(h -> h.dropped() == 1 && h.buffered() == 0 && h.candidates() == 0).orElse(false));

            // Deploy: copy the jar into deploy/ (atomically, so fileinstall never reads half a jar).
            Files.createDirectories(deploy);
            Path staging = Path.of(System.getProperty("karaf.data"), jar.getFileName() + ".staging");
            Files.copy(jar, staging, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staging, deployed, StandardCopyOption.ATOMIC_MOVE);
            waitFor("KV and MESSAGE handled by " + EXAMPLE_BUNDLE + ": " + network.handlers(), WAIT,
                () -> EXAMPLE_BUNDLE.equals(handler(KV).map(HandlerInfo::bundle).orElse(""))
                    && EXAMPLE_BUNDLE.equals(handler(PacketTypes.MESSAGE).map(HandlerInfo::bundle).orElse("")));
            Bundle example = bundle(EXAMPLE_BUNDLE);
            assertEquals("the bundle is active", Bundle.ACTIVE, example.getState());
            assertTrue("installed from deploy/: " + example.getLocation(), example.getLocation().contains("deploy"));
            HandlerInfo message = handler(PacketTypes.MESSAGE).orElseThrow();
            assertEquals("the override's ranking", 100, message.ranking());
            assertEquals("two MESSAGE handlers, the highest ranked active", 2, message.candidates());
            String table = shell("p2p:handlers");
            assertTrue(table, table.lines().anyMatch(l -> l.startsWith("KV ") && l.contains(EXAMPLE_BUNDLE)));

            // KV over the wire: put, get, a missing key, and bad requests rejected with their reason.
            peer.send(KV, kv("put", "greeting", "hello from the wire"));
            assertEquals("stored", readKv(peer).path("op").asText());
            peer.send(KV, kv("get", "greeting", null));
            WirePeer.Frame value = readKvFrame(peer);
            assertEquals("value", value.metadata().path("op").asText());
            assertEquals("greeting", value.metadata().path("key").asText());
            assertEquals("hello from the wire", value.metadata().path("value").asText());
            peer.send(KV, kv("get", "no such key", null));
            assertEquals("missing", readKv(peer).path("op").asText());
            peer.send(KV, kv("delete", "greeting", null));
            JsonNode badOp = readKv(peer);
            assertEquals(badOp.toString(), "error", badOp.path("op").asText());
            assertEquals(badOp.toString(), "BAD_OP", badOp.path("reason").asText());
            peer.send(KV, Map.of("op", "get"));
            assertEquals("MISSING_KEY", readKv(peer).path("reason").asText());
            assertTrue("the channel survived the bad requests", network.channel(peerId).isPresent());

            // MESSAGE over the wire: the override answers with an echo; the default handler never sees it.
            peer.sendMessage("override-1", "hi override");
            WirePeer.Frame echo = readUntil(peer, f -> PacketTypes.MESSAGE.equals(f.type()), "the echo").get(0);
            assertEquals("echo: hi override", echo.metadata().path("text").asText());
            assertFalse("the default MESSAGE handler did not get it", messageReceived(peerId, "override-1"));

            // Remove: delete the jar; fileinstall uninstalls the bundle, no restart.
            Files.delete(deployed);
            waitFor(EXAMPLE_BUNDLE + " uninstalled", WAIT, () -> Arrays.stream(bundleContext.getBundles())
                .noneMatch(b -> EXAMPLE_BUNDLE.equals(b.getSymbolicName())));
            waitFor("MESSAGE handled by " + DEFAULT_MESSAGE_BUNDLE + " again, KV by nobody: " + network.handlers(), WAIT,
                () -> DEFAULT_MESSAGE_BUNDLE.equals(handler(PacketTypes.MESSAGE).map(HandlerInfo::bundle).orElse(""))
                    && handler(KV).map(h -> h.bundle().isEmpty() && h.candidates() == 0).orElse(false));
            assertEquals("the default's ranking", 0, handler(PacketTypes.MESSAGE).orElseThrow().ranking());

            peer.sendMessage("default-1", "back to the default");
            waitFor("the default MESSAGE handler keeps the message", WAIT, () -> messageReceived(peerId, "default-1"));
            long droppedBefore = handler(KV).orElseThrow().dropped();
            peer.send(KV, kv("get", "greeting", null));
            assertNothingAnswered(peer, "a MESSAGE and a KV packet after the example was removed");

            // KV had a handler, so the core holds it for a handler to come back, then drops it and counts it.
            waitFor("the KV packet held by the core", WAIT, () -> handler(KV).orElseThrow().buffered() == 1);
            waitFor("the KV packet dropped after " + HOLD_SECONDS + " s", WAIT, () -> {
                HandlerInfo kv = handler(KV).orElseThrow();
                return kv.buffered() == 0 && kv.dropped() == droppedBefore + 1;
            });
            assertNothingAnswered(peer, "the dropped KV packet");
            assertTrue("the channel is still open", network.channel(peerId).isPresent());
        } finally {
            Files.deleteIfExists(deployed);
        }
    }

    private Optional<HandlerInfo> handler(String type) {
        return network.handlers().stream().filter(h -> type.equals(h.packetType())).findFirst();
    }

    private static Map<String, Object> kv(String op, String key, String value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", op);
        m.put("key", key);
        if (value != null) {
            m.put("value", value);
        }
        return m;
    }

    private static JsonNode readKv(WirePeer peer) throws IOException {
        return readKvFrame(peer).metadata();
    }

    private static WirePeer.Frame readKvFrame(WirePeer peer) throws IOException {
        List<WirePeer.Frame> frames = readUntil(peer, f -> KV.equals(f.type()), "a KV reply");
        return frames.get(0);
    }

    /**
     * Sends a PING and reads up to its PONG: fails if a KV packet or a MESSAGE echo came first. Other
     * traffic of the node (its own PEER_GROUP request, say) is let through.
     */
    private static void assertNothingAnswered(WirePeer peer, String what) throws IOException {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String nonce = HexFormat.of().formatHex(random);
        peer.send(PacketTypes.PING, Map.of("nonce", nonce, "sentAt", System.currentTimeMillis()));
        List<WirePeer.Frame> frames = readUntil(peer,
            f -> PacketTypes.PONG.equals(f.type()) && nonce.equals(f.metadata().path("nonce").asText()), "the PONG");
        for (WirePeer.Frame f : frames.subList(1, frames.size())) {
            assertFalse("nothing answers " + what + ", got " + f.type() + " " + f.metadata(),
                KV.equals(f.type()) || PacketTypes.MESSAGE.equals(f.type()));
        }
    }

    /**
     * Reads frames until one matches (within the WirePeer's 10 s read timeout): the match first, then
     * every frame read before it.
     */
    private static List<WirePeer.Frame> readUntil(WirePeer peer, Predicate<WirePeer.Frame> match, String what)
            throws IOException {
        List<WirePeer.Frame> before = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            WirePeer.Frame f;
            try {
                f = peer.read();
            } catch (IOException e) {
                throw new AssertionError("no " + what + " arrived; read before: " + describe(before), e);
            }
            if (match.test(f)) {
                List<WirePeer.Frame> result = new ArrayList<>();
                result.add(f);
                result.addAll(before);
                return result;
            }
            before.add(f);
        }
        throw new AssertionError("no " + what + " in 100 frames: " + describe(before));
    }

    private static String describe(List<WirePeer.Frame> frames) {
        StringBuilder b = new StringBuilder("[");
        for (WirePeer.Frame f : frames) {
            b.append(b.length() > 1 ? ", " : "").append(f.type()).append(' ').append(f.metadata());
        }
        return b.append(']').toString();
    }
}
