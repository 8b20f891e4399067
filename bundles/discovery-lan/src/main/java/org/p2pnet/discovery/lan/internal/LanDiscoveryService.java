package org.p2pnet.discovery.lan.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.random.RandomGenerator;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.p2pnet.api.NodeIdentity;
import org.p2pnet.api.NodeSigner;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.discovery.LanDiscoveryStatus;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.routine.Routine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LAN discovery (P2PNet's broadcaster and listeners): announces this node with signed UDP
 * datagrams on the designated ports, by IPv4 broadcast and by multicast, listens on all of them,
 * and offers every peer it hears, once checked, to the core, which decides whether to dial.
 * Starts announcing on activation; {@link #stop()} and {@link #start()} (p2p:discovery-stop,
 * p2p:discovery-start) close and reopen every socket and timer, and never touch channels.
 */
@Component(service = LanDiscovery.class, immediate = true, configurationPid = LanDiscoveryService.PID)
@Designate(ocd = LanDiscoveryService.Config.class)
public final class LanDiscoveryService implements LanDiscovery {
    public static final String PID = "org.p2pnet.discovery.lan";
    /** Every thread of this bundle starts with this. */
    static final String THREAD_PREFIX = "p2pnet-discovery-";
    /** {@link DiscoveredPeer#source()} of what this service offers. */
    static final String SOURCE = "lan-discovery";
    /** A peer gets a direct reply at most this often, however often it announces. */
    static final long PEER_REPLY_GAP_MILLIS = 10_000;
    /** Direct replies to one source IP per second, whatever ids it claims. */
    static final int REPLIES_PER_SOURCE_PER_SECOND = 4;
    /** Bound of the reply bookkeeping: peers and source IPs remembered. */
    static final int MAX_REMEMBERED = 1024;

    private static final Logger LOG = LoggerFactory.getLogger(LanDiscoveryService.class);
    private static final AtomicInteger RUNS = new AtomicInteger();

    @ObjectClassDefinition(name = "p2pnet LAN discovery",
            description = "Signed UDP announcements by broadcast and multicast on designated ports; peers heard are"
                    + " offered to the core. A change restarts discovery; open channels are kept.")
    public @interface Config {
        @AttributeDefinition(name = "Enabled",
                description = "Start announcing and listening when the bundle starts. When false, discovery stays"
                        + " idle until p2p:discovery-start.")
        boolean enabled() default true;

        @AttributeDefinition(name = "Designated ports",
                description = "Comma-separated UDP ports (1-16 of them). Listened on all; announcements go to one,"
                        + " the broadcaster port, picked at random and moved by RotateBroadcastPort. Every node of"
                        + " a LAN must share at least one.")
        String ports() default "8001,8002,8003";

        @AttributeDefinition(name = "IPv4 multicast group",
                description = "Site-local (239.255.0.0/16) or organization-local (239.192.0.0/14) group joined on"
                        + " every multicast-capable interface; empty: no IPv4 group.")
        String multicastGroupV4() default "239.255.77.77";

        @AttributeDefinition(name = "IPv6 multicast group",
                description = "Link-local group (ff02::/16) joined on every interface with IPv6 and multicast;"
                        + " empty: no IPv6 group.")
        String multicastGroupV6() default "ff02::7770";

        @AttributeDefinition(name = "Broadcast",
                description = "Send announcements to each interface's IPv4 broadcast address (127.255.255.255 on"
                        + " loopback).")
        boolean broadcastEnabled() default true;

        @AttributeDefinition(name = "Multicast",
                description = "Join the groups and send announcements to them.")
        boolean multicastEnabled() default true;

        @AttributeDefinition(name = "Interfaces",
                description = "Comma-separated names of the only interfaces to use (for example 'lo' to keep"
                        + " discovery on this host, or 'eth1'); empty uses every suitable interface.")
        String interfaces() default "";

        @AttributeDefinition(name = "Include loopback",
                description = "Use the loopback interface too, so that several nodes on one host find each other."
                        + " Turn off on hosts that run only one node.")
        boolean includeLoopback() default true;

        @AttributeDefinition(name = "Minimum interval (ms)", min = "100", max = "3600000",
                description = "Shortest time between announcements: at start and once per period.")
        long minIntervalMs() default 1000;

        @AttributeDefinition(name = "Maximum interval (ms)", min = "100", max = "3600000",
                description = "Longest time between announcements: at half the period. At least the minimum.")
        long maxIntervalMs() default 20_000;

        @AttributeDefinition(name = "Wave period (ms)", min = "1000", max = "86400000",
                description = "The interval moves between minimum and maximum along a sine wave of this period.")
        long periodMs() default 120_000;

        @AttributeDefinition(name = "Jitter", min = "0", max = "0.9",
                description = "Each interval is multiplied by a random factor in [1 - jitter, 1 + jitter].")
        double jitter() default 0.2;

        @AttributeDefinition(name = "Throttle on connect",
                description = "After a peer found here is dialled, announce less often for a while"
                        + " (P2PNet's AutoThrottleOnConnect).")
        boolean throttleOnConnect() default true;

        @AttributeDefinition(name = "Throttle factor", min = "1", max = "100",
                description = "How much longer the intervals are while throttled.")
        double throttleFactor() default 3.0;

        @AttributeDefinition(name = "Throttle duration (ms)", min = "0", max = "86400000",
                description = "How long the throttle lasts after the last dial.")
        long throttleDurationMs() default 60_000;

        @AttributeDefinition(name = "RotateBroadcastPort interval (ms)", min = "1000", max = "86400000",
                description = "How often the broadcaster moves to another designated port.")
        long rotateIntervalMs() default 30_000;

        @AttributeDefinition(name = "Timestamp window (s)", min = "1", max = "86400",
                description = "Announcements whose timestamp is further than this from our clock are dropped"
                        + " (STALE): a replayed datagram stops working after this long.")
        int timestampWindowSeconds() default 60;
    }

    /** One start-to-stop run: its sockets, its timer, its state. */
    private static final class Run {
        final DiscoveryEndpoint endpoint;
        final ScheduledExecutorService timer;
        final LocalInterfaces interfaces;
        final long startedAt;
        volatile int broadcasterPort;
        volatile Duration interval;

        Run(DiscoveryEndpoint endpoint, ScheduledExecutorService timer, LocalInterfaces interfaces, long startedAt,
            int broadcasterPort, Duration interval) {
            this.endpoint = endpoint;
            this.timer = timer;
            this.interfaces = interfaces;
            this.startedAt = startedAt;
            this.broadcasterPort = broadcasterPort;
            this.interval = interval;
        }
    }

    private final DiscoverySettings settings;
    private final PeerNetwork network;
    private final NodeSigner signer;
    private final Clock clock;
    private final RandomGenerator random;
    private final AnnouncementCodec codec = new AnnouncementCodec();

    private final Object lifecycle = new Object();
    private volatile Run run;
    private ServiceRegistration<Routine> routineRegistration;

    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder offered = new LongAdder();
    private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);
    /** Drop reasons already logged since start (receiver thread only): each is logged once, then only counted. */
    private final Set<DropReason> loggedDrops = EnumSet.noneOf(DropReason.class);
    private volatile long throttledUntil;
    private volatile boolean warnedNoPort;

    /** Peer → when it was last replied to; source IP → replies in the current second. Receiver thread only. */
    private final Map<PeerId, Long> repliedPeers = lru();
    private final Map<InetAddress, long[]> repliesBySource = lru();

    @Activate
    public LanDiscoveryService(BundleContext context, Config config, @Reference PeerNetwork network,
                               @Reference NodeSigner signer) {
        this(DiscoverySettings.from(config), network, signer, Clock.systemUTC(), RandomGenerator.getDefault());
        if (context != null) {
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(Routine.NAME_PROPERTY, RotateBroadcastPort.NAME);
            properties.put(Routine.INTERVAL_PROPERTY, settings.rotateIntervalMillis());
            routineRegistration = context.registerService(Routine.class, new RotateBroadcastPort(this), properties);
        }
        if (!config.enabled()) {
            LOG.info("LAN discovery is disabled by configuration (enabled = false); p2p:discovery-start starts it");
            return;
        }
        try {
            start();
        } catch (IllegalStateException cannot) {
            // the component stays up, so that p2p:discovery can show it stopped and discovery-start retry
            LOG.error("LAN discovery did not start: {}", cannot.getMessage());
        }
    }

    /** For tests and embedding: no framework needed; nothing starts before {@link #start()}. */
    LanDiscoveryService(DiscoverySettings settings, PeerNetwork network, NodeSigner signer, Clock clock,
                        RandomGenerator random) {
        this.settings = settings;
        this.network = network;
        this.signer = signer;
        this.clock = clock;
        this.random = random;
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, new LongAdder());
        }
    }

    @Deactivate
    void deactivate() {
        stop();
        ServiceRegistration<Routine> registration = routineRegistration;
        routineRegistration = null;
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                LOG.debug("RotateBroadcastPort was already unregistered");
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (run != null) {
                return;
            }
            LocalInterfaces interfaces;
            try {
                interfaces = LocalInterfaces.scan(settings.includeLoopback(), settings.interfaces());
            } catch (SocketException e) {
                throw new IllegalStateException("cannot list the network interfaces: " + e.getMessage(), e);
            }
            if (interfaces.all().isEmpty()) {
                throw new IllegalStateException("no usable network interface (up, with an address"
                        + (settings.includeLoopback() ? "" : ", not loopback: includeLoopback is false")
                        + (settings.interfaces().isEmpty() ? "" : ", named in interfaces: " + settings.interfaces()) + ")");
            }
            // the receiver thread starts below, after these (Thread.start orders them before its reads)
            repliedPeers.clear();
            repliesBySource.clear();
            loggedDrops.clear();
            int runNumber = RUNS.incrementAndGet();
            DiscoveryEndpoint endpoint;
            try {
                endpoint = DiscoveryEndpoint.open(settings, interfaces, this::received,
                        THREAD_PREFIX + "receiver-" + runNumber);
            } catch (IOException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
            ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
                Thread thread = new Thread(task, THREAD_PREFIX + "timer-" + runNumber);
                thread.setDaemon(true);
                return thread;
            });
            timer.setRemoveOnCancelPolicy(true);
            timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            int port = settings.ports().get(random.nextInt(settings.ports().size()));
            Run started = new Run(endpoint, timer, interfaces, clock.millis(), port,
                    settings.rate().baseInterval(0, false));
            run = started;
            // announce at once; each announcement schedules the next along the wave
            timer.execute(() -> announceAndReschedule(started));
            // RotateBroadcastPort is not run here: the routines bundle runs the Routine service registered above
            LOG.info("LAN discovery started: ports {}, broadcasting on {}, groups {}, interfaces {}",
                    settings.ports(), port, endpoint.groups(),
                    interfaces.all().stream().map(LocalInterfaces.Local::name).toList());
        }
    }

    @Override
    public void stop() {
        synchronized (lifecycle) {
            Run stopping = run;
            run = null;
            if (stopping == null) {
                return;
            }
            stopping.timer.shutdownNow();
            try {
                if (!stopping.timer.awaitTermination(2, TimeUnit.SECONDS)) {
                    LOG.warn("The LAN discovery timer did not end within 2 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stopping.endpoint.close();
            LOG.info("LAN discovery stopped");
        }
    }

    // ------------------------------------------------------------------ sending

    private void announceAndReschedule(Run current) {
        if (run != current) {
            return;
        }
        try {
            announce(current);
        } catch (RuntimeException e) {
            LOG.warn("LAN discovery announcement failed: {}", e.toString());
        }
        long now = clock.millis();
        Duration next = settings.rate().interval(now - current.startedAt, random.nextDouble(-1, 1), throttled(now));
        current.interval = next;
        if (run == current) {
            try {
                current.timer.schedule(() -> announceAndReschedule(current), next.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                LOG.debug("LAN discovery stopped while scheduling the next announcement");
            }
        }
    }

    /** One announcement to the broadcaster port: every interface's broadcast address, and the groups. */
    private void announce(Run current) {
        byte[] datagram = ownAnnouncement(current, false);
        if (datagram == null) {
            return;
        }
        int port = current.broadcasterPort;
        int delivered = 0;
        for (LocalInterfaces.Local l : current.interfaces.all()) {
            if (settings.broadcastEnabled()) {
                for (InetAddress broadcast : l.broadcasts()) {
                    delivered += trySend(() -> current.endpoint.send(datagram, new InetSocketAddress(broadcast, port)),
                            broadcast.getHostAddress());
                }
            }
            if (settings.multicastEnabled() && l.multicast()) {
                if (l.hasV4() && settings.groupV4() != null) {
                    delivered += trySend(() -> current.endpoint.sendToGroup(datagram,
                            new InetSocketAddress(settings.groupV4(), port), l), settings.groupV4() + " on " + l.name());
                }
                if (l.hasV6() && !l.loopback() && current.endpoint.hasV6()) {
                    delivered += trySend(() -> current.endpoint.sendToGroup(datagram,
                            new InetSocketAddress(settings.groupV6(), port), l), settings.groupV6() + " on " + l.name());
                }
            }
        }
        if (delivered > 0) {
            sent.increment();
        }
    }

    private interface Send {
        void run() throws IOException;
    }

    private static int trySend(Send send, String target) {
        try {
            send.run();
            return 1;
        } catch (IOException | RuntimeException e) {
            LOG.debug("LAN discovery: cannot send to {}: {}", target, e.toString());
            return 0;
        }
    }

    /** Our signed announcement, or null when the node has no TCP port to announce. */
    private byte[] ownAnnouncement(Run current, boolean reply) {
        NodeIdentity identity = network.identity();
        if (identity.listenPort() < 1) {
            if (!warnedNoPort) {
                warnedNoPort = true;
                LOG.warn("LAN discovery announces nothing while the node is not listening on a TCP port");
            }
            return null;
        }
        warnedNoPort = false;
        Announcement announcement = new Announcement(AnnouncementCodec.VERSION, identity.networkName(),
                signer.peerId(), signer.publicKey(), identity.listenPort(),
                current.interfaces.announcedAddresses(AnnouncementCodec.MAX_ADDRESSES), clock.millis(), reply);
        return codec.encode(announcement, signer);
    }

    /** The RotateBroadcastPort routine: another designated port, at random, when there is another. */
    void rotateBroadcastPort() {
        Run current = run;
        List<Integer> ports = settings.ports();
        if (current == null || ports.size() < 2) {
            return;
        }
        List<Integer> others = new ArrayList<>(ports);
        others.remove(Integer.valueOf(current.broadcasterPort));
        int next = others.get(random.nextInt(others.size()));
        LOG.debug("RotateBroadcastPort: {} -> {}", current.broadcasterPort, next);
        current.broadcasterPort = next;
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Every datagram read, on the receiver thread: checked, counted, and, when valid, offered to the
     * core and maybe answered directly. Never throws.
     */
    void received(byte[] data, int length, InetSocketAddress source) {
        received.increment();
        Run current = run;
        if (current != null && !current.interfaces.reaches(source.getAddress())) {
            drop(DropReason.FOREIGN_INTERFACE, source, "not from the subnet or link of an interface in use "
                    + current.interfaces.all().stream().map(LocalInterfaces.Local::name).toList());
            return;
        }
        long now = clock.millis();
        Verdict verdict = codec.decode(data, length, new AnnouncementCodec.Expectations(
                network.identity().networkName(), signer.peerId(), now, settings.timestampWindowMillis()));
        if (!verdict.isValid()) {
            drop(verdict.drop(), source, verdict.detail());
            return;
        }
        offered.increment();
        Announcement a = verdict.announcement();
        try {
            OfferOutcome outcome = network.offer(new DiscoveredPeer(a.peerId(), dialAddresses(a, source), SOURCE,
                    clock.instant()));
            if (outcome == OfferOutcome.DIALLING) {
                throttledUntil = now + settings.rate().throttleMillis();
            }
        } catch (RuntimeException e) {
            LOG.warn("The core refused the LAN discovery offer of {}: {}", a.peerId().shortForm(), e.toString());
        }
        if (!a.reply()) {
            replyIfDue(a.peerId(), source, now);
        }
    }

    /** Whether this run has answered an announcement of {@code peer} directly (for tests). */
    boolean hasReplied(PeerId peer) {
        return repliedPeers.containsKey(peer);
    }

    /** Counts a drop; logs the first of each reason per start, except OWN. */
    private void drop(DropReason reason, InetSocketAddress source, String detail) {
        drops.get(reason).increment();
        // hearing our own announcements is normal (broadcast and multicast loop back): count only
        if (reason != DropReason.OWN && loggedDrops.add(reason)) {
            LOG.warn("Dropped a LAN discovery datagram from {}: {} ({}); further {} drops are only counted"
                    + " (p2p:discovery)", source, reason, detail, reason);
        }
    }

    /** The observed source first (what the peer's packets actually came from), then what it advertises. */
    static List<PeerAddress> dialAddresses(Announcement a, InetSocketAddress source) {
        LinkedHashMap<String, PeerAddress> addresses = new LinkedHashMap<>();
        if (source.getAddress() != null) {
            PeerAddress observed = new PeerAddress(source.getAddress().getHostAddress(), a.port());
            addresses.put(observed.toString(), observed);
        }
        for (String host : a.addresses()) {
            if (addresses.size() >= DiscoveredPeer.MAX_ADDRESSES) {
                break;
            }
            PeerAddress advertised = new PeerAddress(host, a.port());
            addresses.putIfAbsent(advertised.toString(), advertised);
        }
        return List.copyOf(addresses.values());
    }

    private void replyIfDue(PeerId peer, InetSocketAddress source, long now) {
        Run current = run;
        if (current == null) {
            return;
        }
        Long last = repliedPeers.get(peer);
        if (last != null && now - last < PEER_REPLY_GAP_MILLIS) {
            return;
        }
        long[] window = repliesBySource.computeIfAbsent(source.getAddress(), a -> new long[] {now / 1000, 0});
        if (window[0] != now / 1000) {
            window[0] = now / 1000;
            window[1] = 0;
        }
        if (window[1] >= REPLIES_PER_SOURCE_PER_SECOND) {
            return;
        }
        window[1]++;
        repliedPeers.put(peer, now);
        try {
            byte[] reply = ownAnnouncement(current, true);
            if (reply != null) {
                current.endpoint.send(reply, source);
                sent.increment();
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("LAN discovery: cannot reply to {}: {}", source, e.toString());
        }
    }

    private boolean throttled(long now) {
        return now < throttledUntil;
    }

    private static <K, V> Map<K, V> lru() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > MAX_REMEMBERED;
            }
        };
    }

    // ------------------------------------------------------------------ status

    @Override
    public LanDiscoveryStatus status() {
        Run current = run;
        Map<String, Long> dropCounts = new LinkedHashMap<>();
        drops.forEach((reason, count) -> dropCounts.put(reason.name(), count.sum()));
        if (current == null) {
            return new LanDiscoveryStatus(false, List.of(), settings.ports(), 0, List.of(), Duration.ZERO,
                    sent.sum(), received.sum(), offered.sum(), dropCounts);
        }
        return new LanDiscoveryStatus(true, current.interfaces.info(), settings.ports(), current.broadcasterPort,
                current.endpoint.groups(), current.interval, sent.sum(), received.sum(), offered.sum(), dropCounts);
    }

    /** Drops by reason, for tests. */
    long dropped(DropReason reason) {
        return drops.get(reason).sum();
    }

    /** The running endpoint, for tests; null while stopped. */
    DiscoveryEndpoint endpoint() {
        Run current = run;
        return current == null ? null : current.endpoint;
    }

    /** Sets the broadcaster port, for tests. */
    void broadcasterPort(int port) {
        Run current = run;
        if (current != null) {
            current.broadcasterPort = port;
        }
    }
}
