package org.p2pnet.handler.broadcast.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.InputDrops;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.broadcast.BroadcastListener;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.api.broadcast.ReceivedBroadcast;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.common.DropLog;
import org.p2pnet.common.RateBudget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network-wide broadcast (PID {@value #PID}): the BROADCAST {@link PacketHandler} and the
 * {@link Broadcasts} service.
 *
 * <p>A received broadcast is checked in this order: the channel is at DEFAULT or better; its id is
 * not in the seen-cache (else it is a duplicate, dropped and counted); its time is within the window
 * ({@code seenTtlMinutes} back, 5 minutes ahead); its message is within {@code maxMessageChars}; its
 * id is the SHA-256 of its content ({@link BroadcastIds}); the channel is within its rate of new
 * broadcasts. Only then is it marked seen, delivered here once and relayed with {@code hopLimit - 1}
 * to every other open channel at DEFAULT or better (not relayed when it arrived with hop limit 0).
 * A refused broadcast is not marked seen, so a forged copy cannot suppress the real one.
 *
 * <p>Local delivery (listeners and the EventAdmin event) runs on one thread of this component,
 * never a network thread; relaying only queues writes on the channels. Deactivation stops that
 * thread and forgets the seen-cache.
 */
@Component(service = {Broadcasts.class, PacketHandler.class, InputDrops.class},
        property = {PacketHandler.TYPE_PROPERTY + "=" + PacketTypes.BROADCAST, InputDrops.SOURCE_PROPERTY + "=broadcast"},
        configurationPid = BroadcastService.PID)
@Designate(ocd = BroadcastService.Config.class)
public class BroadcastService implements Broadcasts, PacketHandler, InputDrops {
    /** The configuration PID. */
    public static final String PID = "org.p2pnet.handler.broadcast";

    /** Event properties of {@link BroadcastListener#TOPIC} events. */
    public static final String PROP_ID = "id";
    public static final String PROP_TITLE = "title";
    public static final String PROP_MESSAGE = "message";
    public static final String PROP_TIME = "time";
    public static final String PROP_ORIGIN = "origin";
    /** The peer it came from: a full id, or the empty string for one this node originated. */
    public static final String PROP_FROM = "from";

    /** Deliveries waiting for the delivery thread; beyond, listeners miss one (counted). */
    static final int MAX_PENDING_DELIVERIES = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(BroadcastService.class);

    /** The settings of PID {@value #PID}, with their defaults (see the bundle's README). */
    @ObjectClassDefinition(name = "p2pnet broadcast",
            description = "Network-wide broadcast: each new broadcast received on a channel at DEFAULT trust or better"
                    + " is delivered here once and relayed to every other such channel with its hop limit minus one;"
                    + " copies already seen are dropped.")
    public @interface Config {
        @AttributeDefinition(name = "Hop limit", min = "1", max = "" + BroadcastPacket.MAX_HOPS,
                description = "The hop limit of broadcasts this node originates: how many relays a copy may still"
                        + " pass (1-" + BroadcastPacket.MAX_HOPS + ").")
        int hopLimit() default BroadcastSettings.DEFAULT_HOP_LIMIT;

        @AttributeDefinition(name = "Longest message (characters)", min = "1",
                max = "" + BroadcastPacket.MAX_MESSAGE_LENGTH,
                description = "Broadcasts with a longer message are refused, received or originated (1-"
                        + BroadcastPacket.MAX_MESSAGE_LENGTH + ").")
        int maxMessageChars() default BroadcastSettings.DEFAULT_MAX_MESSAGE_CHARS;

        @AttributeDefinition(name = "Seen-cache size", min = "" + BroadcastSettings.MIN_SEEN_CACHE_SIZE,
                max = "" + BroadcastSettings.MAX_SEEN_CACHE_SIZE,
                description = "How many broadcast ids are remembered to drop duplicates; when full the oldest goes ("
                        + BroadcastSettings.MIN_SEEN_CACHE_SIZE + "-" + BroadcastSettings.MAX_SEEN_CACHE_SIZE + ").")
        int seenCacheSize() default BroadcastSettings.DEFAULT_SEEN_CACHE_SIZE;

        @AttributeDefinition(name = "Seen-cache lifetime (minutes)", min = "1",
                max = "" + BroadcastSettings.MAX_SEEN_TTL_MINUTES,
                description = "How long an id is remembered; a broadcast older than this is refused, so that it"
                        + " cannot come back once forgotten (1-" + BroadcastSettings.MAX_SEEN_TTL_MINUTES + ").")
        int seenTtlMinutes() default BroadcastSettings.DEFAULT_SEEN_TTL_MINUTES;

        @AttributeDefinition(name = "New broadcasts per channel per second", min = "1",
                max = "" + BroadcastSettings.MAX_PER_SECOND_LIMIT,
                description = "At most this many new broadcasts are taken from one channel per second; the rest are"
                        + " dropped and counted (1-" + BroadcastSettings.MAX_PER_SECOND_LIMIT + ").")
        int maxPerSecondPerChannel() default BroadcastSettings.DEFAULT_MAX_PER_SECOND;

        @AttributeDefinition(name = "Broadcasts kept", min = "1", max = "" + BroadcastSettings.MAX_RECENT_SIZE,
                description = "How many of the last broadcasts delivered here are kept for p2p:messages (1-"
                        + BroadcastSettings.MAX_RECENT_SIZE + ").")
        int recentSize() default BroadcastSettings.DEFAULT_RECENT_SIZE;
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    volatile EventAdmin eventAdmin;

    private final PeerNetwork network;
    private final Clock clock;
    private final List<BroadcastListener> listeners = new CopyOnWriteArrayList<>();
    private final ThreadPoolExecutor delivery;
    private final DropLog<Refusal> refusals;
    private final RateBudget<String> rates;
    private final SeenCache seen;
    /** Newest first. Guarded by itself. */
    private final Deque<ReceivedBroadcast> recent = new ArrayDeque<>();
    private final LongAdder originated = new LongAdder();
    private final LongAdder delivered = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder relayed = new LongAdder();
    private final LongAdder relayFailures = new LongAdder();
    private final LongAdder listenerFailures = new LongAdder();
    private final LongAdder deliveriesDropped = new LongAdder();
    private final LongAdder rejectedConfigurations = new LongAdder();
    private volatile BroadcastSettings settings;

    /** Activation; an invalid configuration is logged and counted, and the defaults apply. */
    @Activate
    public BroadcastService(Config config, @Reference PeerNetwork network) {
        this(config, network, Clock.systemUTC());
    }

    /** For tests: a clock of the test's choosing. */
    BroadcastService(Config config, PeerNetwork network, Clock clock) {
        this.network = network;
        this.clock = clock;
        this.settings = checked(config, BroadcastSettings.DEFAULTS);
        this.seen = new SeenCache(settings.seenCacheSize());
        this.refusals = new DropLog<>(Refusal.class, LOG, clock, "Refused");
        this.rates = new RateBudget<>(clock, Duration.ofSeconds(1), 10_000);
        this.delivery = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(MAX_PENDING_DELIVERIES), r -> {
                    Thread t = new Thread(r, "p2pnet-broadcast");
                    t.setDaemon(true);
                    return t;
                });
    }

    /** Applies a changed configuration at once; an invalid one is logged and counted, and the previous stays. */
    @Modified
    void modified(Config config) {
        BroadcastSettings previous = settings;
        BroadcastSettings next = checked(config, previous);
        if (next == previous) {
            return;
        }
        settings = next;
        seen.resize(next.seenCacheSize());
        synchronized (recent) {
            while (recent.size() > next.recentSize()) {
                recent.removeLast();
            }
        }
        LOG.info("Broadcast settings now: {}", next);
    }

    /** Stops the delivery thread (deliveries still waiting are dropped) and forgets the seen-cache. */
    @Deactivate
    void deactivate() {
        delivery.shutdownNow();
        try {
            if (!delivery.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("The broadcast delivery thread did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        seen.clear();
        rates.clear();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addListener(BroadcastListener listener) {
        listeners.add(listener);
    }

    void removeListener(BroadcastListener listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------ originating

    @Override
    public Sent broadcast(String title, String message) {
        BroadcastSettings s = settings;
        if (message == null) {
            throw new IllegalArgumentException("message is missing");
        }
        if (message.length() > s.maxMessageChars()) {
            throw new IllegalArgumentException("message is longer than " + s.maxMessageChars() + " characters ("
                    + message.length() + ")");
        }
        if (title != null && title.length() > 256) {
            throw new IllegalArgumentException("title is longer than 256 characters (" + title.length() + ")");
        }
        PeerId origin = network.identity().peerId();
        long now = clock.millis();
        BroadcastPacket packet = new BroadcastPacket(BroadcastIds.idOf(origin, now, title, message), title, message,
                now, origin, s.hopLimit());
        seen.markSeen(packet.id(), now, expiry(packet, now, s));
        originated.increment();
        deliver(packet, Optional.empty());
        int recipients = sendToAll(packet, null);
        LOG.debug("Originated broadcast {} to {} channels", packet.id(), recipients);
        return new Sent(packet, recipients);
    }

    // ------------------------------------------------------------------ receiving

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        try {
            receive(channel, packet);
        } catch (RuntimeException e) {
            // never into the core: the channel is not at fault for a failure of ours
            LOG.warn("Could not handle a broadcast from {}: {}", channel.peerId().shortForm(), e.toString());
        }
    }

    private void receive(PeerChannel channel, Packet packet) {
        PeerId from = channel.peerId();
        if (!(packet instanceof BroadcastPacket broadcast)) {
            refusals.drop(Refusal.MALFORMED, "a " + packet.type() + " packet from " + from.shortForm()
                    + " is not a BROADCAST record");
            return;
        }
        TrustLevel level = channel.trustLevel();
        if (level == null || !level.atLeast(TrustLevel.DEFAULT)) {
            refusals.drop(Refusal.UNTRUSTED, "broadcast " + broadcast.id() + " from " + from.shortForm()
                    + " on a channel at trust level " + level + ", below DEFAULT");
            return;
        }
        BroadcastSettings s = settings;
        long now = clock.millis();
        String id = broadcast.id().toLowerCase(java.util.Locale.ROOT);
        if (seen.contains(id, now)) {
            duplicates.increment();
            return;
        }
        // "<=": an id is forgotten seenTtl after its time at the earliest, so a copy arriving then is refused
        if (broadcast.time() <= now - s.seenTtl().toMillis()
                || broadcast.time() > now + BroadcastSettings.MAX_FUTURE.toMillis()) {
            refusals.drop(Refusal.OUT_OF_TIME_WINDOW, "broadcast " + id + " from " + from.shortForm() + " has time "
                    + Instant.ofEpochMilli(broadcast.time()) + ", outside " + s.seenTtl().toMinutes()
                    + " min back to " + BroadcastSettings.MAX_FUTURE.toMinutes() + " min ahead of "
                    + Instant.ofEpochMilli(now));
            return;
        }
        if (broadcast.message().length() > s.maxMessageChars()) {
            refusals.drop(Refusal.TOO_LARGE, "broadcast " + id + " from " + from.shortForm() + " has a message of "
                    + broadcast.message().length() + " characters, more than " + s.maxMessageChars());
            return;
        }
        if (!BroadcastIds.matches(broadcast)) {
            refusals.drop(Refusal.ID_MISMATCH, "broadcast " + id + " from " + from.shortForm()
                    + " does not carry the SHA-256 of its content as its id");
            return;
        }
        if (!rates.take(channel.channelId(), s.maxPerSecondPerChannel())) {
            refusals.drop(Refusal.RATE_LIMITED, "broadcast " + id + " from " + from.shortForm() + ": more than "
                    + s.maxPerSecondPerChannel() + " new broadcasts in a second on this channel");
            return;
        }
        if (!seen.markSeen(id, now, expiry(broadcast, now, s))) {
            duplicates.increment(); // the same broadcast came in on another channel at the same moment
            return;
        }
        deliver(broadcast, Optional.of(from));
        if (broadcast.hopLimit() > 0) {
            BroadcastPacket onward = new BroadcastPacket(broadcast.id(), broadcast.title(), broadcast.message(),
                    broadcast.time(), broadcast.origin(), broadcast.hopLimit() - 1);
            relayed.add(sendToAll(onward, channel));
        }
    }

    /**
     * Until when the id is remembered: {@code seenTtl} after the later of now and its time, so that
     * once it is forgotten, its time is out of the window and a late copy is refused.
     */
    private static long expiry(BroadcastPacket packet, long now, BroadcastSettings s) {
        return Math.max(now, packet.time()) + s.seenTtl().toMillis();
    }

    /** Sends to every open channel at DEFAULT or better except {@code source}; returns how many. */
    private int sendToAll(BroadcastPacket packet, PeerChannel source) {
        int sent = 0;
        for (PeerChannel channel : network.activeChannels()) {
            if (source != null && (channel.channelId().equals(source.channelId())
                    || channel.peerId().equals(source.peerId()))) {
                continue;
            }
            TrustLevel level = channel.trustLevel();
            if (!channel.isOpen() || level == null || !level.atLeast(TrustLevel.DEFAULT)) {
                continue;
            }
            try {
                channel.send(packet).whenComplete((ok, failure) -> {
                    if (failure != null) {
                        relayFailures.increment();
                        LOG.debug("Broadcast {} not written to {}: {}", packet.id(), channel.peerId().shortForm(),
                                failure.toString());
                    }
                });
                sent++;
            } catch (RuntimeException refused) {
                relayFailures.increment();
                LOG.debug("Broadcast {} not sent to {}: {}", packet.id(), channel.peerId().shortForm(),
                        refused.toString());
            }
        }
        return sent;
    }

    /** Keeps it for {@link #recent} and hands it to the listeners and EventAdmin on the delivery thread. */
    private void deliver(BroadcastPacket packet, Optional<PeerId> from) {
        ReceivedBroadcast received = new ReceivedBroadcast(packet, from, clock.instant());
        int keep = settings.recentSize();
        synchronized (recent) {
            recent.addFirst(received);
            while (recent.size() > keep) {
                recent.removeLast();
            }
        }
        delivered.increment();
        try {
            delivery.execute(() -> notifyListeners(received));
        } catch (RejectedExecutionException fullOrStopped) {
            deliveriesDropped.increment();
            LOG.debug("Broadcast {} not handed to listeners: {}", packet.id(),
                    delivery.isShutdown() ? "stopping" : MAX_PENDING_DELIVERIES + " deliveries waiting");
        }
    }

    private void notifyListeners(ReceivedBroadcast received) {
        for (BroadcastListener listener : listeners) {
            try {
                listener.broadcast(received);
            } catch (Exception e) {
                listenerFailures.increment();
                LOG.warn("Broadcast listener {} failed on broadcast {}: {}", listener.getClass().getName(),
                        received.packet().id(), e.toString());
            }
        }
        EventAdmin events = eventAdmin;
        if (events != null) {
            BroadcastPacket p = received.packet();
            Map<String, Object> properties = new HashMap<>();
            properties.put(PROP_ID, p.id());
            properties.put(PROP_TITLE, p.title());
            properties.put(PROP_MESSAGE, p.message());
            properties.put(PROP_TIME, p.time());
            properties.put(PROP_ORIGIN, p.origin().value());
            properties.put(PROP_FROM, received.from().map(PeerId::value).orElse(""));
            try {
                events.postEvent(new Event(BroadcastListener.TOPIC, properties));
            } catch (RuntimeException e) {
                LOG.warn("Could not post the {} event for broadcast {}: {}", BroadcastListener.TOPIC, p.id(),
                        e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ reading

    @Override
    public List<ReceivedBroadcast> recent(int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<ReceivedBroadcast> newestFirst = new ArrayList<>();
        synchronized (recent) {
            Iterator<ReceivedBroadcast> it = recent.iterator();
            while (it.hasNext() && newestFirst.size() < limit) {
                newestFirst.add(it.next());
            }
        }
        return List.copyOf(newestFirst);
    }

    @Override
    public Stats stats() {
        long refused = 0;
        for (long n : refusals.counts().values()) {
            refused += n;
        }
        return new Stats(originated.sum(), delivered.sum(), duplicates.sum(), relayed.sum(), refused);
    }

    @Override
    public String source() {
        return "broadcast";
    }

    /** Refused broadcasts by {@link Refusal} kind. */
    @Override
    public Map<String, Long> counts() {
        return InputDrops.byName(refusals.counts());
    }

    /** Refusals by kind, for tests and diagnostics. */
    long refused(Refusal kind) {
        return refusals.count(kind);
    }

    long relayFailures() {
        return relayFailures.sum();
    }

    long listenerFailures() {
        return listenerFailures.sum();
    }

    long deliveriesDropped() {
        return deliveriesDropped.sum();
    }

    long rejectedConfigurations() {
        return rejectedConfigurations.sum();
    }

    int seenSize() {
        return seen.size();
    }

    long seenEvicted() {
        return seen.evicted();
    }

    BroadcastSettings settings() {
        return settings;
    }

    ThreadPoolExecutor deliveryExecutor() {
        return delivery;
    }

    long refusalLogLines() {
        return refusals.lines();
    }

    private BroadcastSettings checked(Config config, BroadcastSettings inForce) {
        try {
            return BroadcastSettings.from(config);
        } catch (IllegalArgumentException e) {
            rejectedConfigurations.increment();
            LOG.error("Rejected the new configuration; {} stays in force. {}",
                    inForce == BroadcastSettings.DEFAULTS ? "the default one" : "the previous one", e.getMessage());
            return inForce;
        }
    }
}
