package org.p2pnet.examples.trust;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.trust.TrustProtocol;
import org.p2pnet.api.trust.TrustRefusedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An example trust protocol: elevates to ENHANCED only the peers listed in its configuration
 * (PID {@value #PID}, key {@code allowedPeers}) once they have echoed a nonce over packets of type
 * {@value #TYPE}, and refuses every other peer, which makes the core close its channel with
 * NOT_TRUSTED.
 *
 * <p>How it plugs in:
 * <ul>
 * <li>It is a {@link TrustProtocol} with {@code service.ranking} 100, above the trust bundle's
 *     default protocol (0): the core runs the highest-ranked one on each channel it opens from
 *     then on (when the trust policy's admission asks for a protocol run). Stop this bundle and
 *     the default protocol is used again.</li>
 * <li>It is also the {@link PacketHandler} for {@value #TYPE}. Types named {@code TRUST.<name>}
 *     flow at trust level NONE, so the exchange works before the channel is trusted. The handler
 *     both answers the other side's echo requests (the peer runs the same protocol at the same
 *     time) and completes this side's pending runs.</li>
 * </ul>
 *
 * <p>What it proves: only that the peer runs this protocol and answers. The peer's identity is
 * already proven by the channel (its id derives from the key it proved in the handshake), so the
 * decision rests on the allow list; a real protocol would add its own proof here (a signature, a
 * token, a certificate chain...). Bad input never throws into the core: it is ignored, counted
 * and logged once.
 */
@Component(configurationPid = ExampleTrustProtocol.PID, immediate = true,
        service = {TrustProtocol.class, PacketHandler.class},
        property = {Constants.SERVICE_RANKING + ":Integer=100",
                PacketHandler.TYPE_PROPERTY + "=" + ExampleTrustProtocol.TYPE})
@Designate(ocd = ExampleTrustProtocol.Config.class)
public class ExampleTrustProtocol implements TrustProtocol, PacketHandler {
    public static final String PID = "org.p2pnet.examples.trust";
    /** This protocol's packet type: {@code TRUST.<name>} is delivered at trust level NONE. */
    public static final String TYPE = "TRUST.example";
    /** Metadata larger than this is not read. */
    static final int MAX_METADATA_BYTES = 256;
    /** Runs waiting for their echo, per channel; beyond it a new run fails (not a refusal). */
    static final int MAX_PENDING_PER_CHANNEL = 4;
    /** A run not answered for this long is forgotten (the core has timed it out long before). */
    static final long PENDING_TTL_MILLIS = 120_000;

    private static final Logger LOG = LoggerFactory.getLogger(ExampleTrustProtocol.class);
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonParser.Feature.ALLOW_COMMENTS)
            .build();
    private static final HexFormat HEX = HexFormat.of();

    /** The configuration: which peers this node trusts. */
    @ObjectClassDefinition(name = "p2pnet example trust protocol",
            description = "Elevates the listed peers to ENHANCED after a nonce echo over TRUST.example; refuses"
                    + " (closes with NOT_TRUSTED) every other peer it runs on.")
    public @interface Config {
        @AttributeDefinition(name = "Allowed peers", required = false,
                description = "Comma-separated full peer ids (64 hex digits) that this protocol elevates."
                        + " Every other peer is refused.")
        String allowedPeers() default "";
    }

    /** A run of this side, waiting for the peer's echo of its nonce. */
    private record Pending(String channelId, CompletableFuture<TrustLevel> result, long startedAt) {
    }

    private final Random random;
    /** Key: channel id + " " + nonce. */
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final LongAdder ignored = new LongAdder();
    private final AtomicBoolean loggedIgnored = new AtomicBoolean();
    private volatile Set<PeerId> allowed;
    private volatile boolean active = true;

    @Activate
    public ExampleTrustProtocol(Config config) {
        this(initialPeers(config.allowedPeers()), new SecureRandom());
    }

    /** For tests. */
    ExampleTrustProtocol(Set<PeerId> allowed, Random random) {
        this.allowed = Set.copyOf(allowed);
        this.random = random;
        LOG.info("Example trust protocol is up: {} allowed peers", allowed.size());
    }

    /** A new allow list applies to the next run; an invalid one is logged and the previous one stays. */
    @Modified
    void modified(Config config) {
        try {
            allowed = parsePeers(config.allowedPeers());
        } catch (IllegalArgumentException e) {
            LOG.error("Rejected the new configuration of {}; the previous one stays in force. {}", PID, e.getMessage());
        }
    }

    /** Stopping fails the pending runs with IllegalStateException, which the core treats as "level unchanged". */
    @Deactivate
    void deactivate() {
        active = false;
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending p = it.next();
            it.remove();
            p.result().completeExceptionally(new IllegalStateException("the example trust protocol stopped"));
        }
    }

    // ---------------------------------------------------------------- TrustProtocol

    /**
     * Called by the core (off network threads) when a channel opens. Never blocks: it returns a
     * stage that the handler completes when the echo arrives.
     */
    @Override
    public CompletionStage<TrustLevel> run(PeerChannel channel) {
        if (!active) {
            return CompletableFuture.failedFuture(new IllegalStateException("the example trust protocol stopped"));
        }
        if (!allowed.contains(channel.peerId())) {
            // a refusal: the core closes the channel with NOT_TRUSTED and this message
            return CompletableFuture.failedFuture(new TrustRefusedException("not on this node's allowedPeers list"));
        }
        forgetStale();
        if (pending.values().stream().filter(p -> p.channelId().equals(channel.channelId())).count()
                >= MAX_PENDING_PER_CHANNEL) {
            return CompletableFuture.failedFuture(new IllegalStateException("too many runs pending on this channel"));
        }
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        String nonce = HEX.formatHex(bytes);
        CompletableFuture<TrustLevel> result = new CompletableFuture<>();
        String key = channel.channelId() + " " + nonce;
        pending.put(key, new Pending(channel.channelId(), result, System.currentTimeMillis()));
        channel.send(message("echo", nonce)).whenComplete((ok, failure) -> {
            if (failure != null && pending.remove(key) != null) {
                result.completeExceptionally(failure); // not a refusal: the level stays
            }
        });
        return result;
    }

    private void forgetStale() {
        long now = System.currentTimeMillis();
        pending.entrySet().removeIf(e -> now - e.getValue().startedAt() > PENDING_TTL_MILLIS);
    }

    // ---------------------------------------------------------------- PacketHandler

    /** Called by the core on a network thread for each {@value #TYPE} packet: quick, never throws. */
    @Override
    public void handle(PeerChannel channel, Packet packet) {
        if (!active) {
            return;
        }
        String[] message = parse(packet);
        if (message == null) {
            ignore(channel, "a malformed " + TYPE + " packet");
            return;
        }
        String step = message[0];
        String nonce = message[1];
        if (step.equals("echo")) {
            // the other side's run: answer it, whatever our own run is doing
            channel.send(message("echo-reply", nonce));
        } else {
            Pending p = pending.remove(channel.channelId() + " " + nonce);
            if (p == null) {
                ignore(channel, "an echo reply that matches no pending run");
                return;
            }
            p.result().complete(TrustLevel.ENHANCED);
        }
    }

    /** {@code {"step":"echo"|"echo-reply","nonce":"<32 hex digits>"}}, strictly; null when malformed. */
    static String[] parse(Packet packet) {
        if (!(packet instanceof RawPacket raw) || raw.metadata().length > MAX_METADATA_BYTES || raw.body().length > 0) {
            return null;
        }
        try {
            JsonNode root = MAPPER.readTree(raw.metadata());
            if (root == null || !root.isObject() || root.size() != 2) {
                return null;
            }
            JsonNode step = root.get("step");
            JsonNode nonce = root.get("nonce");
            if (step == null || !step.isTextual() || nonce == null || !nonce.isTextual()) {
                return null;
            }
            if (!step.textValue().equals("echo") && !step.textValue().equals("echo-reply")) {
                return null;
            }
            String n = nonce.textValue();
            if (n.length() != 32 || !n.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return null;
            }
            return new String[] {step.textValue(), n};
        } catch (IOException e) {
            return null;
        }
    }

    static RawPacket message(String step, String nonce) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("step", step);
        n.put("nonce", nonce);
        return new RawPacket(TYPE, n.toString().getBytes(StandardCharsets.UTF_8), null);
    }

    /** Bad input is counted, logged once at WARN (then at DEBUG), and otherwise ignored. */
    private void ignore(PeerChannel channel, String what) {
        ignored.increment();
        if (loggedIgnored.compareAndSet(false, true)) {
            LOG.warn("Ignored {} from {} (such input is logged only once)", what, channel.peerId().shortForm());
        } else {
            LOG.debug("Ignored {} from {}", what, channel.peerId().shortForm());
        }
    }

    long ignored() {
        return ignored.sum();
    }

    // ---------------------------------------------------------------- configuration

    private static Set<PeerId> initialPeers(String text) {
        try {
            return parsePeers(text);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid configuration of {}: {}. No peer is allowed until it is fixed.", PID, e.getMessage());
            return Set.of();
        }
    }

    /**
     * Parses a comma-separated list of full peer ids.
     *
     * @throws IllegalArgumentException naming the key and the bad value
     */
    static Set<PeerId> parsePeers(String text) {
        Set<PeerId> peers = new LinkedHashSet<>();
        if (text == null || text.isBlank()) {
            return Set.of();
        }
        List<String> problems = new ArrayList<>();
        for (String part : text.split(",")) {
            String id = part.trim();
            if (id.isEmpty()) {
                continue;
            }
            try {
                peers.add(PeerId.parse(id));
            } catch (IllegalArgumentException e) {
                problems.add("'" + id + "': " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("allowedPeers has invalid entries: " + String.join("; ", problems));
        }
        return Set.copyOf(peers);
    }
}
