package org.p2pnet.jmx.internal;

import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.p2pnet.api.PeerEvent;
import org.p2pnet.api.PeerListener;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.api.data.DataTransfers;
import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.routine.NetworkRoutines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the node's MXBeans under {@value #DOMAIN} on the platform MBeanServer when it
 * activates and unregisters every one it registered when it deactivates: a stopped bundle leaves
 * no {@code org.p2pnet:*} name behind.
 *
 * <p>{@code Node}, {@code Channels} and {@code Packets} read the core's {@link PeerNetwork} and are
 * registered for as long as this component is active; while the core is missing their attributes
 * fail with a message naming it ({@code CoreAvailable} of {@code Node} says so without failing).
 * Each of the others reads one plug-in service and is registered only while that service is there:
 * {@code Transfers} (DataTransfers), {@code Discovery} (LanDiscovery), {@code Genesis}
 * (GenesisClient), {@code GenesisServer} (GenesisServer), {@code Broadcasts} (Broadcasts),
 * {@code Routines} (NetworkRoutines). Every reference is optional, dynamic and greedy.
 *
 * <p>It is also a {@link PeerListener}: the core announces each channel as it opens and closes,
 * so that the byte totals keep the counts of channels that closed since.
 */
@Component(service = PeerListener.class, immediate = true)
public final class JmxExporter implements PeerListener {
    /** The JMX domain of every name registered here. */
    public static final String DOMAIN = "org.p2pnet";

    static final ObjectName NODE = name("Node");
    static final ObjectName CHANNELS = name("Channels");
    static final ObjectName PACKETS = name("Packets");
    static final ObjectName TRANSFERS = name("Transfers");
    static final ObjectName DISCOVERY = name("Discovery");
    static final ObjectName GENESIS = name("Genesis");
    static final ObjectName GENESIS_SERVER = name("GenesisServer");
    static final ObjectName BROADCASTS = name("Broadcasts");
    static final ObjectName ROUTINES = name("Routines");

    private static final Logger LOG = LoggerFactory.getLogger(JmxExporter.class);
    private static final String CORE_MISSING = "no PeerNetwork service (bundle org.p2pnet.core is not active)";

    private final Supplier<MBeanServer> serverSupplier;
    private final Clock clock;
    private final ChannelLedger ledger = new ChannelLedger();

    private volatile PeerNetwork network;
    private volatile Instant networkSince;
    private volatile DataTransfers dataTransfers;
    private volatile LanDiscovery lanDiscovery;
    private volatile GenesisClient genesisClient;
    private volatile GenesisServer genesisServer;
    private volatile Broadcasts broadcasts;
    private volatile NetworkRoutines networkRoutines;

    /** Names registered by this instance; guarded by {@code this}. */
    private final Set<ObjectName> registered = new LinkedHashSet<>();
    /** Guarded by {@code this}. */
    private MBeanServer server;

    /** The MXBeans present only while their service is, in registration order. */
    private final Map<ObjectName, Conditional> conditionals = new LinkedHashMap<>();

    private record Conditional(BooleanSupplier present, Supplier<Object> mbean) {
    }

    /** For DS: the platform MBeanServer, the system clock. */
    public JmxExporter() {
        this(ManagementFactory::getPlatformMBeanServer, Clock.systemUTC());
    }

    /** For tests: a private MBeanServer and a clock. */
    JmxExporter(Supplier<MBeanServer> server, Clock clock) {
        this.serverSupplier = server;
        this.clock = clock;
        Source<PeerNetwork> core = new Source<>(() -> network, CORE_MISSING);
        Source<DataTransfers> data = new Source<>(() -> dataTransfers,
                "no DataTransfers service (bundle org.p2pnet.handler.data is not active)");
        Source<LanDiscovery> lan = new Source<>(() -> lanDiscovery,
                "no LanDiscovery service (bundle org.p2pnet.discovery.lan is not active)");
        Source<GenesisClient> client = new Source<>(() -> genesisClient,
                "no GenesisClient service (bundle org.p2pnet.discovery.genesis is not active)");
        Source<GenesisServer> genesis = new Source<>(() -> genesisServer,
                "no GenesisServer service (bundle org.p2pnet.genesis is not active)");
        Source<Broadcasts> broadcast = new Source<>(() -> broadcasts,
                "no Broadcasts service (bundle org.p2pnet.handler.broadcast is not active)");
        Source<NetworkRoutines> routines = new Source<>(() -> networkRoutines,
                "no NetworkRoutines service (bundle org.p2pnet.routines is not active)");
        always = List.of(
                new Always(NODE, () -> new DescribedMXBean<>(new NodeBean(core, ledger, () -> networkSince, clock),
                        NodeMXBean.class)),
                new Always(CHANNELS, () -> new DescribedMXBean<>(new ChannelsBean(core, ledger, clock),
                        ChannelsMXBean.class)),
                new Always(PACKETS, () -> new DescribedMXBean<>(new PacketsBean(core, ledger), PacketsMXBean.class)));
        conditionals.put(TRANSFERS, new Conditional(data::available,
                () -> new DescribedMXBean<>(new TransfersBean(data), TransfersMXBean.class)));
        conditionals.put(DISCOVERY, new Conditional(lan::available,
                () -> new DescribedMXBean<>(new DiscoveryBean(lan), DiscoveryMXBean.class)));
        conditionals.put(GENESIS, new Conditional(client::available,
                () -> new DescribedMXBean<>(new GenesisBean(client), GenesisMXBean.class)));
        conditionals.put(GENESIS_SERVER, new Conditional(genesis::available,
                () -> new DescribedMXBean<>(new GenesisServerBean(genesis), GenesisServerMXBean.class)));
        conditionals.put(BROADCASTS, new Conditional(broadcast::available,
                () -> new DescribedMXBean<>(new BroadcastsBean(broadcast), BroadcastsMXBean.class)));
        conditionals.put(ROUTINES, new Conditional(routines::available,
                () -> new DescribedMXBean<>(new RoutinesBean(routines), RoutinesMXBean.class)));
    }

