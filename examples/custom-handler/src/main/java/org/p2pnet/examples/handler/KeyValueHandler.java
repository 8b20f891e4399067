package org.p2pnet.examples.handler;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.RawPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handler for a packet type of its own, {@value #TYPE}: a small key-value store that peers fill
 * with {@code put} and read with {@code get}, answered on the same channel (wire form in
 * {@link KvWire}).
 *
 * <p>What makes it a well-behaved handler:
 * <ul>
 * <li>It is a {@link PacketHandler} service with {@value PacketHandler#TYPE_PROPERTY}{@code =KV}. The
 *     core delivers KV packets only on channels at trust level ENHANCED
 *     ({@code TrustLevel.requiredFor("KV")}): every custom type needs it.</li>
 * <li>{@link #handle} runs on a network thread, in arrival order per channel: it does O(1) work,
 *     sends its reply without waiting for the write ({@code channel.send} returns a stage), and
 *     never blocks.</li>
 * <li>Every bad packet is rejected with a specific {@link Rejection}: counted, logged once at WARN per
 *     kind (then at DEBUG), answered with an {@code error} reply. Nothing is thrown into the core.</li>
 * <li>The store is bounded in entries and bytes (PID {@value #PID}); a put beyond a bound is refused.
 *     The component is immediate, so it is up (and checks its configuration) as soon as the bundle
 *     starts, not only when the first KV packet arrives.</li>
 * <li>Replies from another node's KV handler are counted and never answered, so two nodes running
 *     this handler never answer each other forever.</li>
 * </ul>
 */
@Component(service = PacketHandler.class, immediate = true,
        property = PacketHandler.TYPE_PROPERTY + "=" + KeyValueHandler.TYPE,
        configurationPid = KeyValueHandler.PID)
@Designate(ocd = KeyValueHandler.Config.class)
public class KeyValueHandler implements PacketHandler {
    /** The packet type this handler serves. */
    public static final String TYPE = "KV";
    public static final String PID = "org.p2pnet.examples.kv";

    static final int DEFAULT_MAX_ENTRIES = 1000;
    static final long DEFAULT_MAX_BYTES = 1_048_576;
    static final int MAX_MAX_ENTRIES = 1_000_000;
    static final long MAX_MAX_BYTES = 268_435_456;

    private static final Logger LOG = LoggerFactory.getLogger(KeyValueHandler.class);

    @ObjectClassDefinition(name = "p2pnet example KV handler",
            description = "A bounded key-value store that peers use with KV packets (put, get).")
    public @interface Config {
        @AttributeDefinition(name = "Maximum entries",
                description = "How many keys the store holds at most (1-" + MAX_MAX_ENTRIES + "); a put of a new key beyond it is refused.",
                min = "1", max = "" + MAX_MAX_ENTRIES)
        int maxEntries() default DEFAULT_MAX_ENTRIES;

        @AttributeDefinition(name = "Maximum bytes",
                description = "How many bytes of keys and values (UTF-8) the store holds at most (1024-" + MAX_MAX_BYTES
                        + "); a put beyond it is refused.",
                min = "1024", max = "" + MAX_MAX_BYTES)
        long maxBytes() default DEFAULT_MAX_BYTES;
    }

    private final KvStore store = new KvStore(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES);
    private final Map<Rejection, LongAdder> rejected = new EnumMap<>(Rejection.class);
    private final Map<Rejection, AtomicBoolean> logged = new EnumMap<>(Rejection.class);
    private final LongAdder puts = new LongAdder();
    private final LongAdder gets = new LongAdder();
    private final LongAdder repliesReceived = new LongAdder();
    private final LongAdder sendFailures = new LongAdder();
    private final AtomicBoolean loggedSendFailure = new AtomicBoolean();
    private int maxEntries = DEFAULT_MAX_ENTRIES;
    private long maxBytes = DEFAULT_MAX_BYTES;

    @Activate
    public KeyValueHandler(Config config) {
        for (Rejection r : Rejection.values()) {
            rejected.put(r, new LongAdder());
            logged.put(r, new AtomicBoolean());
        }
        modified(config);
        LOG.info("KV handler is up: at most {} entries, {} bytes", maxEntries, maxBytes);
    }

    /** New bounds apply to the next put; an invalid value is logged and the one in force stays. */
    @Modified
    synchronized void modified(Config config) {
        maxEntries = (int) checked("maxEntries", config::maxEntries, 1, MAX_MAX_ENTRIES, maxEntries);
        maxBytes = checked("maxBytes", config::maxBytes, 1024, MAX_MAX_BYTES, maxBytes);
        store.resize(maxEntries, maxBytes);
    }

    /** Called by the core on a network thread for each KV packet: quick, never blocks, never throws. */
    @Override
    public void handle(PeerChannel channel, Packet packet) {
        KvWire.Request request;
        try {
            request = KvWire.parse(packet);
        } catch (KvWire.RejectedException e) {
            reject(channel, e.rejection(), e.getMessage());
            return;
        }
        if (request.isReply()) {
            // another node's answer to a request of ours (we send none here, a client would); never answered
            repliesReceived.increment();
            return;
        }
        if (KvWire.PUT.equals(request.op())) {
            String refused = store.put(request.key(), request.value());
            if (refused != null) {
                reject(channel, Rejection.STORE_FULL, refused);
                return;
            }
            puts.increment();
            reply(channel, KvWire.stored(request.key()));
        } else {
            gets.increment();
            String value = store.get(request.key());
            reply(channel, value == null ? KvWire.missing(request.key()) : KvWire.value(request.key(), value));
        }
    }

    private void reject(PeerChannel channel, Rejection why, String message) {
        rejected.get(why).increment();
        if (logged.get(why).compareAndSet(false, true)) {
            LOG.warn("Rejected a KV packet from {}: {} ({}); further {} rejections are logged at DEBUG only",
                    channel.peerId().shortForm(), why, message, why);
        } else {
            LOG.debug("Rejected a KV packet from {}: {} ({})", channel.peerId().shortForm(), why, message);
        }
        reply(channel, KvWire.error(why, message));
    }

    /** Sends without waiting for the write; a failure (channel closed, write buffer full) is counted and logged once. */
    private void reply(PeerChannel channel, RawPacket reply) {
        try {
            channel.send(reply).whenComplete((ok, failure) -> {
                if (failure != null) {
                    sendFailed(channel, failure);
                }
            });
        } catch (RuntimeException e) {
            sendFailed(channel, e);
        }
    }

    private void sendFailed(PeerChannel channel, Throwable failure) {
        sendFailures.increment();
        if (loggedSendFailure.compareAndSet(false, true)) {
            LOG.warn("Could not send a KV reply to {}: {} (logged once)", channel.peerId().shortForm(), failure.toString());
        }
    }

    private static long checked(String key, LongSupplier configured, long min, long max, long inForce) {
        long value;
        try {
            value = configured.getAsLong();
        } catch (RuntimeException notANumber) {
            LOG.error("{}: {} is not a number ({}); keeping {}", PID, key, notANumber.getMessage(), inForce);
            return inForce;
        }
        if (value < min || value > max) {
            LOG.error("{}: {} = {} is invalid, it must be between {} and {}; keeping {}", PID, key, value, min, max, inForce);
            return inForce;
        }
        return value;
    }

    /** How many KV packets were rejected for this reason. */
    long rejected(Rejection why) {
        return rejected.get(why).sum();
    }

    long puts() {
        return puts.sum();
    }

    long gets() {
        return gets.sum();
    }

    long repliesReceived() {
        return repliesReceived.sum();
    }

    long sendFailures() {
        return sendFailures.sum();
    }

    KvStore store() {
        return store;
    }
}
