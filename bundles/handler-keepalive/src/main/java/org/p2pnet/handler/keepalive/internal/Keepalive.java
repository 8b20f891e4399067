package org.p2pnet.handler.keepalive.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.common.DropLog;
import org.p2pnet.common.RateBudget;
import org.p2pnet.handler.keepalive.internal.ChannelState.Outstanding;
import org.p2pnet.handler.keepalive.internal.ChannelState.Phase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keepalive logic, free of OSGi: the PING and PONG handlers and the Keepalive routine's run.
 *
 * <p><b>What counts as "received".</b> {@link PeerChannel#lastActivity()} also moves when this node
 * sends, so our own PINGs would keep a dead channel looking active. The routine therefore watches
 * {@link org.p2pnet.api.ChannelStats#packetsIn()} instead: when it grew since the last run, the peer
 * sent something (of any type, to any handler) and its received time becomes the time of this run.
 * PING and PONG handlers record the exact time of their packets. Only on first sight of a channel is
 * {@code lastActivity()} taken as the received time, once.
 *
 * <p><b>State machine</b> per channel id (see {@link Phase}): HEALTHY &rarr; (silent for
 * {@code idle}) PINGED &rarr; (no answer within {@code timeout}) SUSPECT, second PING &rarr; (no answer
 * within {@code timeout}) CLOSING: {@code disconnect(IDLE_TIMEOUT, …)}. Anything received in PINGED or
 * SUSPECT goes back to HEALTHY. State is dropped when the core no longer lists the channel.
 *
 * <p>Nothing here blocks or owns a thread: sends and disconnects complete later on network threads.
 */
final class Keepalive {
    /** Most first PINGs one run starts; the other idle channels are pinged by the next runs. */
    static final int MAX_FIRST_PINGS_PER_RUN = 512;
    /** Most channels with a PING rate window. */
    static final int MAX_TRACKED_CHANNELS = 10_000;
    /** How often, at most, the routine logs a summary of its counters (only when they changed). */
    static final Duration SUMMARY_EVERY = Duration.ofMinutes(15);

    private static final Logger LOG = LoggerFactory.getLogger(Keepalive.class);
    private static final HexFormat HEX = HexFormat.of();

    private final PeerNetwork network;
    private final Clock clock;
    private final RandomGenerator random;
    private final Map<String, ChannelState> states = new ConcurrentHashMap<>();
    private final RateBudget<String> answerBudget;
    private final DropLog<Ignored> ignored;

    private final LongAdder pingsSent = new LongAdder();
    private final LongAdder pingsAnswered = new LongAdder();
    private final LongAdder pongsMatched = new LongAdder();
    private final LongAdder rttMillisTotal = new LongAdder();
    private final LongAdder suspected = new LongAdder();
    private final LongAdder cleared = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder runs = new LongAdder();

    private volatile KeepaliveSettings settings;
    private volatile boolean active = true;
    /** Guarded by {@link #run}'s lock. */
    private Instant lastSummary;
    private KeepaliveStats lastSummarized;

    Keepalive(KeepaliveSettings settings, PeerNetwork network, Clock clock, RandomGenerator random) {
        this.settings = settings;
        this.network = network;
        this.clock = clock;
        this.random = random;
        this.answerBudget = new RateBudget<>(clock, Duration.ofSeconds(1), MAX_TRACKED_CHANNELS);
        this.ignored = new DropLog<>(Ignored.class, LOG, clock);
        this.lastSummary = clock.instant();
    }

    KeepaliveSettings settings() {
        return settings;
    }

    /** Applies checked settings at once: the next run and the next PING use them. */
    void settings(KeepaliveSettings next) {
        settings = next;
    }

    // ---------------------------------------------------------------- handlers

    /** The PING handler: answers a PONG with the same nonce on the same channel, rate-limited. Never throws. */
    void handlePing(PeerChannel channel, Packet packet) {
        if (!active) {
            return;
        }
        try {
            heardFrom(channel);
            RawPacket raw = raw(packet, PacketTypes.PING, Ignored.MALFORMED_PING, channel);
            if (raw == null) {
                return;
            }
            KeepaliveWire.Message ping;
            try {
                ping = KeepaliveWire.parse(raw);
            } catch (KeepaliveWire.MalformedException e) {
                ignored.drop(Ignored.MALFORMED_PING, "a PING from " + channel.peerId().shortForm() + ": "
                        + e.getMessage());
                return;
            }
            KeepaliveSettings s = settings;
            if (!answerBudget.take(channel.channelId(), s.answersPerSecond())) {
                ignored.drop(Ignored.PING_FLOOD, "PINGs from " + channel.peerId().shortForm() + " beyond "
                        + s.answersPerSecond() + " a second (answersPerSecondPerChannel), not answered");
                return;
            }
            send(channel, KeepaliveWire.packet(PacketTypes.PONG, ping.nonce(), clock.millis()), "PONG");
            pingsAnswered.increment();
        } catch (RuntimeException e) {
            ignored.drop(Ignored.HANDLER_FAILURE, "the PING handler failed: " + e);
        }
    }

    /** The PONG handler: matches the nonce to an outstanding PING of the channel, records the round trip. Never throws. */
    void handlePong(PeerChannel channel, Packet packet) {
        if (!active) {
            return;
        }
        try {
            heardFrom(channel);
            RawPacket raw = raw(packet, PacketTypes.PONG, Ignored.MALFORMED_PONG, channel);
            if (raw == null) {
                return;
            }
            KeepaliveWire.Message pong;
            try {
                pong = KeepaliveWire.parse(raw);
            } catch (KeepaliveWire.MalformedException e) {
                ignored.drop(Ignored.MALFORMED_PONG, "a PONG from " + channel.peerId().shortForm() + ": "
                        + e.getMessage());
                return;
            }
            ChannelState st = states.get(channel.channelId());
            Duration rtt = null;
            if (st != null) {
                Instant now = clock.instant();
                synchronized (st) {
                    Outstanding ping = st.answered(pong.nonce());
                    if (ping != null) {
                        rtt = nonNegative(Duration.between(ping.sentAt(), now));
                        st.lastRtt = rtt;
                    }
                }
            }
            if (rtt == null) {
                ignored.drop(Ignored.UNMATCHED_PONG, "a PONG from " + channel.peerId().shortForm()
                        + " whose nonce matches no outstanding PING of its channel (unknown or late)");
                return;
            }
            pongsMatched.increment();
            rttMillisTotal.add(rtt.toMillis());
            LOG.debug("PONG from {}: round trip {} ms", channel.peerId().shortForm(), rtt.toMillis());
        } catch (RuntimeException e) {
            ignored.drop(Ignored.HANDLER_FAILURE, "the PONG handler failed: " + e);
        }
    }

    private RawPacket raw(Packet packet, String type, Ignored kind, PeerChannel channel) {
        if (packet instanceof RawPacket raw && type.equals(raw.type())) {
            return raw;
        }
        ignored.drop(kind, "a " + packet.type() + " packet from " + channel.peerId().shortForm()
                + " handed to the " + type + " handler");
        return null;
    }

    /** The peer sent something: any packet clears the suspicion. */
    private void heardFrom(PeerChannel channel) {
        ChannelState st = states.get(channel.channelId());
        if (st == null) {
            return;
        }
        Instant now = clock.instant();
        synchronized (st) {
            if (st.receivedAt.isBefore(now)) {
                st.receivedAt = now;
            }
            clearSuspicion(st);
        }
    }

    /** Back to HEALTHY from PINGED or SUSPECT. Caller holds the state's lock. */
    private void clearSuspicion(ChannelState st) {
        if (st.phase == Phase.PINGED || st.phase == Phase.SUSPECT) {
            if (st.phase == Phase.SUSPECT) {
                LOG.debug("{} answered while suspect: healthy again", st.peer.shortForm());
            }
            st.phase = Phase.HEALTHY;
            st.pingAt = null;
            cleared.increment();
        }
    }

    // ---------------------------------------------------------------- the routine

    private enum Action { NONE, PING, SECOND_PING, CLOSE }

    /**
     * One run of the Keepalive routine over every open channel: pings the silent ones, suspects the
     * ones that did not answer, closes the ones that did not answer twice. Forgets closed channels.
     */
    synchronized void run() {
        if (!active) {
            return;
        }
        runs.increment();
        KeepaliveSettings s = settings;
        Instant now = clock.instant();
        Collection<PeerChannel> open = network.activeChannels();
        Set<String> openIds = new HashSet<>(open.size() * 2);
        int firstPings = 0;
        for (PeerChannel channel : open) {
            String id = channel.channelId();
            openIds.add(id);
            if (!channel.isOpen()) {
                continue;
            }
            long in = channel.stats().packetsIn();
            ChannelState st = states.computeIfAbsent(id,
                    k -> new ChannelState(channel.peerId(), in, earlier(channel.lastActivity(), now)));
            Action action;
            String nonce = null;
            synchronized (st) {
                st.expire(now.minus(s.timeout().multipliedBy(2)));
                if (in != st.packetsIn) {
                    st.packetsIn = in;
                    if (st.receivedAt.isBefore(now)) {
                        st.receivedAt = now;
                    }
                    clearSuspicion(st);
                }
                action = next(st, now, s, firstPings < MAX_FIRST_PINGS_PER_RUN);
                if (action == Action.PING || action == Action.SECOND_PING) {
                    nonce = nonce();
                    st.sent(nonce, now);
                    st.pingAt = now;
                    st.phase = action == Action.PING ? Phase.PINGED : Phase.SUSPECT;
                } else if (action == Action.CLOSE) {
                    st.phase = Phase.CLOSING;
                }
            }
            switch (action) {
                case PING -> {
                    firstPings++;
                    ping(channel, nonce);
                }
                case SECOND_PING -> {
                    suspected.increment();
                    LOG.debug("{} did not answer a PING within {} s: suspect, second PING", channel.peerId().shortForm(),
                            s.timeout().toSeconds());
                    ping(channel, nonce);
                }
                case CLOSE -> close(channel, s);
                default -> {
                }
            }
        }
        states.keySet().retainAll(openIds);
        answerBudget.retain(openIds);
        summarize(now);
    }

    /** The transition due now. Caller holds the state's lock. */
    private static Action next(ChannelState st, Instant now, KeepaliveSettings s, boolean mayPing) {
        return switch (st.phase) {
            case HEALTHY -> mayPing && !now.isBefore(st.receivedAt.plus(s.idle())) ? Action.PING : Action.NONE;
            case PINGED -> !now.isBefore(st.pingAt.plus(s.timeout())) ? Action.SECOND_PING : Action.NONE;
            case SUSPECT -> !now.isBefore(st.pingAt.plus(s.timeout())) ? Action.CLOSE : Action.NONE;
            case CLOSING -> Action.NONE;
        };
    }

    private void ping(PeerChannel channel, String nonce) {
        pingsSent.increment();
        send(channel, KeepaliveWire.packet(PacketTypes.PING, nonce, clock.millis()), "PING");
    }

    private void close(PeerChannel channel, KeepaliveSettings s) {
        closed.increment();
        String message = "no answer to 2 keepalive pings within " + s.timeout().toSeconds() + " s";
        LOG.info("Closing the channel with {} ({}): {} (closed by keepalive so far: {})",
                channel.peerId().shortForm(), DisconnectReason.IDLE_TIMEOUT, message, closed.sum());
        try {
            channel.disconnect(DisconnectReason.IDLE_TIMEOUT, message).whenComplete((ok, failure) -> {
                if (failure != null) {
                    LOG.debug("Disconnecting {} ended with {}", channel.peerId().shortForm(), failure.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("Disconnecting {} failed: {}", channel.peerId().shortForm(), e.toString());
        }
    }

    private void send(PeerChannel channel, RawPacket packet, String what) {
        CompletionStage<Void> sent;
        try {
            sent = channel.send(packet);
        } catch (RuntimeException e) {
            LOG.debug("Could not send a {} to {}: {}", what, channel.peerId().shortForm(), e.toString());
            return;
        }
        sent.whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.debug("Could not send a {} to {}: {}", what, channel.peerId().shortForm(), failure.toString());
            }
        });
    }

    /** 16 random bytes as 32 lowercase hex digits. */
    private String nonce() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HEX.formatHex(bytes);
    }

    private void summarize(Instant now) {
        if (Duration.between(lastSummary, now).compareTo(SUMMARY_EVERY) < 0) {
            return;
        }
        lastSummary = now;
        KeepaliveStats s = stats();
        if (lastSummarized == null || !s.sameCounters(lastSummarized)) {
            lastSummarized = s;
            LOG.info("Keepalive: {}", s);
        }
    }

    private static Instant earlier(Instant a, Instant b) {
        return a == null || a.isAfter(b) ? b : a;
    }

    private static Duration nonNegative(Duration d) {
        return d.isNegative() ? Duration.ZERO : d;
    }

    // ---------------------------------------------------------------- lifecycle and status

    /** Stops answering and running, forgets every channel, and logs the counters. */
    void close() {
        active = false;
        KeepaliveStats s = stats();
        states.clear();
        answerBudget.clear();
        LOG.info("Keepalive stopped: {}", s);
    }

    /** The counters since activation. */
    KeepaliveStats stats() {
        long matched = pongsMatched.sum();
        return new KeepaliveStats(runs.sum(), pingsSent.sum(), pingsAnswered.sum(), matched,
                matched == 0 ? 0 : rttMillisTotal.sum() / matched, suspected.sum(), cleared.sum(), closed.sum(),
                ignored.counts(), states.size());
    }

    /** The phase of a channel's state, if the routine tracks it. */
    Optional<Phase> phase(String channelId) {
        ChannelState st = states.get(channelId);
        if (st == null) {
            return Optional.empty();
        }
        synchronized (st) {
            return Optional.of(st.phase);
        }
    }

    /** The round trip of the channel's last matched PONG. */
    Optional<Duration> lastRtt(String channelId) {
        ChannelState st = states.get(channelId);
        if (st == null) {
            return Optional.empty();
        }
        synchronized (st) {
            return Optional.ofNullable(st.lastRtt);
        }
    }

    int answerWindows() {
        return answerBudget.size();
    }

    long ignored(Ignored kind) {
        return ignored.count(kind);
    }

    long ignoredLogLines() {
        return ignored.lines();
    }
}
