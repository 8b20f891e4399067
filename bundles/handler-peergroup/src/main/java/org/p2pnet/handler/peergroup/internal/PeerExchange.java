package org.p2pnet.handler.peergroup.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.InputDrops;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.common.RateBudget;
import org.p2pnet.handler.peergroup.internal.CandidateBook.Candidate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Peer exchange (docs/GENESIS.md, "Join protocol", step 3): the PEER_GROUP handler and a peer
 * listener in one component.
 *
 * <ul>
 * <li>A request ({@code want > 0}) is answered on the requester's channel with a uniform random
 * sample of the peers this node knows that are connected or were seen recently and can be dialled,
 * at most {@code min(want, answerMax)}, rate-limited per channel.</li>
 * <li>Entries of any PEER_GROUP are candidates only: capped per packet and per channel per
 * minute, checked (a peer id, not this node, not connected), kept in a bounded
 * {@link CandidateBook}, and offered to the core while the node holds fewer than
 * {@link PeerNetwork#minPeers()} channels. The core dials; the handshake shows who answers.</li>
 * <li>On CONNECTED below {@code minPeers}, the new peer is asked for its peers; on DISCONNECTED
 * below {@code minPeers}, candidates are offered and a connected peer is asked.</li>
 * </ul>
 *
 * <p>Everything runs on the calling network thread and never waits: sends complete later (a failure
 * is logged at debug) and the core's {@code offer} only starts a dial. The component has no thread
 * of its own.
 */
@Component(service = {PacketHandler.class, PeerListener.class, InputDrops.class}, immediate = true,
        property = {PacketHandler.TYPE_PROPERTY + "=" + PacketTypes.PEER_GROUP, InputDrops.SOURCE_PROPERTY + "=peer-group"},
        configurationPid = PeerExchange.PID)
@Designate(ocd = PeerExchange.Config.class)
public class PeerExchange implements PacketHandler, PeerListener, InputDrops {
    public static final String PID = "org.p2pnet.handler.peergroup";
    /** {@link DiscoveredPeer#source()} of the offers this component makes. */
    public static final String SOURCE = "peer-exchange";
    /** Requests this node sends one peer per minute at most, whatever triggers them. */
    static final int OWN_REQUESTS_PER_MINUTE_PER_PEER = 2;
    /** Most candidates offered to the core in one round, whatever the core answers. */
    static final int MAX_OFFERS_PER_ROUND = 64;
    /** Most peers remembered as having no listen port, and most per-peer rate windows kept. */
    static final int MAX_TRACKED_PEERS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(PeerExchange.class);

    @ObjectClassDefinition(name = "p2pnet PEER_GROUP handler (peer exchange)",
            description = "Answers PEER_GROUP requests with a random sample of recently seen peers, keeps the"
                    + " peers others offer as candidates, and offers them to the core while the node holds fewer"
                    + " than minPeers (org.p2pnet.core) channels.")
    public @interface Config {
        @AttributeDefinition(name = "Most peers per answer", min = "1", max = "64",
                description = "An answer holds at most this many peers, however many the request wants (1-64).")
        int answerMax() default 32;

        @AttributeDefinition(name = "Entries taken per packet", min = "0", max = "1000",
                description = "At most this many entries of one PEER_GROUP are considered; the rest are dropped"
                        + " and counted (0-1000; 0 ignores offered peers).")
        int acceptPerPacket() default 32;

        @AttributeDefinition(name = "Entries taken per channel per minute", min = "0", max = "100000",
                description = "At most this many entries from one channel per minute; the rest are dropped and"
                        + " counted (0-100000).")
        int acceptPerMinutePerChannel() default 128;

        @AttributeDefinition(name = "Answers per channel per minute", min = "0", max = "600",
                description = "At most this many requests from one channel are answered per minute; the rest are"
                        + " ignored and counted (0-600; 0 never answers).")
        int answersPerMinutePerChannel() default 6;

        @AttributeDefinition(name = "Recently seen (min)", min = "1", max = "43200",
                description = "A peer that is not connected is shared only if this node exchanged a packet with"
                        + " it within this many minutes (1-43200).")
        int recentMinutes() default 30;

        @AttributeDefinition(name = "Candidate book size", min = "1", max = "100000",
                description = "Most candidate peers remembered; when full, the one learned longest ago goes"
                        + " (1-100000).")
        int candidateBookSize() default 1000;

        @AttributeDefinition(name = "Peers asked for", min = "0", max = "64",
                description = "The want of the requests this node sends while below minPeers (0-64; 0 never"
                        + " asks).")
        int requestWant() default 16;
    }

    private final PeerNetwork network;
    private final Clock clock;
    private final RandomGenerator random;
    private final PeerId self;
    private final CandidateBook book;
    private final RateBudget<PeerId> answerBudget;
    private final RateBudget<PeerId> entryBudget;
    private final RateBudget<PeerId> ownRequestBudget;
    /**
     * Peers whose latest channel was inbound without an advertised listen port: their known address
     * is the port they dialled from, which nobody can dial. Bounded, oldest out; guarded by itself.
     */
    private final Set<PeerId> unlistening = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<PeerId, Boolean> eldest) {
                    return size() > MAX_TRACKED_PEERS;
                }
            }));

    private final LongAdder answered = new LongAdder();
    private final LongAdder requestsSent = new LongAdder();
    private final LongAdder entriesAccepted = new LongAdder();
    private final Map<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final Map<OfferOutcome, LongAdder> offers = new EnumMap<>(OfferOutcome.class);
    /** Drop reasons logged since activation: each once, then only counted. */
    private final Set<Drop> loggedDrops = ConcurrentHashMap.newKeySet();
    private final LongAdder rejectedConfigurations = new LongAdder();

    private volatile PeerExchangeSettings settings;
    private volatile boolean active = true;

    /**
     * Activation.
     *
     * @throws IllegalArgumentException naming the key and the value of an invalid configuration value
     */
    @Activate
    public PeerExchange(Config config, @Reference PeerNetwork network) {
        this(PeerExchangeSettings.from(config), network, Clock.systemUTC(), new SecureRandom());
        LOG.info("Peer exchange is up: answers at most {} peers, {} times a minute per channel; asks for {} while"
                        + " below {} channels", settings.answerMax(), settings.answersPerMinutePerChannel(),
                settings.requestWant(), network.minPeers());
    }

    /** For tests: no framework needed. */
    PeerExchange(PeerExchangeSettings settings, PeerNetwork network, Clock clock, RandomGenerator random) {
        this.settings = settings;
        this.network = network;
        this.clock = clock;
        this.random = random;
        this.self = network.identity().peerId();
        this.book = new CandidateBook(settings.candidateBookSize());
        this.answerBudget = new RateBudget<>(clock, Duration.ofMinutes(1), MAX_TRACKED_PEERS);
        this.entryBudget = new RateBudget<>(clock, Duration.ofMinutes(1), MAX_TRACKED_PEERS);
        this.ownRequestBudget = new RateBudget<>(clock, Duration.ofMinutes(1), MAX_TRACKED_PEERS);
        for (Drop d : Drop.values()) {
            drops.put(d, new LongAdder());
        }
        for (OfferOutcome o : OfferOutcome.values()) {
            offers.put(o, new LongAdder());
        }
        // channels opened before this component: their CONNECTED event is gone
        network.activeChannels().forEach(this::noteListenPort);
    }

    /** Applies a changed configuration at once; an invalid one is logged and counted, and the previous stays. */
    @Modified
    void modified(Config config) {
        PeerExchangeSettings next;
        try {
            next = PeerExchangeSettings.from(config);
        } catch (IllegalArgumentException e) {
            rejectedConfigurations.increment();
            LOG.error("Rejected the new configuration; the previous one stays in force. {}", e.getMessage());
            return;
        }
        settings = next;
        book.resize(next.candidateBookSize());
    }

    /** Releases everything: later packets and events are ignored. */
    @Deactivate
    void deactivate() {
        active = false;
        ExchangeStats s = stats();
        book.clear();
        answerBudget.clear();
        entryBudget.clear();
        ownRequestBudget.clear();
        unlistening.clear();
        LOG.info("Peer exchange stopped: answered {} requests (ignored {}), sent {}, accepted {} entries, dropped {},"
                        + " offered {} to the core {}", s.answered(), s.requestsIgnored(), s.requestsSent(),
                s.entriesAccepted(), s.entriesDropped(), s.offered(), s.offers());
    }

    // ---------------------------------------------------------------- PEER_GROUP

    @Override
    public void handle(PeerChannel channel, Packet packet) {
        if (!(packet instanceof PeerGroupPacket group)) {
            LOG.debug("Ignoring a {} packet from {}: this handler takes PEER_GROUP only", packet.type(),
                    channel.peerId().shortForm());
            return;
        }
        if (!active) {
            return;
        }
        if (group.isRequest()) {
            answer(channel, group.want());
        }
        if (!group.peers().isEmpty()) {
            accept(channel.peerId(), group.peers());
        }
    }

    private void answer(PeerChannel channel, int want) {
        PeerExchangeSettings s = settings;
        PeerId requester = channel.peerId();
        if (answerBudget.take(requester, 1, s.answersPerMinutePerChannel()) == 0) {
            drop(Drop.REQUEST_RATE, requester, 1, "more than " + s.answersPerMinutePerChannel() + " a minute");
            return;
        }
        List<PeerGroupPacket.Entry> sample = sample(network.knownPeers(),
                shareable(requester, isLoopback(channel.remoteAddress().host()), clock.instant().minus(s.recent())),
                Math.min(want, s.answerMax()), random);
        answered.increment();
        LOG.debug("Answering {} (wants {}) with {} peers", requester.shortForm(), want, sample.size());
        send(requester, new PeerGroupPacket(sample), "answer");
    }

    /**
     * Which known peers may go to {@code requester}: not the requester, not this node; connected or
     * seen since {@code seenSince}; dialable (not known only by the port it dialled from); and on
     * loopback only when the requester is on loopback too, since elsewhere that address means the
     * requester's own host.
     */
    private Predicate<PeerInfo> shareable(PeerId requester, boolean requesterOnLoopback, Instant seenSince) {
        return p -> !p.id().equals(requester)
                && !p.id().equals(self)
                && (p.connected() || !p.lastSeen().isBefore(seenSince))
                && !unlistening.contains(p.id())
                && (requesterOnLoopback || !isLoopback(p.address().host()));
    }

    /** A uniform random sample of at most {@code max} of the peers that pass {@code eligible}. */
    static List<PeerGroupPacket.Entry> sample(Collection<PeerInfo> known, Predicate<PeerInfo> eligible, int max,
                                              RandomGenerator random) {
        List<PeerInfo> pool = new ArrayList<>();
        for (PeerInfo p : known) {
            if (eligible.test(p)) {
                pool.add(p);
            }
        }
        int n = Math.min(max, pool.size());
        List<PeerGroupPacket.Entry> chosen = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            // partial Fisher-Yates: position i gets a uniform pick among those not chosen yet
            Collections.swap(pool, i, i + random.nextInt(pool.size() - i));
            PeerInfo p = pool.get(i);
            chosen.add(new PeerGroupPacket.Entry(p.id().value(), p.address().host(), p.address().port()));
        }
        return chosen;
    }

    private void accept(PeerId from, List<PeerGroupPacket.Entry> entries) {
        PeerExchangeSettings s = settings;
        int considered = Math.min(entries.size(), s.acceptPerPacket());
        drop(Drop.PACKET_CAP, from, entries.size() - considered,
                entries.size() + " entries, at most " + s.acceptPerPacket() + " are taken");
        int granted = entryBudget.take(from, considered, s.acceptPerMinutePerChannel());
        drop(Drop.ENTRY_RATE, from, considered - granted, "more than " + s.acceptPerMinutePerChannel() + " a minute");
        if (granted > 0) {
            Set<PeerId> connected = ids(network.activeChannels());
            Instant now = clock.instant();
            int taken = 0;
            for (PeerGroupPacket.Entry e : entries.subList(0, granted)) {
                PeerId id;
                try {
                    id = PeerId.parse(e.peerId());
                } catch (IllegalArgumentException notAnId) {
                    drop(Drop.INVALID_ID, from, 1, notAnId.getMessage());
                    continue;
                }
                if (id.equals(self)) {
                    drop(Drop.SELF, from, 1, "");
                } else if (connected.contains(id)) {
                    drop(Drop.CONNECTED, from, 1, "");
                } else {
                    book.put(new Candidate(id, new PeerAddress(e.host(), e.port()), from, now));
                    taken++;
                }
            }
            entriesAccepted.add(taken);
            LOG.debug("{} offered {} peers: {} taken as candidates", from.shortForm(), entries.size(), taken);
            if (taken > 0) {
                offerCandidates(network.activeChannels(), null);
            }
        }
    }

    // ---------------------------------------------------------------- peer events

    @Override
    public void peerEvent(PeerEvent event) {
        if (!active) {
            return;
        }
        try {
            if (event.kind() == PeerEvent.Kind.CONNECTED) {
                connected(event.peerId());
            } else if (event.kind() == PeerEvent.Kind.DISCONNECTED) {
                disconnected(event.peerId());
            }
        } catch (RuntimeException e) {
            // never the core's problem: the channel stays as it is
            LOG.warn("Peer exchange failed on {} of {}: {}", event.kind(), event.peerId().shortForm(), e.toString());
        }
    }

    private void connected(PeerId peer) {
        network.channel(peer).ifPresent(this::noteListenPort);
        if (network.activeChannels().size() < network.minPeers()) {
            request(peer);
        }
    }

    private void disconnected(PeerId gone) {
        Collection<PeerChannel> open = network.activeChannels();
        if (open.size() >= network.minPeers()) {
            return;
        }
        offerCandidates(open, gone);
        List<PeerChannel> askable = new ArrayList<>(open);
        // a random connected peer, not always the same one; one that was asked twice this minute is skipped
        while (!askable.isEmpty()) {
            PeerChannel c = askable.remove(random.nextInt(askable.size()));
            if (request(c.peerId())) {
                return;
            }
        }
    }

    /** Asks a peer for its peers, unless asking is off or it was asked often enough this minute. */
    private boolean request(PeerId peer) {
        int want = settings.requestWant();
        if (want == 0 || ownRequestBudget.take(peer, 1, OWN_REQUESTS_PER_MINUTE_PER_PEER) == 0) {
            return false;
        }
        requestsSent.increment();
        send(peer, PeerGroupPacket.request(want), "request");
        return true;
    }

    /** Remembers whether the peer of this channel can be dialled at its known address. */
    private void noteListenPort(PeerChannel channel) {
        // the core records an inbound peer that advertised no listen port at the address it dialled from
        boolean undialable = channel.direction() == ChannelDirection.INBOUND
                && channel.listenAddress().equals(channel.remoteAddress());
        if (undialable) {
            unlistening.add(channel.peerId());
        } else {
            unlistening.remove(channel.peerId());
        }
    }

    // ---------------------------------------------------------------- offers to the core

    /**
     * While fewer than minPeers channels are open, offers candidates, newest first, until as many
     * dials started as channels are missing, trying at most {@value #MAX_OFFERS_PER_ROUND}. A
     * candidate the core will not dial now (connected or dialling already, backing off) is passed
     * over; when the core can dial nobody (outbound limit, no transport), the rest wait.
     *
     * @param skip a peer not to offer this time (the one that just left), or null
     */
    private void offerCandidates(Collection<PeerChannel> open, PeerId skip) {
        int missing = network.minPeers() - open.size();
        if (missing <= 0 || !active) {
            return;
        }
        Set<PeerId> notNow = ids(open);
        if (skip != null) {
            notNow.add(skip);
        }
        int dialling = 0;
        List<Candidate> round = book.newestFirst(c -> !notNow.contains(c.id()), MAX_OFFERS_PER_ROUND);
        for (Candidate c : round) {
            OfferOutcome outcome;
            try {
                outcome = network.offer(new DiscoveredPeer(c.id(), List.of(c.address()), SOURCE, clock.instant()));
            } catch (RuntimeException e) {
                LOG.debug("The core refused the offer of {} at {}: {}", c.id().shortForm(), c.address(), e.toString());
                continue;
            }
            offers.get(outcome).increment();
            LOG.debug("Offered {} at {} (from {}): {}", c.id().shortForm(), c.address(), c.from().shortForm(), outcome);
            if (outcome == OfferOutcome.DIALLING && ++dialling >= missing) {
                return;
            }
            if (outcome == OfferOutcome.SELF) {
                book.remove(c.id());
            } else if (outcome == OfferOutcome.LIMIT_REACHED || outcome == OfferOutcome.NO_TRANSPORT) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private void send(PeerId peer, PeerGroupPacket packet, String what) {
        try {
            network.send(peer, packet).whenComplete((ok, failure) -> {
                if (failure != null) {
                    LOG.debug("Could not send the PEER_GROUP {} to {}: {}", what, peer.shortForm(), failure.toString());
                }
            });
        } catch (RuntimeException e) {
            LOG.debug("Could not send the PEER_GROUP {} to {}: {}", what, peer.shortForm(), e.toString());
        }
    }

    private void drop(Drop reason, PeerId from, int count, String detail) {
        if (count <= 0) {
            return;
        }
        drops.get(reason).add(count);
        if (reason.logged() && loggedDrops.add(reason)) {
            LOG.warn("Dropped {} PEER_GROUP {} from {}: {} ({}); further {} drops are only counted", count,
                    reason.isEntry() ? "entries" : "request", from.shortForm(), reason.description(), detail, reason);
        }
    }

    private static Set<PeerId> ids(Collection<PeerChannel> channels) {
        Set<PeerId> ids = new HashSet<>();
        channels.forEach(c -> ids.add(c.peerId()));
        return ids;
    }

    /** A loopback literal or {@code localhost}; no name is ever resolved here. */
    static boolean isLoopback(String host) {
        return host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1")
                || host.equalsIgnoreCase("localhost");
    }

    // ---------------------------------------------------------------- for tests and a future shell command

    /** The counters since activation. */
    ExchangeStats stats() {
        Map<Drop, Long> dropped = new EnumMap<>(Drop.class);
        drops.forEach((d, n) -> {
            if (d.isEntry()) {
                dropped.put(d, n.sum());
            }
        });
        Map<OfferOutcome, Long> offered = new EnumMap<>(OfferOutcome.class);
        offers.forEach((o, n) -> offered.put(o, n.sum()));
        return new ExchangeStats(answered.sum(), drops.get(Drop.REQUEST_RATE).sum(), requestsSent.sum(),
                entriesAccepted.sum(), dropped, offered, book.size());
    }

    CandidateBook candidates() {
        return book;
    }

    PeerExchangeSettings settings() {
        return settings;
    }

    @Override
    public String source() {
        return "peer-group";
    }

    /** Unused PEER_GROUP requests and entries by {@link Drop} kind (entries are counted one by one). */
    @Override
    public Map<String, Long> counts() {
        Map<Drop, Long> counts = new EnumMap<>(Drop.class);
        drops.forEach((d, n) -> counts.put(d, n.sum()));
        return InputDrops.byName(counts);
    }

    long rejectedConfigurations() {
        return rejectedConfigurations.sum();
    }
}
