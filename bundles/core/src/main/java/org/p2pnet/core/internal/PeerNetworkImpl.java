package org.p2pnet.core.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentServiceObjects;
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
import org.osgi.service.metatype.annotations.Option;
import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.DisconnectRecord;
import org.p2pnet.api.DiscernResult;
import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.InboundRequest;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.PacketTypeStats;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerInfo;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.TrustSummary;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.IdentityPacket;
import org.p2pnet.api.packet.Packet;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.spi.ChannelSink;
import org.p2pnet.api.spi.ChannelTransport;
import org.p2pnet.api.spi.TransportChannel;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.InboundListener;
import org.p2pnet.api.trust.InboundMode;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.TrustProtocol;
import org.p2pnet.api.trust.TrustRefusedException;
import org.p2pnet.api.trust.Verdict;
import org.p2pnet.core.internal.ChannelRegistry.Outcome;
import org.p2pnet.core.internal.ChannelRegistry.Refused;
import org.p2pnet.core.internal.ChannelRegistry.Registered;
import org.p2pnet.core.internal.NodeKeyStore.NodeKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PeerNetwork} service: node identity, channel registry with the duplicate rule,
 * known peers, the persistent {@link AddressBook} with dial candidates, P2PNet's
 * DiscernPeerChannels ({@link #discernChannels}), dispatch to the packet handler whiteboard (with
 * the hot-swap buffer), peer events, and the host side of the optional, dynamically bound
 * {@link ChannelTransport}.
 *
 * <p>Trust: each received packet is checked against its channel's trust level before dispatch
 * (held while the trust protocol runs, else dropped and counted; closed past
 * {@code maxUntrustedPackets}); admitted channels start as the highest-ranked
 * {@link IncomingPeerPolicy} says (level, trust protocol, inbound mode: listeners and/or the
 * inbound queue); with no policy the core fails closed. See the bundle's README, "Trust".
 */
@Component(service = {PeerNetwork.class, NodeSigner.class}, immediate = true, configurationPid = PeerNetworkImpl.PID)
@Designate(ocd = PeerNetworkImpl.Config.class)
public final class PeerNetworkImpl implements PeerNetwork, NodeSigner {
    public static final String PID = "org.p2pnet.core";
    /** After every address of a discovered peer failed, its announcements are ignored this long. */
    static final Duration DISCOVERY_BACKOFF = Duration.ofSeconds(30);

    /** The wire protocol version this node speaks (docs/PROTOCOL.md). */
    static final int PROTOCOL_VERSION = 1;
    static final String DEV_AGENT = "p2pnet/dev";
    static final String NO_TRANSPORT =
            "no channel transport is running: install/start the p2pnet-channel-tcp feature";
    /** A peer whose last channel ended deliberately (REQUESTED, BLOCKED …) is not a dial candidate for this long. */
    static final Duration DELIBERATE_COOLDOWN = Duration.ofMinutes(10);
    /** A peer that refused a channel for being full is not a dial candidate for this long. */
    static final Duration FULL_COOLDOWN = Duration.ofMinutes(1);
    /** A peer's retryAfterSeconds is honoured up to this long. */
    static final Duration MAX_RETRY_AFTER = Duration.ofHours(24);
    /** Most retry-after requests remembered at once; beyond, the one that expires soonest makes room. */
    static final int MAX_RETRY_BLOCKS = 1024;
    /** The only key algorithm of protocol version 1. */
    static final String KEY_ALGORITHM = "Ed25519";
    /** The core's executor thread: trust protocol runs, their timeouts, inbound queue timeouts, re-admission. */
    static final String TRUST_THREAD = "p2pnet-core-trust";
    static final String NO_POLICY_INBOUND = "no trust policy is installed: this node refuses inbound peers"
            + " (core setting inboundWithoutPolicy)";
    static final String NO_POLICY_ENHANCED = "no trust policy is installed: the core fails closed, so nothing is"
            + " trusted beyond DEFAULT";
    static final String OPERATOR_REJECTION = "rejected by the operator";
    /** The EventAdmin property of an inbound attempt that carries its request id. */
    static final String PROP_REQUEST_ID = "request.id";
    private static final int MAX_SELF_ADDRESSES = 64;
    private static final int MAX_LOST_DIALS = 64;
    private static final int MAX_PARTINGS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(PeerNetworkImpl.class);

    @ObjectClassDefinition(name = "p2pnet core",
            description = "The peer network: node identity, channel limits, packet dispatch and the settings"
                    + " the channel transport uses.")
    public @interface Config {
        @AttributeDefinition(name = "Listen port", min = "0", max = "65535",
                description = "TCP port peers dial (0 = an ephemeral port). A change rebinds the listener;"
                        + " open channels are kept.")
        int port() default 7700;

        @AttributeDefinition(name = "Bind address",
                description = "Local address to listen on: a literal IP (0.0.0.0 or :: for every interface)"
                        + " or a host name. A change rebinds the listener; open channels are kept.")
        String bindAddress() default "0.0.0.0";

        @AttributeDefinition(name = "Network name",
                description = "Name of the network this node belongs to (1-128 characters). Peers of another"
                        + " network are refused with NETWORK_MISMATCH. Applies to new channels.")
        String networkName() default "p2pnet";

        @AttributeDefinition(name = "Accept inbound channels",
                description = "When false, inbound connections are refused with INBOUND_DISABLED."
                        + " Applies immediately.")
        boolean acceptInbound() default true;

        @AttributeDefinition(name = "Maximum frame size", min = "64", max = "268435456",
                description = "Largest frame accepted or sent, in bytes after the length prefix"
                        + " (64 B to 256 MiB). A larger frame ends the channel with FRAME_TOO_LARGE."
                        + " Applies to new channels.")
        int maxFrameSize() default 16 * 1024 * 1024;

        @AttributeDefinition(name = "Maximum inbound channels", min = "1",
                description = "Inbound channels beyond this are refused with TOO_MANY_CHANNELS.")
        int maxInboundChannels() default 64;

        @AttributeDefinition(name = "Maximum outbound channels", min = "1",
                description = "connect() fails with TOO_MANY_CHANNELS beyond this many outbound channels"
                        + " (dials in progress included).")
        int maxOutboundChannels() default 64;

        @AttributeDefinition(name = "Handshake timeout (s)", min = "1", max = "300",
                description = "A new channel whose IDENTITY does not arrive within this time is closed with"
                        + " HANDSHAKE_TIMEOUT. Applies to new channels.")
        int handshakeTimeoutSeconds() default 10;

        @AttributeDefinition(name = "Idle timeout (min)", min = "0",
                description = "A channel on which nothing arrived for this long is closed with IDLE_TIMEOUT;"
                        + " 0 = never. Applies to new channels.")
        int idleTimeoutMinutes() default 60;

        @AttributeDefinition(name = "Write buffer low watermark", min = "1",
                description = "Bytes queued for a channel below which it becomes writable again."
                        + " Must be lower than the high watermark.")
        int writeBufferLowWaterMark() default 32 * 1024;

        @AttributeDefinition(name = "Write buffer high watermark", min = "2",
                description = "Bytes queued for a channel above which isWritable() turns false.")
        int writeBufferHighWaterMark() default 64 * 1024;

        @AttributeDefinition(name = "Write buffer limit", min = "2",
                description = "Hard limit of bytes queued for one channel; sends beyond it fail, so a slow"
                        + " peer cannot grow memory without bound. At least the high watermark.")
        long writeBufferLimit() default 16L * 1024 * 1024;

        @AttributeDefinition(name = "Pending buffer capacity", min = "1",
                description = "Per packet type: how many packets are held while no handler is registered for"
                        + " the type (during a hot swap). Beyond it packets are dropped and counted.")
        int pendingBufferCapacity() default 10_000;

        @AttributeDefinition(name = "Pending buffer maximum wait (s)", min = "1", max = "3600",
                description = "How long a held packet waits for a handler before it is dropped and counted.")
        int pendingBufferMaxWaitSeconds() default 30;

        @AttributeDefinition(name = "Pending buffer maximum bytes", min = "1",
                description = "All packet types together: about how many bytes of packets are held while their"
                        + " type has no handler (during a hot swap). A packet that would go beyond it is dropped"
                        + " and counted.")
        long pendingBufferMaxBytes() default 64L * 1024 * 1024;

        @AttributeDefinition(name = "Storage directory",
                description = "Where the node key and the address book (addressbook.json) are kept. Empty ="
                        + " ${karaf.data}/p2pnet, or ./data/p2pnet outside Karaf. Read at start only.")
        String storageDir() default "";

        @AttributeDefinition(name = "Minimum peers", min = "1", max = "64",
                description = "How many peers the node tries to hold channels with (1-64): the join protocol"
                        + " and peer exchange keep connecting while it holds fewer. Applies immediately.")
        int minPeers() default 3;

        @AttributeDefinition(name = "Maximum channels per IP", min = "1", max = "1024",
                description = "Identified channels with one remote IP address (both directions). A new channel"
                        + " beyond it is refused with TOO_MANY_CHANNELS. Protected peers are exempt."
                        + " Applies to new channels.")
        int maxChannelsPerIp() default 8;

        @AttributeDefinition(name = "High watermark", min = "0", max = "4096",
                description = "When more channels than this are open, the least useful ones are closed"
                        + " (TOO_MANY_CHANNELS) until lowWatermark remain. 0 = never trim.")
        int highWatermark() default 0;

        @AttributeDefinition(name = "Low watermark", min = "0", max = "4096",
                description = "How many channels trimming leaves open. Must be lower than highWatermark.")
        int lowWatermark() default 0;

        @AttributeDefinition(name = "Protected peers",
                description = "Comma-separated peer ids (64 hex digits) whose channels are never trimmed"
                        + " and not limited per IP.")
        String protectedPeers() default "";

        @AttributeDefinition(name = "Maximum untrusted packets", min = "1", max = "1000000",
                description = "Packets a channel may send that need more than its trust level (dropped and"
                        + " counted) before the core closes it with NOT_TRUSTED (1-1000000). Applies immediately.")
        int maxUntrustedPackets() default 100;

        @AttributeDefinition(name = "Inbound peers without a trust policy",
                description = "While no inbound trust policy (the p2pnet-trust feature) is installed the core fails"
                        + " closed; inbound peers are then refused with NOT_TRUSTED (refuse) or held in the inbound"
                        + " queue for p2p:inbound-accept (queue). Applies to new channels.",
                options = {
                        @Option(label = "refuse", value = "refuse"),
                        @Option(label = "queue", value = "queue")
                })
        String inboundWithoutPolicy() default "refuse";

        @AttributeDefinition(name = "Inbound queue capacity", min = "1", max = "10000",
                description = "Most inbound peers waiting for a decision at once (1-10000); beyond, a peer is"
                        + " refused with TOO_MANY_CHANNELS. Held peers count against maxInboundChannels.")
        int inboundQueueCapacity() default 32;

        @AttributeDefinition(name = "Inbound queue timeout (s)", min = "1", max = "3600",
                description = "How long an inbound peer waits in the queue for a decision before it is refused with"
                        + " NOT_TRUSTED (1-3600). Applies to peers queued from then on.")
        int inboundQueueTimeoutSeconds() default 120;

        @AttributeDefinition(name = "Trust protocol timeout (s)", min = "1", max = "300",
                description = "How long a trust protocol run may take (1-300); past it the channel keeps the level"
                        + " it started with and its held packets are re-checked. Applies to new runs.")
        int trustProtocolTimeoutSeconds() default 15;

        @AttributeDefinition(name = "Address book maximum entries", min = "16", max = "1000000",
                description = "Most peers the address book keeps (16-1000000). When it is full, a new peer takes the"
                        + " place of the worst entry (fewest successes, then seen longest ago; never a connected peer)"
                        + " of the largest address group. Applies from the next insert or save.")
        int addressBookMaxEntries() default 10_000;

        @AttributeDefinition(name = "Address book maximum per address group", min = "1", max = "100000",
                description = "Most address book entries in one address group: an IPv4 /16, an IPv6 /32 or a host"
                        + " name (1-100000). A new peer in a full group takes the place of that group's worst entry,"
                        + " so one source or one network cannot flood the book. Applies from the next insert or save.")
        int addressBookMaxPerGroup() default 256;

        @AttributeDefinition(name = "Startup wait for a trust policy (s)", min = "0", max = "300",
                description = "For this long after the core starts (0-300 s; 0 = not at all), an inbound peer that"
                        + " arrives before any inbound trust policy was installed is held instead of refused, and the"
                        + " first policy decides it: the trust bundle starts a moment after the channel transport, and"
                        + " a peer that heard the node's first announcement would otherwise be refused and back off."
                        + " Held peers count against inboundQueueCapacity. Read at start.")
        int policyWaitSeconds() default 10;
    }

    /**
     * A peer asked not to be dialled before {@code notBefore}. {@code addresses} are the addresses
     * this node dialled to reach it on the channel it ended (empty for an inbound channel): never
     * an address the peer merely claimed.
     */
    private record RetryBlock(PeerId peer, Set<PeerAddress> addresses, Instant notBefore, DisconnectReason reason,
                              String message) {
    }

    private final NodeKey key;
    /** Time of the address book, of channel activity and of discernChannels; injectable for tests. */
    private final Clock clock;
    /** Where the address book is kept, with its dial history. */
    private final AddressBook addressBook;
    private final FastEd25519 fastSigner;
    /** Dials started from discovery offers, and their recent failures. */
    private final DiscoveryOffers offers = new DiscoveryOffers(DISCOVERY_BACKOFF);
    private final String publicKeyBase64;
    private final String agent;
    private final Dispatcher dispatcher;
    private final ChannelRegistry registry = new ChannelRegistry();
    private final KnownPeers knownPeers = new KnownPeers();
    private final Rejections rejections = new Rejections();
    /** The IncomingPeerPolicy whiteboard (the trust bundle's block list); none allows every peer. */
    private final PeerPolicies policies = new PeerPolicies();
    private final Set<PeerAddress> selfAddresses = ConcurrentHashMap.newKeySet();
    /** At most {@link #MAX_RETRY_BLOCKS}; changed under its own lock, read without. */
    private final Map<PeerId, RetryBlock> retryBlocks = new ConcurrentHashMap<>();
    /** How each peer's last channel ended (the latest {@value #MAX_PARTINGS}), for the dial cooldown. */
    private final Map<PeerId, DisconnectRecord> partings = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(64, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<PeerId, DisconnectRecord> eldest) {
                    return size() > MAX_PARTINGS;
                }
            });
    /**
     * Outbound channels that lost the duplicate rule, by the address they reached, with the
     * channel kept instead: the connect() that dialled them completes with it. Transports need
     * not pass the core's exception on to the dial, so the address is the link.
     */
    private final Map<PeerAddress, CoreChannel> lostDials = new ConcurrentHashMap<>();
    /** Dials in progress by address; guarded by itself. Concurrent connect() calls to one address share a dial. */
    private final Map<PeerAddress, CompletableFuture<PeerChannel>> dials = new HashMap<>();
    private final LongAdder packetsIn = new LongAdder();
    private final LongAdder packetsOut = new LongAdder();
    /** Wire counters per packet type, from what the transport reports ({@link #packetStats()}). */
    private final PacketCounters packetCounters;
    private final LongAdder rejectedConfigurations = new LongAdder();
    /** InboundListener whiteboard, asked in ranking order. */
    private final Ranked<InboundListener> inboundListeners = new Ranked<>();
    /** TrustProtocol whiteboard: the highest-ranked one runs. */
    private final Ranked<TrustProtocol> protocols = new Ranked<>();
    private final InboundQueue queue = new InboundQueue();
    /** The core's executor (one daemon thread, {@value #TRUST_THREAD}); shut down in deactivate. */
    private final ScheduledThreadPoolExecutor executor;
    private final LongAdder droppedUntrusted = new LongAdder();
    private final LongAdder closedUntrusted = new LongAdder();
    private final Throttle untrustedLog = new Throttle(1, TimeUnit.SECONDS);
    private final Throttle trustFailureLog = new Throttle(1, TimeUnit.SECONDS);
    private final Throttle listenerFailureLog = new Throttle(1, TimeUnit.SECONDS);
    /** Serializes transport open / reconfigure / close. */
    private final Object transportLock = new Object();
    /** Serializes the choice of channels to trim. */
    private final Object trimLock = new Object();

    private volatile CoreSettings settings;
    /** The transport in use, written under {@link #transportLock}. */
    private volatile TransportBinding binding;
    private volatile boolean running = true;
    /** When the core started, for policyWaitSeconds (System.nanoTime). */
    private final long startedNanos = System.nanoTime();
    /** An inbound policy was installed at some time since the core started. */
    private volatile boolean hadPolicy;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    volatile EventAdmin eventAdmin;

    /** PeerListener whiteboard by service id, in binding order; objects obtained on first event. */
    private final Map<Long, LazyService<PeerListener>> listeners = new ConcurrentSkipListMap<>();

    /**
     * Activation: validates the configuration, loads (or creates) the node key.
     *
     * @throws IllegalArgumentException naming the key and value of an invalid configuration value
     * @throws IllegalStateException naming the node key file when it is corrupt
     */
    @Activate
    public PeerNetworkImpl(BundleContext context, Config config) {
        this(config, agentOf(context));
    }

    /** For tests and embedding: no framework needed. */
    PeerNetworkImpl(Config config, String agent) {
        this(config, agent, Clock.systemUTC(), new SecureRandom());
    }

    /** For tests: the address book's clock and the random source of its backoff jitter. */
    PeerNetworkImpl(Config config, String agent, Clock clock, Random random) {
        this.settings = CoreSettings.from(config);
        this.clock = Objects.requireNonNull(clock, "clock");
        this.key = NodeKeyStore.loadOrCreate(settings.storageDir());
        this.addressBook = new AddressBook(settings.storageDir().resolve(AddressBook.FILE_NAME), bookView(), clock,
                Objects.requireNonNull(random, "random"), settings.addressBookMaxEntries(),
                settings.addressBookMaxPerGroup());
        addressBook.load();
        this.fastSigner = new FastEd25519(key.keyPair().getPrivate());
        this.publicKeyBase64 = Base64.getEncoder().encodeToString(key.publicKey().getEncoded());
        this.agent = agent;
        this.dispatcher = new Dispatcher(settings.pendingBufferCapacity(), settings.pendingBufferMaxWait(),
                settings.pendingBufferMaxBytes());
        this.packetCounters = new PacketCounters(dispatcher::buffers);
        this.executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, TRUST_THREAD);
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        LOG.info("p2pnet node {} ({}) is up in network '{}'", key.peerId(), agent, settings.networkName());
    }

    /** What the address book reads of this node: its id, its own addresses, its channels. */
    private AddressBook.Node bookView() {
        return new AddressBook.Node() {
            @Override
            public PeerId self() {
                return key.peerId();
            }

            @Override
            public boolean isSelf(PeerAddress address) {
                return PeerNetworkImpl.this.isSelf(address, binding);
            }

            @Override
            public boolean isConnected(PeerId peer) {
                return PeerNetworkImpl.this.isConnected(peer);
            }

            @Override
            public Instant activity(PeerId peer) {
                return registry.byPeer(peer).map(CoreChannel::lastReceived).orElse(null);
            }
        };
    }

    /** The time the core's clock tells (the address book's, channel activity's). */
    Clock clock() {
        return clock;
    }

    private static String agentOf(BundleContext context) {
        if (context == null || context.getBundle() == null) {
            return DEV_AGENT;
        }
        return "p2pnet/" + context.getBundle().getVersion();
    }

    @Modified
    void modified(Config config) {
        CoreSettings next;
        try {
            next = CoreSettings.from(config);
        } catch (InvalidConfigurationException e) {
            rejectedConfigurations.increment();
            LOG.error("Rejected the new configuration; the previous one stays in force. {}", e.getMessage());
            return;
        }
        CoreSettings previous = settings;
        settings = next;
        dispatcher.limits(next.pendingBufferCapacity(), next.pendingBufferMaxWait(), next.pendingBufferMaxBytes());
        addressBook.limits(next.addressBookMaxEntries(), next.addressBookMaxPerGroup());
        if (previous.acceptInbound() != next.acceptInbound()) {
            LOG.info("Inbound channels are now {}", next.acceptInbound() ? "accepted" : "refused");
        }
        if (!previous.storageDir().equals(next.storageDir())) {
            LOG.warn("storageDir changed to {}: it applies at the next start; the node key stays {} and the"
                    + " address book {}", next.storageDir(), previous.storageDir().resolve(NodeKeyStore.FILE_NAME),
                    addressBook.file());
        }
        if (previous.listenerDiffers(next)) {
            reconfigureTransport();
        }
        trim(null);
    }

    @Deactivate
    void deactivate() {
        running = false;
        TransportBinding b;
        synchronized (transportLock) {
            b = binding;
            binding = null;
            if (b != null) {
                b.detach();
            }
        }
        for (CoreChannel c : registry.tracked()) {
            c.disconnect(DisconnectReason.SHUTDOWN, "the node is shutting down");
        }
        for (InboundQueue.Entry e : queue.clear()) {
            e.cancelTimeout();
            e.channel.close(DisconnectReason.SHUTDOWN, "the node is shutting down");
        }
        if (b != null) {
            try {
                b.transport().close();
            } catch (RuntimeException e) {
                LOG.warn("Channel transport {} failed to close", b.name(), e);
            }
        }
        dropChannels(null, "the node is shutting down", false);
        List<CompletableFuture<PeerChannel>> pendingDials;
        synchronized (dials) {
            pendingDials = new ArrayList<>(dials.values());
            dials.clear();
        }
        pendingDials.forEach(f -> f.completeExceptionally(
                new ChannelException(DisconnectReason.SHUTDOWN, "the peer network stopped")));
        try {
            addressBook.save();
        } catch (IllegalStateException e) {
            LOG.error("The address book was not saved at stop: {}", e.getMessage());
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("The {} thread did not stop within 5 s", TRUST_THREAD);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dispatcher.close();
        LOG.info("p2pnet node {} stopped", key.peerId());
    }

    // ---------------------------------------------------------------- references

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindTransport")
    void bindTransport(ChannelTransport transport) {
        synchronized (transportLock) {
            if (!running) {
                return;
            }
            TransportBinding previous = binding;
            if (previous != null) {
                // a better-ranked transport replaces the one in use: release the listener first
                LOG.info("Switching channel transport from {} to {}", previous.name(), transport);
                previous.detach();
                try {
                    previous.transport().close();
                } catch (RuntimeException e) {
                    LOG.warn("Channel transport {} failed to close", previous.name(), e);
                }
                dropChannels(previous, "the channel transport " + previous.name() + " was replaced", true);
            }
            TransportBinding next = new TransportBinding(this, transport);
            binding = next;
            open(next);
        }
    }

    void unbindTransport(ChannelTransport transport) {
        TransportBinding gone;
        synchronized (transportLock) {
            gone = binding;
            if (gone == null || gone.transport() != transport) {
                return;
            }
            binding = null;
            gone.detach();
        }
        // the transport closes its own channels as it stops; forget them even if it never says so.
        // What it still delivers while it closes them (channel-tcp drains what peers sent before
        // they heard the DISCONNECT) is handled: see CoreChannel.transportGone.
        LOG.info("Channel transport {} went away; the node is not listening", gone.name());
        dropChannels(gone, "the channel transport " + gone.name() + " stopped", true);
    }

    @Reference(service = PacketHandler.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindPacketHandler", updated = "updatedPacketHandler")
    void bindPacketHandler(ComponentServiceObjects<PacketHandler> handler, ServiceReference<PacketHandler> ref) {
        addHandler(LazyService.of(handler), ref);
    }

    void updatedPacketHandler(ComponentServiceObjects<PacketHandler> handler, ServiceReference<PacketHandler> ref) {
        updateHandler(LazyService.of(handler), ref);
    }

    void unbindPacketHandler(ServiceReference<PacketHandler> ref) {
        dispatcher.removeHandler(HandlerEntry.serviceId(ref));
    }

    void addHandler(LazyService<PacketHandler> handler, ServiceReference<PacketHandler> ref) {
        HandlerEntry.of(handler, ref).ifPresent(dispatcher::putHandler);
    }

    void updateHandler(LazyService<PacketHandler> handler, ServiceReference<PacketHandler> ref) {
        Optional<HandlerEntry> entry = HandlerEntry.of(handler, ref);
        if (entry.isPresent()) {
            dispatcher.putHandler(entry.get());
        } else {
            dispatcher.removeHandler(HandlerEntry.serviceId(ref));
        }
    }

    @Reference(service = PeerListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindPeerListener")
    void bindPeerListener(ComponentServiceObjects<PeerListener> listener, ServiceReference<PeerListener> ref) {
        addListener(HandlerEntry.serviceId(ref), LazyService.of(listener));
    }

    void unbindPeerListener(ServiceReference<PeerListener> ref) {
        listeners.remove(HandlerEntry.serviceId(ref));
    }

    void addListener(long serviceId, LazyService<PeerListener> listener) {
        listeners.put(serviceId, listener);
    }

    @Reference(service = IncomingPeerPolicy.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindPeerPolicy", updated = "updatedPeerPolicy")
    void bindPeerPolicy(ComponentServiceObjects<IncomingPeerPolicy> policy, ServiceReference<IncomingPeerPolicy> ref) {
        addPolicy(LazyService.of(policy), ref);
    }

    void updatedPeerPolicy(ComponentServiceObjects<IncomingPeerPolicy> policy,
                           ServiceReference<IncomingPeerPolicy> ref) {
        policies.update(LazyService.of(policy), ref);
    }

    void unbindPeerPolicy(ServiceReference<?> ref) {
        policies.remove(ref);
    }

    /**
     * Adds a policy. When it is the first one (the core failed closed until now), channels admitted
     * meanwhile are re-admitted by it on the core executor.
     */
    void addPolicy(LazyService<IncomingPeerPolicy> policy, ServiceReference<?> ref) {
        boolean wasEmpty;
        synchronized (policies) {
            wasEmpty = policies.isEmpty();
            policies.add(policy, ref);
            hadPolicy = true;
        }
        if (wasEmpty) {
            LOG.info("An inbound trust policy is installed: the core no longer fails closed");
            execute(this::readmitFailClosed);
            execute(this::admitAwaitingPolicy);
        }
    }

    @Reference(service = InboundListener.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindInboundListener", updated = "updatedInboundListener")
    void bindInboundListener(ComponentServiceObjects<InboundListener> listener,
                             ServiceReference<InboundListener> ref) {
        addInboundListener(LazyService.of(listener), ref);
    }

    void updatedInboundListener(ComponentServiceObjects<InboundListener> listener,
                                ServiceReference<InboundListener> ref) {
        inboundListeners.update(LazyService.of(listener), ref);
    }

    void unbindInboundListener(ServiceReference<?> ref) {
        inboundListeners.remove(ref);
    }

    void addInboundListener(LazyService<InboundListener> listener, ServiceReference<?> ref) {
        inboundListeners.add(listener, ref);
    }

    @Reference(service = TrustProtocol.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            unbind = "unbindTrustProtocol", updated = "updatedTrustProtocol")
    void bindTrustProtocol(ComponentServiceObjects<TrustProtocol> protocol, ServiceReference<TrustProtocol> ref) {
        addTrustProtocol(LazyService.of(protocol), ref);
    }

    void updatedTrustProtocol(ComponentServiceObjects<TrustProtocol> protocol, ServiceReference<TrustProtocol> ref) {
        protocols.update(LazyService.of(protocol), ref);
    }

    void unbindTrustProtocol(ServiceReference<?> ref) {
        protocols.remove(ref);
    }

    void addTrustProtocol(LazyService<TrustProtocol> protocol, ServiceReference<?> ref) {
        protocols.add(protocol, ref);
        execute(this::runOwedTrustProtocols);
    }

    /**
     * A trust protocol bound: channels whose policy asked for a run while none was installed (a node
     * whose trust bundle starts after its first channels, such as one restarted after a crash that
     * redials its address book at once) get that run now, instead of staying at their admitted level
     * for their whole life.
     */
    private void runOwedTrustProtocols() {
        for (CoreChannel channel : registry.registered()) {
            if (!running || protocols.first().isEmpty()) {
                return;
            }
            if (channel.isOpen() && channel.takeAwaitingProtocol()) {
                LOG.info("Trust of {}: running the trust protocol now installed (the channel opened before it)",
                        channel.peerId().shortForm());
                channel.startPending();
                runTrustProtocol(channel);
            }
        }
    }

    // ---------------------------------------------------------------- transport life

    /** First wait before opening the transport or moving its listener again after it failed (doubling each time). */
    static final long LISTEN_RETRY_FIRST_MILLIS = 1_000;
    /** Longest wait between attempts to open the transport or move its listener. */
    static final long LISTEN_RETRY_MAX_MILLIS = 30_000;

    /**
     * Under {@link #transportLock}. A transport that cannot listen (its port is held by another
     * process, say one still shutting down) is tried again after 1 s, 2 s, 4 s … up to every 30 s
     * until it listens, the configuration changes or the transport goes away; meanwhile
     * {@code p2p:status} says why the node is not listening.
     */
    private void open(TransportBinding b) {
        b.opening(true);
        try {
            InetSocketAddress address = b.transport().open(b);
            b.opened(address);
            listens(b, address, "");
        } catch (IOException | RuntimeException e) {
            cannotListen(b, e, "The node has no channels until it does");
        } finally {
            b.opening(false);
        }
    }

    /** Under {@link #transportLock}: the transport listens where configured; any attempts pending end. */
    private void listens(TransportBinding b, InetSocketAddress address, String when) {
        boolean retried = b.listenProblem() != null;
        b.listenProblem(null);
        b.resetRetry();
        LOG.info("Channel transport {} listens on {}{}{}", b.name(), address, when, retried ? " (at last)" : "");
    }

    /**
     * Under {@link #transportLock}: the transport does not listen where configured. Records why, with
     * the time of the next attempt, and schedules it (1 s, 2 s, 4 s … at most every 30 s). The first
     * failure in a row is logged at ERROR with its consequence; later ones at DEBUG, since
     * {@code p2p:status} shows them.
     */
    private void cannotListen(TransportBinding b, Exception e, String consequence) {
        long delay = b.nextRetryDelay(LISTEN_RETRY_FIRST_MILLIS, LISTEN_RETRY_MAX_MILLIS);
        boolean first = b.listenProblem() == null;
        b.listenProblem(e.getMessage() + "; next attempt at "
                + Instant.now().plusMillis(delay).truncatedTo(ChronoUnit.SECONDS));
        b.retry(schedule(() -> retryListen(b), delay, TimeUnit.MILLISECONDS));
        String where = hostPort(settings);
        if (first) {
            LOG.error("Channel transport {} could not listen on {}: {}. {}; it tries again after {} s, then less and"
                    + " less often (at most every {} s). If the port stays taken, change port or bindAddress"
                    + " (config:edit {})", b.name(), where, e.getMessage(), consequence,
                    TimeUnit.MILLISECONDS.toSeconds(delay), TimeUnit.MILLISECONDS.toSeconds(LISTEN_RETRY_MAX_MILLIS),
                    PID);
        } else {
            LOG.debug("Channel transport {} still cannot listen on {}: {}", b.name(), where, e.getMessage());
        }
    }

    /**
     * On the core executor: the scheduled attempt to open a transport that could not listen, or to
     * move the listener of an open one whose move failed.
     */
    private void retryListen(TransportBinding b) {
        synchronized (transportLock) {
            if (!running || binding != b || b.isDetached()) {
                return;
            }
            if (!b.isOpened()) {
                open(b);
            } else if (b.listenProblem() != null) {
                move(b);
            }
        }
    }

    private void reconfigureTransport() {
        synchronized (transportLock) {
            TransportBinding b = binding;
            if (b == null || !running) {
                return;
            }
            // new settings: try them now, and from the first delay again should they fail
            b.resetRetry();
            if (b.isOpened()) {
                move(b);
            } else {
                open(b);
            }
        }
    }

    /**
     * Under {@link #transportLock}: asks an open transport to take the current settings (to move its
     * listener when port or bindAddress changed). A move that fails keeps the open channels, and the
     * listener the transport kept, if any ({@link ChannelTransport#listening}); it is tried again
     * after 1 s, 2 s, 4 s … up to every 30 s until it succeeds or the settings change, and
     * meanwhile {@code p2p:status} says why.
     */
    private void move(TransportBinding b) {
        try {
            InetSocketAddress address = b.transport().reconfigure();
            b.listening(address);
            listens(b, address, " now");
        } catch (IOException | RuntimeException e) {
            InetSocketAddress kept = keptListener(b);
            b.listening(kept);
            cannotListen(b, e, "Open channels are kept; " + (kept == null
                    ? "inbound channels are not accepted until it listens"
                    : "inbound channels are accepted on " + kept + " meanwhile"));
        }
    }

    /** The listener a transport kept after a failed move; null when it has none or does not say. */
    private static InetSocketAddress keptListener(TransportBinding b) {
        try {
            InetSocketAddress kept = b.transport().listening();
            return kept == null || kept.getPort() == 0 ? null : kept;
        } catch (RuntimeException e) {
            LOG.debug("Channel transport {} cannot say where it listens", b.name(), e);
            return null;
        }
    }

    /**
     * Forgets the channels of a binding (all when null) whose close was not reported; with
     * {@code drain} their packets that the transport still delivers until it reports the close are
     * handled (the core itself keeps running).
     */
    private void dropChannels(TransportBinding b, String why, boolean drain) {
        Instant now = Instant.now();
        for (CoreChannel c : registry.tracked()) {
            if (b == null || c.binding() == b) {
                DisconnectRecord record = new DisconnectRecord(DisconnectReason.SHUTDOWN, why, false, now);
                if (drain) {
                    c.transportGone(record);
                } else {
                    c.markClosed(record);
                }
            }
        }
    }

    private static String hostPort(CoreSettings s) {
        return s.bindAddress().indexOf(':') >= 0 ? "[" + s.bindAddress() + "]:" + s.port()
                : s.bindAddress() + ":" + s.port();
    }

    // ---------------------------------------------------------------- ChannelHost, through TransportBinding

    CoreSettings settings() {
        return settings;
    }

    IdentityPacket localIdentity() {
        return new IdentityPacket(key.peerId(), publicKeyBase64, NodeKeyStore.ALGORITHM, listenPort(),
                settings.networkName(), PROTOCOL_VERSION, agent);
    }

    /** For the transport's TLS certificate (ChannelHost#nodeKeyPair); never leaves the process. */
    KeyPair nodeKeyPair() {
        return key.keyPair();
    }

    private int listenPort() {
        TransportBinding b = binding;
        if (b == null) {
            return 0;
        }
        InetSocketAddress bound = b.bound();
        if (bound != null) {
            return bound.getPort();
        }
        // open() is binding the configured port right now; a connection may already be handshaking
        return b.isOpening() ? settings.port() : 0;
    }

    Optional<ChannelException> admitInbound(InetSocketAddress remote) {
        CoreSettings s = settings;
        if (!running) {
            return Optional.of(new ChannelException(DisconnectReason.SHUTDOWN, "this node is shutting down"));
        }
        InetAddress ip = remote == null ? null : remote.getAddress();
        if (ip != null) {
            Verdict verdict = policies.checkAddress(ip);
            if (!verdict.allowed()) {
                return Optional.of(refusal(verdict.reason(), String.valueOf(remote), verdict.message()));
            }
        }
        if (!s.acceptInbound()) {
            return Optional.of(refusal(DisconnectReason.INBOUND_DISABLED, String.valueOf(remote),
                    "this node does not accept inbound channels"));
        }
        if (registry.count(ChannelDirection.INBOUND) + queue.size() >= s.maxInboundChannels()) {
            return Optional.of(refusal(DisconnectReason.TOO_MANY_CHANNELS, String.valueOf(remote),
                    "the inbound channel limit of " + s.maxInboundChannels() + " is reached"));
        }
        return Optional.empty();
    }

    /**
     * Checks a peer's handshake IDENTITY in the order of PROTOCOL.md (Channel life, 3), applies
     * the limits and the duplicate rule, registers the channel, posts CONNECTED and dispatches the
     * IDENTITY to its handler.
     */
    ChannelSink identified(TransportBinding b, TransportChannel tc, IdentityPacket identity) {
        String remote = tc.direction().name().toLowerCase(Locale.ROOT) + " " + tc.remoteAddress();
        if (!running || b.isDetached()) {
            throw refusal(DisconnectReason.SHUTDOWN, remote, "this node is shutting down");
        }
        CoreSettings s = settings;
        PeerId peer = identity.peerId();
        String keyProblem = keyProblem(identity);
        if (keyProblem != null) {
            throw refusal(DisconnectReason.INVALID_IDENTITY, remote, keyProblem);
        }
        if (!identity.idMatchesKey()) {
            throw refusal(DisconnectReason.INVALID_IDENTITY, remote,
                    "peer id " + peer.shortForm() + " does not derive from the public key it sent");
        }
        if (identity.protocolVersion() != PROTOCOL_VERSION) {
            throw refusal(DisconnectReason.PROTOCOL_MISMATCH, remote, "the peer speaks protocol version "
                    + identity.protocolVersion() + ", this node speaks version " + PROTOCOL_VERSION);
        }
        if (!s.networkName().equals(identity.networkName())) {
            throw refusal(DisconnectReason.NETWORK_MISMATCH, remote, "the peer belongs to network '"
                    + identity.networkName() + "', this node to network '" + s.networkName() + "'");
        }
        if (peer.equals(key.peerId())) {
            if (tc.direction() == ChannelDirection.OUTBOUND) {
                rememberSelf(Addresses.of(tc.remoteAddress()));
            }
            throw refusal(DisconnectReason.SELF_CONNECTION, remote, "this node dialled itself");
        }
        InetAddress ip = tc.remoteAddress() == null ? null : tc.remoteAddress().getAddress();
        Verdict verdict = policies.checkPeer(peer, ip, tc.direction());
        if (!verdict.allowed()) {
            throw refusal(verdict.reason(), remote + " (" + peer.shortForm() + ")", verdict.message());
        }
        boolean failClosed = policies.isEmpty();
        boolean inbound = tc.direction() == ChannelDirection.INBOUND;
        Admission admission;
        long policyWaitLeft = 0;
        if (failClosed) {
            if (inbound && s.inboundWithoutPolicy() == CoreSettings.InboundWithoutPolicy.REFUSE) {
                policyWaitLeft = policyWaitLeftNanos(s);
                if (policyWaitLeft <= 0) {
                    throw refusal(DisconnectReason.NOT_TRUSTED, remote + " (" + peer.shortForm() + ")",
                            NO_POLICY_INBOUND);
                }
            }
            admission = Admission.FAIL_CLOSED;
        } else {
            admission = policies.admission(peer, ip, tc.direction());
        }
        CoreChannel channel = new CoreChannel(this, b, tc, peer, identity.listenPort(), clock.instant(),
                identity.publicKeyBytes());
        channel.trustLevel(admission.level());
        channel.admittedFailClosed(failClosed);
        if (inbound) {
            InboundMode mode = failClosed ? InboundMode.QUEUE : admission.inboundMode();
            InboundRequest request = new InboundRequest(queue.newId(), peer, channel.remoteAddress(),
                    identity.agent(), Instant.now());
            if (mode != InboundMode.QUEUE) {
                postInboundAttempt(request, tc.direction());
                Verdict objection = askInboundListeners(request);
                if (!objection.allowed()) {
                    throw refusal(objection.reason(), remote + " (" + peer.shortForm() + ")", objection.message());
                }
            }
            if (policyWaitLeft > 0) {
                holdForPolicy(new InboundQueue.Entry(request, channel, identity, admission, true, true), remote,
                        policyWaitLeft);
                return channel;
            }
            if (mode != InboundMode.EVENT) {
                enqueue(new InboundQueue.Entry(request, channel, identity, admission, failClosed), remote);
                return channel;
            }
        }
        if (admission.runTrustProtocol()) {
            channel.startPending();
        }
        register(channel, identity, remote);
        if (admission.runTrustProtocol()) {
            runTrustProtocol(channel);
        }
        return channel;
    }

    /**
     * Registers an identified channel (limits and the duplicate rule), posts CONNECTED and
     * dispatches its IDENTITY; then trims.
     *
     * @throws ChannelException when the limits or the duplicate rule refuse it (counted)
     */
    private void register(CoreChannel channel, IdentityPacket identity, String remote) {
        CoreSettings s = settings;
        PeerId peer = channel.peerId();
        TransportChannel tc = channel.transport();
        Outcome outcome = registry.register(channel, key.peerId(), s);
        if (outcome instanceof Refused r) {
            rejections.record(r.reason(), remote + " (" + peer.shortForm() + ")", r.message());
            if (r.survivor() != null && tc.direction() == ChannelDirection.OUTBOUND) {
                rememberLostDial(Addresses.of(tc.remoteAddress()), r.survivor());
            }
            throw r.survivor() != null
                    ? new DuplicateChannelException(r.message(), r.survivor())
                    : new ChannelException(r.reason(), r.message());
        }
        boolean announced = false;
        try {
            CoreChannel replaced = ((Registered) outcome).replaced();
            if (replaced != null) {
                if (replaced.isOpen()) {
                    String why = replaced.direction() == channel.direction()
                            ? "the peer reconnected: a newer channel replaces this one"
                            : "both peers dialled: the channel dialled by the smaller id is kept";
                    rejections.record(DisconnectReason.DUPLICATE_CHANNEL, replaced.toString(), why);
                    replaced.close(DisconnectReason.DUPLICATE_CHANNEL, why);
                } else {
                    replaced.markClosed(new DisconnectRecord(DisconnectReason.CONNECTION_LOST,
                            "closed without notice", false, Instant.now()));
                }
            }
            channel.countHandshake();
            packetsIn.increment();
            packetsOut.increment();
            LOG.info("Channel {} identified: {} agent '{}'", channel, peer, identity.agent());
            announced = true;
            publish(new PeerEvent(PeerEvent.Kind.CONNECTED, peer, channel.remoteAddress(), channel.direction(), null));
            if (channel.direction() == ChannelDirection.INBOUND && identity.listenPort() > 0) {
                // observed host (the socket's) with the advertised listen port
                addressBook.established(peer, channel.listenAddress(), AddressBook.INBOUND, false);
            } else {
                addressBook.seen(peer, clock.instant());
            }
            dispatcher.dispatch(channel, identity);
        } catch (Throwable t) {
            // registered but failing: never leave a ghost channel counted against the limits
            abandon(channel, announced, t);
            throw t;
        }
        trim(channel);
    }

    /**
     * Closes the least useful channels (see {@link Trimming}) with TOO_MANY_CHANNELS when more
     * than {@code highWatermark} are open, until {@code lowWatermark} remain. Channels chosen are
     * claimed under {@link #trimLock}, so concurrent trims never close more than needed; they are
     * disconnected outside it, as listeners hear of it.
     *
     * @param spared the channel just identified, never trimmed by the trim it starts; or null
     * @return how many channels it closed
     */
    private int trim(CoreChannel spared) {
        CoreSettings s = settings;
        if (!s.trims() || !running) {
            return 0;
        }
        List<CoreChannel> victims = new ArrayList<>();
        String message;
        synchronized (trimLock) {
            List<CoreChannel> open = registry.registered().stream()
                    .filter(c -> c.isOpen() && !c.isEnding()).toList();
            List<CoreChannel> chosen = Trimming.select(open, s, spared);
            if (chosen.isEmpty()) {
                return 0;
            }
            message = "trimmed: " + chosen.size() + " channels over the high watermark " + s.highWatermark();
            for (CoreChannel c : chosen) {
                if (c.claimEnding(DisconnectReason.TOO_MANY_CHANNELS, message)) {
                    victims.add(c);
                }
            }
        }
        if (victims.isEmpty()) {
            return 0;
        }
        rejections.record(DisconnectReason.TOO_MANY_CHANNELS, victims.size() + " channels", message
                + " (lowWatermark " + s.lowWatermark() + ")", victims.size());
        for (CoreChannel c : victims) {
            c.disconnect(DisconnectReason.TOO_MANY_CHANNELS, message);
        }
        return victims.size();
    }

    /**
     * Why an IDENTITY's key is unacceptable, or null: protocol version 1 knows Ed25519 keys only,
     * sent as X.509 SubjectPublicKeyInfo in canonical form, so a peer id always names a real key.
     */
    static String keyProblem(IdentityPacket identity) {
        if (!KEY_ALGORITHM.equals(identity.keyAlgorithm())) {
            return "key algorithm '" + identity.keyAlgorithm() + "' is not supported: only " + KEY_ALGORITHM;
        }
        byte[] encoded;
        try {
            encoded = identity.publicKeyBytes();
        } catch (IllegalArgumentException e) {
            return "the public key is not base64";
        }
        try {
            PublicKey key = KeyFactory.getInstance(KEY_ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
            if (!Arrays.equals(key.getEncoded(), encoded)) {
                return "the public key is not a canonical X.509 " + KEY_ALGORITHM + " key";
            }
            return null;
        } catch (InvalidKeySpecException | RuntimeException e) {
            return "the public key is not an X.509 " + KEY_ALGORITHM + " key";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no " + KEY_ALGORITHM + " support", e);
        }
    }

    /**
     * Undoes the registration of a channel whose identification failed after it was registered:
     * it is unregistered and marked closed (with DISCONNECTED when CONNECTED was posted, even in
     * part), and closed at the transport. Further failures are attached to {@code failure}.
     */
    private void abandon(CoreChannel channel, boolean announced, Throwable failure) {
        String why = "internal error while identifying the channel: " + failure;
        if (!announced) {
            // nobody heard of it: unregistered first, markClosed then posts nothing
            registry.unregister(channel);
        }
        try {
            channel.markClosed(new DisconnectRecord(DisconnectReason.INTERNAL_ERROR, why, false, Instant.now()));
        } catch (Throwable t) {
            registry.unregister(channel);
            failure.addSuppressed(t);
        }
        try {
            channel.close(DisconnectReason.INTERNAL_ERROR, "internal error");
        } catch (Throwable t) {
            failure.addSuppressed(t);
        }
    }

    void rejected(InetSocketAddress remote, DisconnectReason reason, String detail) {
        rejections.record(reason == null ? DisconnectReason.UNKNOWN : reason, String.valueOf(remote),
                detail == null ? "" : detail);
    }

    private ChannelException refusal(DisconnectReason reason, String remote, String message) {
        rejections.record(reason, remote, message);
        return new ChannelException(reason, message);
    }

    private void rememberLostDial(PeerAddress reached, CoreChannel survivor) {
        lostDials.values().removeIf(c -> !c.isOpen());
        if (lostDials.size() < MAX_LOST_DIALS) {
            lostDials.put(reached, survivor);
        }
    }

    private void rememberSelf(PeerAddress address) {
        if (selfAddresses.size() < MAX_SELF_ADDRESSES && selfAddresses.add(address)) {
            LOG.info("{} is this node's own address: it will not be dialled again", address);
        }
        addressBook.forgetAddress(address);
    }

    // ---------------------------------------------------------------- from channels

    void received(CoreChannel channel, Packet packet) {
        packetsIn.increment();
        if (packet instanceof IdentityPacket) {
            rejections.record(DisconnectReason.PROTOCOL_VIOLATION, channel.toString(), "a second IDENTITY");
            channel.close(DisconnectReason.PROTOCOL_VIOLATION, "IDENTITY is allowed only as the first packet");
            return;
        }
        if (packet instanceof DisconnectPacket d && channel.isQueued()) {
            leftQueue(channel, d);
            return;
        }
        channel.route(packet);
    }

    void sent() {
        packetsOut.increment();
    }

    PacketCounters packetCounters() {
        return packetCounters;
    }

    void channelClosed(CoreChannel channel, DisconnectRecord how) {
        InboundQueue.Entry waiting = queue.remove(channel);
        if (waiting != null) {
            waiting.cancelTimeout();
            LOG.info("Inbound request {} of {} ended while it waited: {} {}", waiting.request.requestId(),
                    channel.peerId().shortForm(), how.reason(), how.message());
            return;
        }
        if (!registry.unregister(channel)) {
            LOG.debug("Replaced channel {} closed: {}", channel, how.reason());
            return;
        }
        partings.put(channel.peerId(), how);
        knownPeers.recordDisconnect(channel.peerId(), how, channel.lastActivity());
        addressBook.seen(channel.peerId(), channel.lastReceived());
        LOG.info("Channel {} closed: {}{} {}", channel, how.reason(), how.byRemote() ? " (by the peer)" : "",
                how.message());
        publish(new PeerEvent(PeerEvent.Kind.DISCONNECTED, channel.peerId(), channel.remoteAddress(),
                channel.direction(), Optional.of(how)));
    }

    void disconnectedLocally(CoreChannel channel, DisconnectRecord how) {
        partings.put(channel.peerId(), how);
        knownPeers.recordDisconnect(channel.peerId(), how, channel.lastActivity());
    }

    private void publish(PeerEvent event) {
        EventAdmin events = eventAdmin;
        if (events != null) {
            try {
                events.postEvent(toEvent(event));
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.debug("EventAdmin refused {}", event.topic(), t);
            }
        }
        for (LazyService<PeerListener> lazy : listeners.values()) {
            PeerListener listener = lazy.get();
            if (listener == null) {
                continue;
            }
            try {
                listener.peerEvent(event);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                LOG.warn("Peer listener {} failed on {} of {}", listener, event.kind(), event.peerId().shortForm(), t);
            }
        }
    }

    static Event toEvent(PeerEvent event) {
        Map<String, Object> props = new HashMap<>();
        props.put(PeerEvent.PROP_PEER_ID, event.peerId().value());
        props.put(PeerEvent.PROP_ADDRESS, event.address().toString());
        props.put(PeerEvent.PROP_DIRECTION, event.direction().name());
        event.disconnect().ifPresent(d -> {
            props.put(PeerEvent.PROP_REASON, d.reason().name());
            props.put(PeerEvent.PROP_MESSAGE, d.message());
            props.put(PeerEvent.PROP_BY_REMOTE, d.byRemote());
        });
        return new Event(event.topic(), props);
    }

    // ---------------------------------------------------------------- PeerNetwork

    @Override
    public NodeIdentity identity() {
        return new NodeIdentity(key.peerId(), key.publicKey().getEncoded(), NodeKeyStore.ALGORITHM,
                settings.networkName(), listenPort(), PROTOCOL_VERSION, agent);
    }

    @Override
    public NodeStatus status() {
        TransportBinding b = binding;
        InetSocketAddress bound = b == null ? null : b.bound();
        PeerAddress listening = bound == null || bound.getPort() == 0 ? null : Addresses.of(bound);
        return new NodeStatus(identity(), listening, settings.acceptInbound(), b == null ? null : b.name(),
                registry.count(ChannelDirection.INBOUND), registry.count(ChannelDirection.OUTBOUND),
                knownPeers.size(), packetsIn.sum(), packetsOut.sum(), rejections.snapshot(),
                rejectedConfigurations.sum(), b == null ? null : b.listenProblem());
    }

    @Override
    public Collection<PeerInfo> knownPeers() {
        return List.copyOf(knownPeers.snapshot(this::isConnected, this::lastActivity));
    }

    @Override
    public Optional<PeerInfo> knownPeer(PeerId id) {
        return knownPeers.get(Objects.requireNonNull(id, "id"), this::isConnected, this::lastActivity);
    }

    private boolean isConnected(PeerId id) {
        return registry.byPeer(id).map(CoreChannel::isOpen).orElse(false);
    }

    private Instant lastActivity(PeerId id) {
        return registry.byPeer(id).map(CoreChannel::lastActivity).orElse(null);
    }

    @Override
    public Collection<PeerChannel> activeChannels() {
        List<PeerChannel> open = new ArrayList<>();
        for (CoreChannel c : registry.registered()) {
            if (c.isOpen()) {
                open.add(c);
            }
        }
        return List.copyOf(open);
    }

    @Override
    public int minPeers() {
        return settings.minPeers();
    }

    @Override
    public Collection<PeerChannel> trustedChannels() {
        return activeChannels().stream().filter(c -> c.trustLevel() == TrustLevel.ENHANCED).toList();
    }

    @Override
    public Optional<PeerChannel> channel(PeerId id) {
        return registry.byPeer(Objects.requireNonNull(id, "id")).filter(CoreChannel::isOpen).<PeerChannel>map(c -> c);
    }

    /**
     * A full 64-digit id resolves to itself, known or not; a shorter prefix (4 or more hex
     * digits) must match exactly one known peer or open channel.
     */
    @Override
    public PeerId resolve(String idOrPrefix) {
        String text = idOrPrefix == null ? "" : idOrPrefix.trim();
        String prefix = text.toLowerCase(Locale.ROOT);
        if (prefix.length() < 4) {
            throw new IllegalArgumentException("'" + text + "' is too short: give at least 4 hex digits of a peer id");
        }
        if (prefix.length() > PeerId.LENGTH) {
            throw new IllegalArgumentException("'" + text + "' is longer than a peer id (" + PeerId.LENGTH
                    + " hex digits)");
        }
        for (int i = 0; i < prefix.length(); i++) {
            char c = prefix.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                throw new IllegalArgumentException("'" + text + "' is not a peer id: only hex digits 0-9 and a-f");
            }
        }
        if (prefix.length() == PeerId.LENGTH) {
            return PeerId.parse(prefix);
        }
        Set<PeerId> candidates = new LinkedHashSet<>(knownPeers.ids());
        registry.registered().forEach(c -> candidates.add(c.peerId()));
        List<PeerId> matches = candidates.stream().filter(id -> id.value().startsWith(prefix)).toList();
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("no peer matches '" + text + "'");
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("'" + text + "' is ambiguous: matches " + matches.size() + " peers");
        }
        return matches.get(0);
    }

    /** Dials for the operator or an application: a peer reached so enters the address book as {@code manual}. */
    @Override
    public CompletionStage<PeerChannel> connect(PeerAddress address) {
        return connect(address, AddressBook.MANUAL);
    }

    /**
     * Dials an address. Every dial this starts is recorded in the address book (lastAttempt, then
     * success or failure); a peer reached enters it with {@code source} when it is not known yet.
     */
    private CompletionStage<PeerChannel> connect(PeerAddress address, String source) {
        Objects.requireNonNull(address, "address");
        if (!running) {
            return failed(DisconnectReason.SHUTDOWN, "the peer network is stopped");
        }
        Verdict verdict = checkDial(address);
        if (!verdict.allowed()) {
            return CompletableFuture.failedFuture(refusal(verdict.reason(), address.toString(),
                    "not dialling " + address + ": " + verdict.message()));
        }
        Optional<CoreChannel> existing = openChannelAt(address);
        if (existing.isPresent()) {
            return CompletableFuture.completedFuture(existing.get());
        }
        TransportBinding b = binding;
        if (isSelf(address, b)) {
            return failed(DisconnectReason.SELF_CONNECTION, address + " is this node's own address");
        }
        RetryBlock block = retryBlockFor(address);
        if (block != null) {
            long seconds = Math.max(1, Duration.between(clock.instant(), block.notBefore()).toSeconds());
            return failed(block.reason(), "peer " + block.peer().shortForm() + " at " + address
                    + " asked not to be dialled before " + block.notBefore() + " (in " + seconds + " s)"
                    + (block.message().isEmpty() ? "" : ": " + block.message()));
        }
        if (b == null || b.isDetached()) {
            return failed(DisconnectReason.SHUTDOWN, NO_TRANSPORT);
        }
        if (!b.isOpened()) {
            return failed(DisconnectReason.SHUTDOWN, "the channel transport " + b.name()
                    + " did not start (see the log): change port or bindAddress (config:edit " + PID + ")");
        }
        CompletableFuture<PeerChannel> result;
        synchronized (dials) {
            CompletableFuture<PeerChannel> inflight = dials.get(address);
            if (inflight != null) {
                return inflight.copy();
            }
            int max = settings.maxOutboundChannels();
            if (registry.count(ChannelDirection.OUTBOUND) + dials.size() >= max) {
                ChannelException e = refusal(DisconnectReason.TOO_MANY_CHANNELS, address.toString(),
                        "the outbound channel limit of " + max + " is reached");
                return CompletableFuture.failedFuture(e);
            }
            result = new CompletableFuture<>();
            dials.put(address, result);
        }
        addressBook.dialStarted(address);
        result.whenComplete((channel, failure) -> {
            if (failure == null) {
                addressBook.established(channel.peerId(), address, source, true);
            } else if (running) {
                addressBook.dialFailed(address);
            }
        });
        CompletionStage<TransportChannel> dial;
        try {
            dial = b.transport().dial(address);
        } catch (RuntimeException e) {
            dial = CompletableFuture.failedFuture(e);
        }
        dial.whenComplete((tc, failure) -> {
            synchronized (dials) {
                dials.remove(address, result);
            }
            if (failure == null) {
                CoreChannel channel = tc == null ? null : registry.byTransport(tc);
                if (channel != null) {
                    channel.dialledAs(address);
                    result.complete(channel);
                } else {
                    result.completeExceptionally(new ChannelException(DisconnectReason.CONNECTION_LOST,
                            "the channel to " + address + " closed right after its handshake"));
                }
            } else {
                dialFailed(result, address, failure);
            }
        });
        return result.copy();
    }

    /**
     * The policy's verdict on dialling an address. Only an IP literal is checked here (a host name
     * is never looked up for it); a name's channel is checked after IDENTITY, at its socket address.
     */
    private Verdict checkDial(PeerAddress address) {
        if (policies.isEmpty()) {
            return Verdict.ALLOW;
        }
        return Addresses.literal(address.host()).map(policies::checkAddress).orElse(Verdict.ALLOW);
    }

    private void dialFailed(CompletableFuture<PeerChannel> result, PeerAddress address, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof ChannelException ce) {
            if (ce.reason() == DisconnectReason.DUPLICATE_CHANNEL) {
                Optional<PeerChannel> survivor = survivorOf(cause, address);
                if (survivor.isPresent()) {
                    result.complete(survivor.get());
                    return;
                }
            } else if (ce.reason() == DisconnectReason.SELF_CONNECTION) {
                rememberSelf(address);
            }
            result.completeExceptionally(ce);
        } else {
            result.completeExceptionally(new ChannelException(DisconnectReason.CONNECTION_LOST,
                    "cannot connect to " + address + ": " + cause.getMessage(), cause));
        }
    }

    /** The channel kept instead of a dial that lost the duplicate rule (here or at the peer). */
    private Optional<PeerChannel> survivorOf(Throwable failure, PeerAddress address) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof DuplicateChannelException d && d.survivor() != null && d.survivor().isOpen()) {
                return Optional.of(d.survivor());
            }
        }
        for (Map.Entry<PeerAddress, CoreChannel> lost : lostDials.entrySet()) {
            if (Addresses.same(lost.getKey(), address) && lostDials.remove(lost.getKey(), lost.getValue())
                    && lost.getValue().isOpen()) {
                return Optional.of(lost.getValue());
            }
        }
        return openChannelAt(address).<PeerChannel>map(c -> c);
    }

    /**
     * An open outbound channel this node dialled at {@code address}. A channel the peer dialled is
     * never reused for an address, even if the peer advertises it: another peer may listen there.
     */
    private Optional<CoreChannel> openChannelAt(PeerAddress address) {
        for (CoreChannel c : registry.registered()) {
            if (c.isOpen() && c.dialledAt(address)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private boolean isSelf(PeerAddress address, TransportBinding b) {
        for (PeerAddress self : selfAddresses) {
            if (Addresses.same(self, address)) {
                return true;
            }
        }
        InetSocketAddress bound = b == null ? null : b.bound();
        return bound != null && bound.getAddress() != null && !bound.getAddress().isAnyLocalAddress()
                && Addresses.same(Addresses.of(bound), address);
    }

    /** Remembers a retry-after request, keeping at most {@link #MAX_RETRY_BLOCKS}. */
    private void addRetryBlock(RetryBlock block) {
        synchronized (retryBlocks) {
            if (!retryBlocks.containsKey(block.peer()) && retryBlocks.size() >= MAX_RETRY_BLOCKS) {
                Instant now = clock.instant();
                retryBlocks.values().removeIf(b -> !b.notBefore().isAfter(now));
                if (retryBlocks.size() >= MAX_RETRY_BLOCKS) {
                    retryBlocks.values().stream().min(Comparator.comparing(RetryBlock::notBefore))
                            .ifPresent(soonest -> retryBlocks.remove(soonest.peer(), soonest));
                }
            }
            retryBlocks.put(block.peer(), block);
        }
    }

    int retryBlockCount() {
        return retryBlocks.size();
    }

    private RetryBlock retryBlockFor(PeerAddress address) {
        Instant now = clock.instant();
        for (RetryBlock block : retryBlocks.values()) {
            if (!block.notBefore().isAfter(now)) {
                retryBlocks.remove(block.peer(), block);
            } else if (block.addresses().stream().anyMatch(a -> Addresses.same(a, address))) {
                return block;
            }
        }
        return null;
    }

    @Override
    public CompletionStage<Void> disconnect(PeerId peer, DisconnectReason reason, String message) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(reason, "reason");
        Optional<CoreChannel> channel = registry.byPeer(peer).filter(CoreChannel::isOpen);
        if (channel.isEmpty()) {
            return failed(DisconnectReason.CONNECTION_LOST, "no open channel with " + peer.shortForm());
        }
        return channel.get().disconnect(reason, message);
    }

    @Override
    public CompletionStage<Void> send(PeerId peer, Packet packet) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(packet, "packet");
        Optional<CoreChannel> channel = registry.byPeer(peer).filter(CoreChannel::isOpen);
        if (channel.isEmpty()) {
            return failed(DisconnectReason.CONNECTION_LOST, "no open channel with " + peer.shortForm());
        }
        return channel.get().send(packet);
    }

    @Override
    public void recordIdentity(PeerChannel channel, IdentityPacket identity) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(identity, "identity");
        if (!identity.peerId().equals(channel.peerId())) {
            LOG.warn("Ignoring an IDENTITY of {} recorded for the channel of {}", identity.peerId().shortForm(),
                    channel.peerId().shortForm());
            return;
        }
        PeerAddress observed = channel.remoteAddress();
        PeerAddress address = identity.listenPort() > 0
                ? new PeerAddress(observed.host(), identity.listenPort())
                : observed;
        knownPeers.recordIdentity(identity.peerId(), address, identity.agent(), identity.protocolVersion(),
                Instant.now(), this::isConnected);
    }

    @Override
    public void recordDisconnect(PeerChannel channel, DisconnectPacket disconnect) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(disconnect, "disconnect");
        Instant now = clock.instant();
        PeerId peer = channel.peerId();
        DisconnectRecord how = new DisconnectRecord(disconnect.reason(), disconnect.message(), true, now);
        knownPeers.recordDisconnect(peer, how, now);
        Long retryAfter = disconnect.retryAfterSeconds();
        CoreChannel core = channel instanceof CoreChannel c ? c : registry.byPeer(peer).orElse(null);
        if (retryAfter != null && retryAfter > 0) {
            Duration wait = Duration.ofSeconds(Math.min(retryAfter, MAX_RETRY_AFTER.toSeconds()));
            // only addresses this node dialled on that channel: a claimed listen address may be someone else's
            Set<PeerAddress> addresses = core == null ? Set.of() : core.dialledAddresses();
            addRetryBlock(new RetryBlock(peer, addresses, now.plus(wait), disconnect.reason(), disconnect.message()));
        }
        LOG.info("Peer {} ended the channel: {} {}{}", peer.shortForm(), disconnect.reason(), disconnect.message(),
                retryAfter == null ? "" : " (retry after " + retryAfter + " s)");
        if (core != null) {
            core.closeByRemote(how);
        }
    }

    /**
     * The wire counters per type; see {@link PacketCounters} for the cap of {@value PacketCounters#MAX_TYPES}
     * distinct types the node does not know, past which packets are counted under {@code (other)}.
     */
    @Override
    public List<PacketTypeStats> packetStats() {
        return packetCounters.snapshot();
    }

    @Override
    public List<HandlerInfo> handlers() {
        return dispatcher.info();
    }

    // ---------------------------------------------------------------- address book and routines

    @Override
    public List<AddressBookEntry> addressBook() {
        return List.copyOf(addressBook.snapshot());
    }

    /**
     * The book's dialable entries (not connected, not aging out, backoff elapsed) that are not
     * being dialled, not this node, not refused by the inbound policy and not under a peer's
     * retry-after request, spread over address groups (see {@link AddressBook#spread}).
     */
    @Override
    public List<AddressBookEntry> dialCandidates(int max) {
        if (max <= 0 || !running) {
            return List.of();
        }
        // addresses being dialled or under a retry-after request, by Addresses.key: one look-up per entry
        Set<String> excluded = new java.util.HashSet<>();
        synchronized (dials) {
            dials.keySet().forEach(a -> excluded.add(Addresses.key(a)));
        }
        Instant now = clock.instant();
        Set<PeerId> retryPeers = new java.util.HashSet<>();
        for (RetryBlock block : retryBlocks.values()) {
            if (block.notBefore().isAfter(now)) {
                retryPeers.add(block.peer());
                block.addresses().forEach(a -> excluded.add(Addresses.key(a)));
            }
        }
        TransportBinding b = binding;
        List<AddressBookEntry> eligible = new ArrayList<>();
        for (AddressBookEntry e : addressBook.dialable()) {
            PeerAddress a = e.address();
            if (offers.isDialling(e.peerId()) || retryPeers.contains(e.peerId()) || excluded.contains(Addresses.key(a))
                    || e.peerId().equals(key.peerId()) || isSelf(a, b) || !policyAllowsDial(e.peerId(), a)
                    || coolingDown(e.peerId(), now)) {
                continue;
            }
            eligible.add(e);
        }
        return AddressBook.spread(eligible, max);
    }

    /**
     * True while the peer's last channel ended deliberately, by either side, recently: a peer that
     * asked to part (or was sent away) is not redialled by the routines for {@link #DELIBERATE_COOLDOWN},
     * a full one for {@link #FULL_COOLDOWN}. An operator's connect() is not affected.
     */
    private boolean coolingDown(PeerId peer, Instant now) {
        Optional<DisconnectRecord> last = Optional.ofNullable(partings.get(peer));
        if (last.isEmpty()) {
            return false;
        }
        Duration cooldown = switch (last.get().reason()) {
            case REQUESTED, BLOCKED, NOT_TRUSTED, NETWORK_MISMATCH, PROTOCOL_MISMATCH, INVALID_IDENTITY,
                    INBOUND_DISABLED -> DELIBERATE_COOLDOWN;
            case TOO_MANY_CHANNELS -> FULL_COOLDOWN;
            default -> Duration.ZERO;
        };
        return last.get().at().plus(cooldown).isAfter(now);
    }

    /** checkAddress for an IP literal, then checkPeer(peer, ip, OUTBOUND); a host name is never looked up. */
    private boolean policyAllowsDial(PeerId peer, PeerAddress address) {
        if (policies.isEmpty()) {
            return true;
        }
        Optional<InetAddress> ip = Addresses.literal(address.host());
        if (ip.isPresent() && !policies.checkAddress(ip.get()).allowed()) {
            return false;
        }
        return policies.checkPeer(peer, ip.orElse(null), ChannelDirection.OUTBOUND).allowed();
    }

    @Override
    public void saveAddressBook() {
        addressBook.save();
    }

    /**
     * P2PNet's DiscernPeerChannels: each open registered channel is asked of the inbound policy
     * again ({@code checkPeer}; refused → closed with the policy's reason), then closed with
     * IDLE_TIMEOUT when nothing was received on it for longer than {@code inactivityLimit}; then
     * the channels above the high watermark are trimmed.
     *
     * @throws IllegalArgumentException when the limit is null, zero or negative
     */
    @Override
    public DiscernResult discernChannels(Duration inactivityLimit) {
        if (inactivityLimit == null || inactivityLimit.isZero() || inactivityLimit.isNegative()) {
            throw new IllegalArgumentException("inactivityLimit must be a positive duration, got " + inactivityLimit);
        }
        if (!running) {
            return new DiscernResult(0, 0, 0);
        }
        Instant idleBefore = clock.instant().minus(inactivityLimit);
        int refused = 0;
        int inactive = 0;
        for (CoreChannel c : registry.registered()) {
            if (!c.isOpen() || c.isEnding()) {
                continue;
            }
            InetAddress ip = c.transport().remoteAddress() == null ? null : c.transport().remoteAddress().getAddress();
            Verdict verdict = policies.checkPeer(c.peerId(), ip, c.direction());
            if (!verdict.allowed()) {
                if (c.claimEnding(verdict.reason(), verdict.message())) {
                    refused++;
                    rejections.record(verdict.reason(), c.toString(), verdict.message());
                    c.disconnect(verdict.reason(), verdict.message());
                }
                continue;
            }
            if (c.lastReceived().isBefore(idleBefore)) {
                String message = "nothing received for " + human(inactivityLimit);
                if (c.claimEnding(DisconnectReason.IDLE_TIMEOUT, message)) {
                    inactive++;
                    rejections.record(DisconnectReason.IDLE_TIMEOUT, c.toString(), message);
                    c.disconnect(DisconnectReason.IDLE_TIMEOUT, message);
                }
            }
        }
        int trimmed = trim(null);
        if (refused + inactive + trimmed > 0) {
            LOG.info("Discerned channels: {} refused by the policy, {} inactive for {}, {} trimmed", refused, inactive,
                    human(inactivityLimit), trimmed);
        }
        return new DiscernResult(refused, inactive, trimmed);
    }

    /** A duration for people: {@code 2 h}, {@code 60 min}, {@code 90 s}, {@code 500 ms}. */
    static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }

    /** The address book itself, for tests. */
    AddressBook book() {
        return addressBook;
    }

    // ---------------------------------------------------------------- NodeSigner

    @Override
    public PeerId peerId() {
        return key.peerId();
    }

    @Override
    public byte[] publicKey() {
        return key.publicKey().getEncoded();
    }

    @Override
    public byte[] sign(byte[] data) {
        return fastSigner.sign(data);
    }

    // ---------------------------------------------------------------- discovery

    @Override
    public OfferOutcome offer(DiscoveredPeer peer) {
        Objects.requireNonNull(peer, "peer");
        if (peer.peerId().equals(key.peerId())) {
            return OfferOutcome.SELF;
        }
        TransportBinding bound = binding;
        peer.addresses().stream().filter(a -> !isSelf(a, bound) && checkDial(a).allowed()).findFirst()
                .ifPresent(a -> addressBook.offered(peer.peerId(), a, peer.source()));
        if (registry.byPeer(peer.peerId()).filter(CoreChannel::isOpen).isPresent()) {
            return OfferOutcome.ALREADY_CONNECTED;
        }
        TransportBinding b = binding;
        if (!running || b == null || b.isDetached() || !b.isOpened()) {
            return OfferOutcome.NO_TRANSPORT;
        }
        if (offers.backingOff(peer.peerId()) || coolingDown(peer.peerId(), clock.instant())) {
            return OfferOutcome.BACKING_OFF;
        }
        if (registry.count(ChannelDirection.OUTBOUND) >= settings.maxOutboundChannels()) {
            return OfferOutcome.LIMIT_REACHED;
        }
        List<PeerAddress> dialable = peer.addresses().stream().filter(a -> checkDial(a).allowed()).toList();
        if (dialable.isEmpty()) {
            LOG.debug("Not dialling {} found by {}: every address is blocked {}", peer.peerId().shortForm(),
                    peer.source(), peer.addresses());
            return OfferOutcome.BLOCKED;
        }
        if (!offers.startDial(peer.peerId())) {
            return OfferOutcome.ALREADY_CONNECTED;
        }
        LOG.debug("Dialling {} found by {} at {}", peer.peerId().shortForm(), peer.source(), dialable);
        dialInTurn(peer, dialable, 0);
        return OfferOutcome.DIALLING;
    }

    /** Tries the peer's addresses one after another until one gives a channel. */
    private void dialInTurn(DiscoveredPeer peer, List<PeerAddress> addresses, int index) {
        connect(addresses.get(index), peer.source()).whenComplete((channel, failure) -> {
            if (failure == null) {
                offers.dialEnded(peer.peerId(), true);
                if (!channel.peerId().equals(peer.peerId())) {
                    LOG.info("{} found {} at {}, but {} answered there", peer.source(), peer.peerId().shortForm(),
                            addresses.get(index), channel.peerId().shortForm());
                }
            } else if (index + 1 < addresses.size() && running) {
                dialInTurn(peer, addresses, index + 1);
            } else {
                offers.dialEnded(peer.peerId(), false);
                LOG.debug("No address of {} found by {} answered: {}", peer.peerId().shortForm(), peer.source(),
                        failure.getMessage());
            }
        });
    }

    // ---------------------------------------------------------------- trust: enforcement

    /** The level the core enforces on a channel: at most DEFAULT while no inbound policy is installed. */
    TrustLevel effectiveLevel(CoreChannel channel) {
        TrustLevel level = channel.trustLevel();
        return policies.isEmpty() ? level.min(TrustLevel.DEFAULT) : level;
    }

    /** True when the channel's effective level allows the packet's type. */
    boolean permits(CoreChannel channel, Packet packet) {
        return effectiveLevel(channel).atLeast(TrustLevel.requiredFor(packet.type()));
    }

    /** Dispatches a packet its channel's level allows; drops and counts any other. */
    void enforce(CoreChannel channel, Packet packet) {
        TrustLevel level = effectiveLevel(channel);
        TrustLevel required = TrustLevel.requiredFor(packet.type());
        if (level.atLeast(required)) {
            dispatcher.dispatch(channel, packet);
        } else {
            dropUntrusted(channel, packet, level, "it needs trust level " + required);
        }
    }

    /** A packet found no room among the held ones (trust protocol pending, or waiting in the inbound queue). */
    void dropHeldOverflow(CoreChannel channel, Packet packet) {
        dropUntrusted(channel, packet, effectiveLevel(channel), channel.isQueued()
                ? "the peer waits in the inbound queue and " + CoreChannel.MAX_QUEUED_PACKETS
                        + " of its packets are buffered already"
                : "the trust protocol runs and the channel's held packets are at their bound ("
                        + CoreChannel.MAX_HELD_PACKETS + " packets, " + CoreChannel.MAX_HELD_BYTES + " bytes)");
    }

    /**
     * Counts a dropped packet (channel and node), logs at most once a second, and closes the
     * channel with NOT_TRUSTED once its drops exceed {@code maxUntrustedPackets}.
     */
    private void dropUntrusted(CoreChannel channel, Packet packet, TrustLevel level, String why) {
        long n = channel.countUntrustedDrop();
        droppedUntrusted.increment();
        long skipped = untrustedLog.pass();
        if (skipped >= 0) {
            LOG.warn("Dropped a {} packet from {}: {}, the channel is at {}{}", packet.type(), channel, why, level,
                    skipped == 0 ? "" : " (" + skipped + " more drops not logged)");
        }
        int max = settings.maxUntrustedPackets();
        if (n > max && channel.claimUntrustedClose()) {
            closedUntrusted.increment();
            String message = "sent " + n + " packets that need more than its trust level " + level;
            rejections.record(DisconnectReason.NOT_TRUSTED, channel.toString(), message
                    + " (maxUntrustedPackets " + max + ")");
            if (channel.isQueued()) {
                InboundQueue.Entry entry = queue.remove(channel);
                if (entry != null) {
                    entry.cancelTimeout();
                }
                channel.close(DisconnectReason.NOT_TRUSTED, message);
            } else {
                channel.disconnect(DisconnectReason.NOT_TRUSTED, message);
            }
        }
    }

    // ---------------------------------------------------------------- trust: levels and protocol runs

    @Override
    public void setTrustLevel(PeerId peer, TrustLevel level, String reason) {
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(level, "level");
        CoreChannel channel = registry.byPeer(peer).filter(CoreChannel::isOpen).orElseThrow(
                () -> new IllegalArgumentException("no open channel with " + peer.shortForm()));
        if (level == TrustLevel.ENHANCED && policies.isEmpty()) {
            throw new IllegalStateException(NO_POLICY_ENHANCED);
        }
        TrustLevel old = channel.trustLevel();
        channel.trustLevel(level);
        channel.nextTrustRun(); // a protocol run still under way no longer decides
        channel.takeAwaitingProtocol(); // nor does one owed until a protocol is installed
        LOG.info("Trust of {}: {} -> {}{}", peer.shortForm(), old, level,
                reason == null || reason.isBlank() ? "" : " (" + reason + ")");
        channel.endPending();
    }

    /**
     * Runs the highest-ranked trust protocol on a channel marked pending, on the core executor.
     * With none installed (or the executor stopped) pending ends at once.
     */
    private void runTrustProtocol(CoreChannel channel) {
        long token = channel.nextTrustRun();
        Optional<TrustProtocol> protocol = protocols.first();
        if (protocol.isEmpty()) {
            LOG.debug("No trust protocol is installed yet: {} stays at {} until one is", channel, channel.trustLevel());
            channel.awaitProtocol();
            channel.endPending();
            return;
        }
        if (!execute(() -> startTrustRun(channel, protocol.get(), token))) {
            channel.endPending();
        }
    }

    private void startTrustRun(CoreChannel channel, TrustProtocol protocol, long token) {
        CompletableFuture<TrustLevel> outcome = new CompletableFuture<>();
        try {
            CompletionStage<TrustLevel> run = protocol.run(channel);
            if (run == null) {
                outcome.completeExceptionally(new IllegalStateException("run() returned null"));
            } else {
                run.whenComplete((level, failure) -> {
                    if (failure != null) {
                        outcome.completeExceptionally(failure);
                    } else {
                        outcome.complete(level);
                    }
                });
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            outcome.completeExceptionally(t);
        }
        long seconds = settings.trustProtocolTimeout().toSeconds();
        Future<?> timer = schedule(() -> outcome.completeExceptionally(
                new TimeoutException("no outcome within " + seconds + " s (trustProtocolTimeoutSeconds)")),
                seconds, TimeUnit.SECONDS);
        outcome.whenComplete((level, failure) -> {
            if (timer != null) {
                timer.cancel(false);
            }
            Runnable end = () -> trustRunEnded(channel, protocol, token, level, failure);
            if (!execute(end)) {
                channel.discardHeld();
            }
        });
    }

    private void trustRunEnded(CoreChannel channel, TrustProtocol protocol, long token, TrustLevel level,
                               Throwable failure) {
        if (!channel.isCurrentTrustRun(token)) {
            return;
        }
        Throwable cause = unwrap(failure);
        if (cause == null && level != null) {
            TrustLevel applied = policies.isEmpty() ? level.min(TrustLevel.DEFAULT) : level;
            TrustLevel old = channel.trustLevel();
            channel.trustLevel(applied);
            LOG.info("Trust of {}: {} -> {} (trust protocol {})", channel.peerId().shortForm(), old, applied,
                    protocol.getClass().getName());
            channel.endPending();
            return;
        }
        if (cause instanceof TrustRefusedException refused) {
            String message = refused.getMessage() == null || refused.getMessage().isBlank()
                    ? "the trust protocol refused the peer" : refused.getMessage();
            rejections.record(DisconnectReason.NOT_TRUSTED, channel.toString(), message);
            channel.discardHeld();
            channel.disconnect(DisconnectReason.NOT_TRUSTED, message);
            return;
        }
        long skipped = trustFailureLog.pass();
        if (skipped >= 0) {
            String what = cause == null ? "completed without a level" : String.valueOf(cause.getMessage());
            LOG.warn("Trust protocol {} on {} failed: {}; the channel stays at {}{}", protocol.getClass().getName(),
                    channel, what, channel.trustLevel(),
                    skipped == 0 ? "" : " (" + skipped + " more failures not logged)");
        }
        channel.endPending();
    }

    /** The cause under CompletionException / ExecutionException wrappers. */
    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /**
     * A policy bound while none was: channels admitted during the fail-closed period are admitted
     * again by it (its checkPeer, then its level, then the trust protocol if it says so).
     */
    private void readmitFailClosed() {
        for (CoreChannel channel : registry.registered()) {
            if (!running || policies.isEmpty()) {
                return;
            }
            if (!channel.isOpen() || !channel.takeAdmittedFailClosed()) {
                continue;
            }
            InetAddress ip = channel.transport().remoteAddress() == null ? null
                    : channel.transport().remoteAddress().getAddress();
            Verdict verdict = policies.checkPeer(channel.peerId(), ip, channel.direction());
            if (!verdict.allowed()) {
                rejections.record(verdict.reason(), channel.toString(), verdict.message());
                channel.disconnect(verdict.reason(), verdict.message());
                continue;
            }
            Admission admission = policies.admission(channel.peerId(), ip, channel.direction());
            TrustLevel old = channel.trustLevel();
            channel.trustLevel(admission.level());
            LOG.info("Trust of {}: {} -> {} (re-admitted: an inbound policy is installed now)",
                    channel.peerId().shortForm(), old, admission.level());
            if (admission.runTrustProtocol()) {
                channel.startPending();
                runTrustProtocol(channel);
            }
        }
    }

    @Override
    public TrustSummary trustSummary() {
        return new TrustSummary(policies.describe(), protocols.describe(), policies.isEmpty(),
                droppedUntrusted.sum(), closedUntrusted.sum(), queue.size(),
                settings.inboundWithoutPolicy() == CoreSettings.InboundWithoutPolicy.QUEUE);
    }

    /** Runs a task on the core executor. @return false when it is stopped */
    private boolean execute(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Core task failed", e);
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            return false;
        }
    }

    /** Schedules a task on the core executor. @return its future, or null when the executor is stopped */
    private Future<?> schedule(Runnable task, long delay, TimeUnit unit) {
        try {
            return executor.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.error("Core timer task failed", e);
                }
            }, delay, unit);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    // ---------------------------------------------------------------- trust: inbound attempts and the queue

    private void postInboundAttempt(InboundRequest request, ChannelDirection direction) {
        EventAdmin events = eventAdmin;
        if (events == null) {
            return;
        }
        Map<String, Object> props = new HashMap<>();
        props.put(PeerEvent.PROP_PEER_ID, request.peerId().value());
        props.put(PeerEvent.PROP_ADDRESS, request.remote().toString());
        props.put(PeerEvent.PROP_DIRECTION, direction.name());
        props.put(PROP_REQUEST_ID, request.requestId());
        try {
            events.postEvent(new Event(InboundListener.TOPIC, props));
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) {
            LOG.debug("EventAdmin refused {}", InboundListener.TOPIC, t);
        }
    }

    /** Asks every inbound listener in ranking order until one refuses; a throwing one does not object. */
    private Verdict askInboundListeners(InboundRequest request) {
        for (InboundListener listener : inboundListeners.available()) {
            try {
                Verdict verdict = listener.inboundAttempt(request);
                if (verdict != null && !verdict.allowed()) {
                    return verdict;
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable t) {
                long skipped = listenerFailureLog.pass();
                if (skipped >= 0) {
                    LOG.warn("Inbound listener {} failed on {}; counted as no objection{}", listener,
                            request.peerId().shortForm(),
                            skipped == 0 ? "" : " (" + skipped + " more failures not logged)", t);
                }
            }
        }
        return Verdict.ALLOW;
    }

    /** Holds an identified inbound channel in the queue, with its timeout. @throws ChannelException when full */
    private void enqueue(InboundQueue.Entry entry, String remote) {
        CoreSettings s = settings;
        CoreChannel channel = entry.channel;
        channel.enterQueue();
        InboundQueue.Entry[] replaced = new InboundQueue.Entry[1];
        if (!queue.add(entry, s.inboundQueueCapacity(), replaced)) {
            throw refusal(DisconnectReason.TOO_MANY_CHANNELS, remote + " (" + channel.peerId().shortForm() + ")",
                    "the inbound queue is full (" + s.inboundQueueCapacity() + ")");
        }
        if (replaced[0] != null) {
            replaced[0].cancelTimeout();
            replaced[0].channel.close(DisconnectReason.DUPLICATE_CHANNEL,
                    "the peer reconnected: a newer channel replaces this one in the inbound queue");
        }
        long seconds = s.inboundQueueTimeout().toSeconds();
        String id = entry.request.requestId();
        entry.timeout = schedule(() -> queueTimedOut(id, seconds), seconds, TimeUnit.SECONDS);
        LOG.info("Inbound peer {} at {} waits in the inbound queue (request {}, {} s at most): p2p:inbound-accept {}",
                channel.peerId().shortForm(), channel.remoteAddress(), id, seconds, id);
    }

    /**
     * Nanoseconds left of the startup wait for a first inbound policy, or 0 once it is over, once
     * any policy was installed, or when policyWaitSeconds is 0.
     */
    private long policyWaitLeftNanos(CoreSettings s) {
        if (hadPolicy || s.policyWait().isZero()) {
            return 0;
        }
        return Math.max(0, s.policyWait().toNanos() - (System.nanoTime() - startedNanos));
    }

    /**
     * Holds an inbound peer that arrived in the startup wait, before any inbound policy: in the
     * inbound queue (its capacity bounds them), until the first policy decides it
     * ({@link #admitAwaitingPolicy}) or the wait ends, when it is refused as it would have been at once.
     */
    private void holdForPolicy(InboundQueue.Entry entry, String remote, long waitNanos) {
        CoreSettings s = settings;
        CoreChannel channel = entry.channel;
        channel.enterQueue();
        InboundQueue.Entry[] replaced = new InboundQueue.Entry[1];
        if (!queue.add(entry, s.inboundQueueCapacity(), replaced)) {
            throw refusal(DisconnectReason.NOT_TRUSTED, remote + " (" + channel.peerId().shortForm() + ")",
                    NO_POLICY_INBOUND);
        }
        if (replaced[0] != null) {
            replaced[0].cancelTimeout();
            replaced[0].channel.close(DisconnectReason.DUPLICATE_CHANNEL,
                    "the peer reconnected: a newer channel replaces this one in the inbound queue");
        }
        String id = entry.request.requestId();
        entry.timeout = schedule(() -> policyWaitEnded(id), waitNanos, TimeUnit.NANOSECONDS);
        LOG.info("Inbound peer {} at {} is held until an inbound trust policy is installed (the node started {} ms"
                        + " ago; at most {} ms more)", channel.peerId().shortForm(), channel.remoteAddress(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos), TimeUnit.NANOSECONDS.toMillis(waitNanos));
        if (!policies.isEmpty()) {
            // a policy came while this peer was being held: it may have missed admitAwaitingPolicy
            execute(this::admitAwaitingPolicy);
        }
    }

    private void policyWaitEnded(String requestId) {
        InboundQueue.Entry entry = queue.remove(requestId);
        if (entry == null) {
            return;
        }
        rejections.record(DisconnectReason.NOT_TRUSTED, entry.channel.toString(),
                "no inbound trust policy was installed within policyWaitSeconds of the start");
        entry.channel.close(DisconnectReason.NOT_TRUSTED, NO_POLICY_INBOUND);
    }

    /**
     * The first inbound policy decides the peers held since the start: refused when it refuses
     * them, left in the queue for an operator when it says QUEUE, otherwise admitted as
     * p2p:inbound-accept would (its level, its trust protocol, the inbound listeners asked).
     */
    private void admitAwaitingPolicy() {
        for (InboundQueue.Entry entry : queue.awaitingPolicy()) {
            if (!running || policies.isEmpty()) {
                return;
            }
            CoreChannel channel = entry.channel;
            String id = entry.request.requestId();
            InetAddress ip = channel.transport().remoteAddress() == null ? null
                    : channel.transport().remoteAddress().getAddress();
            Verdict verdict = policies.checkPeer(channel.peerId(), ip, ChannelDirection.INBOUND);
            Admission admission = verdict.allowed()
                    ? policies.admission(channel.peerId(), ip, ChannelDirection.INBOUND) : null;
            if (admission != null && admission.inboundMode() == InboundMode.QUEUE) {
                // the policy wants an operator: an ordinary queue entry from now on
                InboundQueue.Entry waiting = queue.remove(id);
                if (waiting != null) {
                    waiting.cancelTimeout();
                    try {
                        enqueue(new InboundQueue.Entry(entry.request, channel, entry.identity, admission, true),
                                "inbound " + channel.remoteAddress());
                    } catch (ChannelException full) {
                        // the place it just left was taken meanwhile: refused as enqueue counted it
                        channel.close(full.reason(), full.getMessage());
                    }
                }
                continue;
            }
            if (admission != null) {
                postInboundAttempt(entry.request, ChannelDirection.INBOUND);
                verdict = askInboundListeners(entry.request);
            }
            if (!verdict.allowed()) {
                InboundQueue.Entry refused = queue.remove(id);
                if (refused != null) {
                    refused.cancelTimeout();
                    rejections.record(verdict.reason(), channel.toString(), verdict.message());
                    channel.close(verdict.reason(), verdict.message());
                }
                continue;
            }
            try {
                acceptInbound(id);
            } catch (IllegalArgumentException gone) {
                // it left or timed out meanwhile
            }
        }
    }

    private void queueTimedOut(String requestId, long seconds) {
        InboundQueue.Entry entry = queue.remove(requestId);
        if (entry == null) {
            return;
        }
        String message = "waited " + seconds + " s in the inbound queue without a decision";
        rejections.record(DisconnectReason.NOT_TRUSTED, entry.channel.toString(), message);
        entry.channel.close(DisconnectReason.NOT_TRUSTED, message);
    }

    /** A queued peer sent DISCONNECT: it leaves the queue and the channel closes. */
    private void leftQueue(CoreChannel channel, DisconnectPacket disconnect) {
        InboundQueue.Entry entry = queue.remove(channel);
        if (entry != null) {
            entry.cancelTimeout();
            LOG.info("Inbound peer {} left the inbound queue (request {}): {} {}", channel.peerId().shortForm(),
                    entry.request.requestId(), disconnect.reason(), disconnect.message());
        }
        channel.closeByRemote(new DisconnectRecord(disconnect.reason(), disconnect.message(), true, Instant.now()));
    }

    @Override
    public List<InboundRequest> inboundQueue() {
        return queue.requests();
    }

    /**
     * Registers the queued channel as {@code identified} would now (limits and duplicate rule
     * apply then), posts CONNECTED, dispatches its IDENTITY and then its buffered packets in order
     * (through enforcement), and starts the trust protocol when its admission asks.
     */
    @Override
    public CompletionStage<PeerChannel> acceptInbound(String requestId) {
        InboundQueue.Entry entry = queue.remove(requestId);
        if (entry == null) {
            throw noSuchRequest(requestId);
        }
        entry.cancelTimeout();
        CoreChannel channel = entry.channel;
        String remote = "inbound " + channel.transport().remoteAddress();
        if (!running) {
            channel.close(DisconnectReason.SHUTDOWN, "the node is shutting down");
            return failed(DisconnectReason.SHUTDOWN, "this node is shutting down");
        }
        if (!channel.isOpen()) {
            return failed(DisconnectReason.CONNECTION_LOST, "peer " + channel.peerId().shortForm()
                    + " left before it was accepted");
        }
        Admission admission = entry.admission;
        if (entry.failClosed && !policies.isEmpty()) {
            // a policy arrived while it waited: that policy admits it
            InetAddress ip = channel.transport().remoteAddress().getAddress();
            admission = policies.admission(channel.peerId(), ip, ChannelDirection.INBOUND);
            channel.trustLevel(admission.level());
            channel.admittedFailClosed(false);
        }
        channel.leaveQueue(admission.runTrustProtocol());
        try {
            register(channel, entry.identity, remote + " (" + channel.peerId().shortForm() + ")");
        } catch (ChannelException e) {
            channel.close(e.reason(), e.getMessage());
            return CompletableFuture.failedFuture(e);
        }
        DisconnectRecord closedMeanwhile = channel.closedHow();
        if (closedMeanwhile != null) {
            channelClosed(channel, closedMeanwhile);
        }
        LOG.info("Inbound request {} of {} accepted", requestId, channel.peerId().shortForm());
        channel.drain();
        if (admission.runTrustProtocol()) {
            runTrustProtocol(channel);
        }
        return CompletableFuture.completedFuture(channel);
    }

    @Override
    public void rejectInbound(String requestId, String message) {
        InboundQueue.Entry entry = queue.remove(requestId);
        if (entry == null) {
            throw noSuchRequest(requestId);
        }
        entry.cancelTimeout();
        String text = message == null || message.isBlank() ? OPERATOR_REJECTION : message;
        rejections.record(DisconnectReason.NOT_TRUSTED, entry.channel.toString(), text);
        entry.channel.close(DisconnectReason.NOT_TRUSTED, text);
    }

    private static IllegalArgumentException noSuchRequest(String requestId) {
        return new IllegalArgumentException("no inbound request '" + requestId + "' is waiting");
    }

    // ---------------------------------------------------------------- for tests


    long rejections(DisconnectReason reason) {
        return rejections.count(reason);
    }

    long unroutablePackets() {
        return dispatcher.unroutable();
    }

    long heldBytes() {
        return dispatcher.bufferedBytes();
    }

    /** True once the core executor ({@value #TRUST_THREAD}) has stopped. */
    boolean executorTerminated() {
        return executor.isTerminated();
    }

    private static <T> CompletionStage<T> failed(DisconnectReason reason, String message) {
        return CompletableFuture.failedFuture(new ChannelException(reason, message));
    }
}
