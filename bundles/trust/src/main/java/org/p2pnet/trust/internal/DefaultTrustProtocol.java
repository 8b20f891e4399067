package org.p2pnet.trust.internal;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.InputDrops;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.api.trust.TrustProtocol;
import org.p2pnet.api.trust.TrustRefusedException;
import org.p2pnet.common.DropLog;
import org.p2pnet.common.RateBudget;
import org.p2pnet.trust.internal.TrustWire.MalformedException;
import org.p2pnet.trust.internal.TrustWire.Message;
import org.p2pnet.trust.internal.TrustWire.Step;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default trust protocol (P2PNet's DefaultTrustProtocol), a signed challenge–response over
 * packets of type {@value PacketTypes#TRUST}: {@link #run} sends a random 32-byte nonce; the peer
 * signs the transcript (domain, network name, challenger id, responder id, nonce) with its node
 * key, and MACs it with the network secret when one is set. A good signature by the key the
 * peer's id derives from proves the peer holds that key — even over a plaintext channel — and a
 * good MAC proves it knows the private network's secret.
 *
 * <p>As the {@link PacketHandler} for {@code TRUST} it answers the other side's challenges (both
 * sides run the protocol at once, independently) and completes this side's pending runs. Bad
 * input never throws into the core: it is ignored, counted and logged at most once a minute per
 * kind. Limits: {@value #MAX_PENDING_PER_CHANNEL} pending runs per channel,
 * {@value #ANSWERS_PER_MINUTE} answered challenges per channel per minute. Settings come from PID
 * {@code org.p2pnet.trust} ({@code trustProtocolElevates}, {@code networkSecret}) through the
 * trust component's {@link TrustSettingsSource}, read at each run and each answer.
 */
@Component(immediate = true,
        service = {TrustProtocol.class, PacketHandler.class, InputDrops.class},
        property = {Constants.SERVICE_RANKING + ":Integer=0", PacketHandler.TYPE_PROPERTY + "=" + PacketTypes.TRUST,
            InputDrops.SOURCE_PROPERTY + "=trust"})
public final class DefaultTrustProtocol implements TrustProtocol, PacketHandler, InputDrops {
    static final int MAX_PENDING_PER_CHANNEL = 4;
    static final int ANSWERS_PER_MINUTE = 8;
    /** A run still unanswered after this long is dropped (the core times it out well before). */
    static final Duration PENDING_TTL = Duration.ofMinutes(5);
    /** Most channels whose answer windows are kept. */
    static final int MAX_TRACKED_CHANNELS = 10_000;
    static final String NO_SECRET = "the peer does not know this network's secret";
    static final String BAD_SIGNATURE = "the peer's trust response is not signed by its key";

    private static final Logger LOG = LoggerFactory.getLogger(DefaultTrustProtocol.class);

    /** Why input was ignored. */
    enum Drop {
        /** Metadata that is not a valid TRUST message, or a packet that is not a RawPacket. */
        MALFORMED,
        /** Challenges beyond {@value #ANSWERS_PER_MINUTE} a minute on one channel. */
        CHALLENGE_FLOOD,
        /** A response that matches no pending run (unknown, late or repeated). */
        UNKNOWN_RESPONSE
    }

    /** This side's run on a channel, waiting for the response. */
    private record Pending(PeerChannel channel, byte[] nonce, TrustSettings settings, CompletableFuture<TrustLevel> result,
                           ScheduledFuture<?> expiry) {
    }

    private final NodeSigner signer;
    private final Supplier<String> networkName;
    private final ScheduledExecutorService timer;
    private final boolean ownTimer;
    private final Duration pendingTtl;
    private final Random random;
    private final RateBudget<String> answers;
    private final DropLog<Drop> drops;
    private final LongAdder answered = new LongAdder();
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder refused = new LongAdder();
    /** Channel id → nonce (base64) → run. Guarded by itself. */
    private final Map<String, Map<String, Pending>> pending = new HashMap<>();
    private final Supplier<TrustSettings> settings;
    private volatile boolean active = true;

    @Activate
    public DefaultTrustProtocol(@Reference TrustSettingsSource settings, @Reference NodeSigner signer,
            @Reference PeerNetwork network) {
        this(signer, () -> network.identity().networkName(), settings::trustSettings, Clock.systemUTC(), null,
                PENDING_TTL, new SecureRandom());
    }

    /**
     * For tests.
     *
     * @param timer expires pending runs; null for an own daemon thread, shut down on {@link #deactivate}
     */
    DefaultTrustProtocol(NodeSigner signer, Supplier<String> networkName, Supplier<TrustSettings> settings, Clock clock,
            ScheduledExecutorService timer, Duration pendingTtl, Random random) {
        this.signer = Objects.requireNonNull(signer, "signer");
        this.networkName = networkName;
        this.settings = settings;
        this.ownTimer = timer == null;
        this.timer = timer != null ? timer : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "p2pnet-trust-protocol-timer");
            t.setDaemon(true);
            return t;
        });
        this.pendingTtl = pendingTtl;
        this.random = random;
        this.answers = new RateBudget<>(clock, Duration.ofMinutes(1), MAX_TRACKED_CHANNELS);
        this.drops = new DropLog<>(Drop.class, LOG, clock);
    }

    /**
     * Stops: every pending run completes with {@link IllegalStateException} (not a refusal, so the
     * core keeps the channel's level), later packets are ignored, the timer thread ends.
     */
    @Deactivate
    void deactivate() {
        active = false;
        List<Pending> all = new ArrayList<>();
        synchronized (pending) {
            pending.values().forEach(m -> all.addAll(m.values()));
            pending.clear();
        }
        for (Pending p : all) {
            p.expiry().cancel(false);
            p.result().completeExceptionally(new IllegalStateException("the default trust protocol stopped"));
        }
        answers.clear();
        if (ownTimer) {
            timer.shutdownNow();
        }
        LOG.info("Default trust protocol stopped: {} runs succeeded, {} refused, {} challenges answered, ignored {}",
                succeeded.sum(), refused.sum(), answered.sum(), drops.counts());
    }

    // ---------------------------------------------------------------- TrustProtocol

    @Override
    public CompletionStage<TrustLevel> run(PeerChannel channel) {
        if (!active) {
            return CompletableFuture.failedFuture(new IllegalStateException("the default trust protocol stopped"));
        }
        byte[] key = channel.peerPublicKey();
        if (key == null || key.length == 0 || !PeerId.fromEncodedKey(key).equals(channel.peerId())) {
            refused.increment();
            return CompletableFuture.failedFuture(new TrustRefusedException("the peer's key does not match its id"));
        }
        byte[] nonce = new byte[TrustWire.NONCE_BYTES];
        random.nextBytes(nonce);
        String nonceText = Base64.getEncoder().encodeToString(nonce);
        CompletableFuture<TrustLevel> result = new CompletableFuture<>();
        synchronized (pending) {
            Map<String, Pending> runs = pending.computeIfAbsent(channel.channelId(), id -> new LinkedHashMap<>());
            if (runs.size() >= MAX_PENDING_PER_CHANNEL) {
                return CompletableFuture.failedFuture(new IllegalStateException("channel " + channel.channelId()
                        + " has " + MAX_PENDING_PER_CHANNEL + " trust protocol runs pending already"));
            }
            ScheduledFuture<?> expiry = timer.schedule(() -> expire(channel.channelId(), nonceText),
                    pendingTtl.toMillis(), TimeUnit.MILLISECONDS);
            runs.put(nonceText, new Pending(channel, nonce, settings.get(), result, expiry));
        }
        LOG.debug("Trust protocol: challenging {} on {}", channel.peerId().shortForm(), channel.channelId());
        try {
            channel.send(TrustWire.challenge(nonce)).whenComplete((ok, failure) -> {
                if (failure != null) {
                    fail(channel.channelId(), nonceText, failure);
                }
            });
        } catch (RuntimeException e) {
            fail(channel.channelId(), nonceText, e);
        }
        return result;
    }

    private void expire(String channelId, String nonce) {
        Pending p = take(channelId, nonce);
        if (p != null) {
            p.result().completeExceptionally(new TimeoutException("no trust response within " + pendingTtl));
        }
    }

    private void fail(String channelId, String nonce, Throwable failure) {
        Pending p = take(channelId, nonce);
        if (p != null) {
            p.expiry().cancel(false);
            p.result().completeExceptionally(failure);
        }
    }

    private Pending take(String channelId, String nonce) {
        synchronized (pending) {
            Map<String, Pending> runs = pending.get(channelId);
            if (runs == null) {
                return null;
            }
            Pending p = runs.remove(nonce);
            if (runs.isEmpty()) {
                pending.remove(channelId);
            }
            return p;
        }
    }

    // ---------------------------------------------------------------- PacketHandler

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        if (!active) {
            return;
        }
        try {
            if (!(packet instanceof RawPacket raw)) {
                drops.drop(Drop.MALFORMED, "a " + packet.type() + " packet that is not a raw TRUST packet from "
                        + channel.peerId().shortForm());
                return;
            }
            Message m;
            try {
                m = TrustWire.parse(raw);
            } catch (MalformedException e) {
                drops.drop(Drop.MALFORMED, "malformed TRUST packet from " + channel.peerId().shortForm() + ": "
                        + e.getMessage());
                return;
            }
            if (m.step() == Step.CHALLENGE) {
                answer(channel, m);
            } else {
                complete(channel, m);
            }
        } catch (RuntimeException e) {
            LOG.warn("Trust protocol: cannot handle a packet from {}: {}", channel.peerId().shortForm(), e.toString());
        }
    }

    /** Signs (and MACs) the other side's challenge, whatever this side's own run is doing. */
    private void answer(PeerChannel channel, Message challenge) {
        if (answers.take(channel.channelId(), 1, ANSWERS_PER_MINUTE) == 0) {
            drops.drop(Drop.CHALLENGE_FLOOD, "more than " + ANSWERS_PER_MINUTE + " trust challenges a minute from "
                    + channel.peerId().shortForm() + " on " + channel.channelId());
            return;
        }
        String secret = settings.get().networkSecret();
        byte[] transcript = TrustWire.transcript(networkName.get(), channel.peerId(), signer.peerId(), challenge.nonce());
        byte[] sig = signer.sign(transcript);
        byte[] mac = secret.isEmpty() ? null : TrustWire.mac(secret, transcript);
        answered.increment();
        channel.send(TrustWire.response(challenge.nonce(), sig, mac)).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.debug("Trust response to {} not sent: {}", channel.peerId().shortForm(), failure.toString());
            }
        });
    }

    /** Checks a response against this side's pending run on that channel with that nonce. */
    private void complete(PeerChannel channel, Message response) {
        Pending p = take(channel.channelId(), response.nonceText());
        if (p == null) {
            drops.drop(Drop.UNKNOWN_RESPONSE, "a trust response from " + channel.peerId().shortForm()
                    + " that matches no pending challenge on " + channel.channelId());
            return;
        }
        p.expiry().cancel(false);
        PeerChannel run = p.channel();
        byte[] transcript = TrustWire.transcript(networkName.get(), signer.peerId(), run.peerId(), p.nonce());
        String secret = p.settings().networkSecret();
        if (!secret.isEmpty() && (response.mac() == null
                || !MessageDigest.isEqual(TrustWire.mac(secret, transcript), response.mac()))) {
            refuse(p, NO_SECRET);
            return;
        }
        byte[] key = run.peerPublicKey();
        if (!run.peerId().matchesKey(key) || !NodeSigner.verify(key, transcript, response.sig())) {
            refuse(p, BAD_SIGNATURE);
            return;
        }
        TrustLevel level = p.settings().trustProtocolElevates() ? TrustLevel.ENHANCED : run.trustLevel();
        succeeded.increment();
        LOG.debug("Trust protocol: {} proved its key{}; level {}", run.peerId().shortForm(),
                secret.isEmpty() ? "" : " and the network secret", level);
        p.result().complete(level);
    }

    private void refuse(Pending p, String why) {
        refused.increment();
        LOG.info("Trust protocol refused {} on {}: {}", p.channel().peerId().shortForm(), p.channel().channelId(), why);
        p.result().completeExceptionally(new TrustRefusedException(why));
    }

    @Override
    public String source() {
        return "trust";
    }

    /** Ignored TRUST packets by {@link Drop} kind. */
    @Override
    public java.util.Map<String, Long> counts() {
        return InputDrops.byName(drops.counts());
    }

    // ---------------------------------------------------------------- for tests and status

    long dropped(Drop kind) {
        return drops.count(kind);
    }

    long answered() {
        return answered.sum();
    }

    int pendingRuns() {
        synchronized (pending) {
            return pending.values().stream().mapToInt(Map::size).sum();
        }
    }
}