    private record Always(ObjectName name, Supplier<Object> mbean) {
    }

    private final List<Always> always;

    @Activate
    synchronized void activate() {
        server = serverSupplier.get();
        for (Always a : always) {
            register(a.name(), a.mbean());
        }
        refresh();
        LOG.info("JMX: registered {} under {}", registered.size(), DOMAIN);
    }

    @Deactivate
    synchronized void deactivate() {
        MBeanServer s = server;
        server = null;
        if (s != null) {
            for (ObjectName name : new ArrayList<>(registered)) {
                unregister(s, name);
            }
        }
        registered.clear();
        ledger.reset();
    }

    /** Names this instance has registered now, for tests. */
    synchronized Set<ObjectName> registeredNames() {
        return Set.copyOf(registered);
    }

    /** Registers or unregisters each conditional MXBean as its service is there or not. */
    private synchronized void refresh() {
        MBeanServer s = server;
        if (s == null) {
            return;
        }
        for (Map.Entry<ObjectName, Conditional> e : conditionals.entrySet()) {
            boolean present = e.getValue().present().getAsBoolean();
            boolean there = registered.contains(e.getKey());
            if (present && !there) {
                register(e.getKey(), e.getValue().mbean());
            } else if (!present && there) {
                unregister(s, e.getKey());
            }
        }
    }

    private void register(ObjectName name, Supplier<Object> mbean) {
        try {
            server.registerMBean(mbean.get(), name);
            registered.add(name);
        } catch (InstanceAlreadyExistsException e) {
            LOG.warn("JMX: {} is already registered by someone else: left as it is, not shown by this bundle", name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("JMX: could not register {}: {}", name, e.toString());
        }
    }

    private void unregister(MBeanServer s, ObjectName name) {
        registered.remove(name);
        try {
            s.unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            LOG.debug("JMX: {} was unregistered by someone else", name);
        } catch (JMException | RuntimeException e) {
            LOG.warn("JMX: could not unregister {}: {}", name, e.toString());
        }
    }

    // ------------------------------------------------------------------ PeerListener

    @Override
    public void peerEvent(PeerEvent event) {
        PeerNetwork n = network;
        if (n == null || event == null) {
            return;
        }
        try {
            if (event.kind() == PeerEvent.Kind.CONNECTED) {
                n.channel(event.peerId()).ifPresent(ledger::track);
            } else {
                ledger.update(n.activeChannels());
            }
        } catch (RuntimeException e) {
            LOG.debug("JMX: could not follow the channel of {}", event.peerId(), e);
        }
    }

    // ------------------------------------------------------------------ references

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNetwork(PeerNetwork n) {
        synchronized (this) {
            ledger.reset();
            networkSince = clock.instant();
            network = n;
        }
    }

    void unbindNetwork(PeerNetwork n) {
        synchronized (this) {
            if (network == n) {
                network = null;
                networkSince = null;
                ledger.reset();
            }
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindDataTransfers(DataTransfers s) {
        dataTransfers = s;
        refresh();
    }

    void unbindDataTransfers(DataTransfers s) {
        synchronized (this) {
            if (dataTransfers == s) {
                dataTransfers = null;
            }
            refresh();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindLanDiscovery(LanDiscovery s) {
        lanDiscovery = s;
        refresh();
    }

    void unbindLanDiscovery(LanDiscovery s) {
        synchronized (this) {
            if (lanDiscovery == s) {
                lanDiscovery = null;
            }
            refresh();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindGenesisClient(GenesisClient s) {
        genesisClient = s;
        refresh();
    }

    void unbindGenesisClient(GenesisClient s) {
        synchronized (this) {
            if (genesisClient == s) {
                genesisClient = null;
            }
            refresh();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindGenesisServer(GenesisServer s) {
        genesisServer = s;
        refresh();
    }

    void unbindGenesisServer(GenesisServer s) {
        synchronized (this) {
            if (genesisServer == s) {
                genesisServer = null;
            }
            refresh();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindBroadcasts(Broadcasts s) {
        broadcasts = s;
        refresh();
    }

    void unbindBroadcasts(Broadcasts s) {
        synchronized (this) {
            if (broadcasts == s) {
                broadcasts = null;
            }
            refresh();
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void bindNetworkRoutines(NetworkRoutines s) {
        networkRoutines = s;
        refresh();
    }

    void unbindNetworkRoutines(NetworkRoutines s) {
        synchronized (this) {
            if (networkRoutines == s) {
                networkRoutines = null;
            }
            refresh();
        }
    }

    private static ObjectName name(String type) {
        try {
            return new ObjectName(DOMAIN + ":type=" + type);
        } catch (MalformedObjectNameException e) {
            throw new IllegalStateException(e);
        }
    }
}
