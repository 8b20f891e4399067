package org.p2pnet.trust.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ManagedService;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.Admission;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.api.trust.BlockList;
import org.p2pnet.api.trust.IncomingPeerPolicy;
import org.p2pnet.api.trust.LocalIdentifier;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;
import org.p2pnet.api.trust.TrustDecisions;
import org.p2pnet.api.trust.TrustPolicy;
import org.p2pnet.api.trust.Verdict;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The trust bundle's policy (PID {@value #PID}, P2PNet's IncomingPeerTrustPolicy): the node's one
 * {@link IncomingPeerPolicy} ({@code service.ranking} 0), combining the {@link BlockList} checks
 * with {@link #admission}; and the operator's {@link BlockList}, {@link TrustDecisions},
 * {@link LocalIdentifier} and {@link TrustPolicy} services. Checks and admission read immutable
 * snapshots, without locks or I/O.
 *
 * <p>Admission: a stored trust decision wins (its level, no trust protocol); otherwise the level
 * comes from {@code allowEnhancedPacketExchange} / {@code allowDefaultCommunication}, and the trust
 * protocol runs when {@code runDefaultTrustProtocol} is set and that level is below ENHANCED.
 *
 * <p>The configuration arrives through {@link ManagedService} (read once from Config Admin at
 * activation, so the first channels already see it), not through DS: DS would copy every key,
 * the network secret included, into the service properties that {@code service:list} shows.
 */
@Component(name = TrustService.PID, configurationPolicy = ConfigurationPolicy.IGNORE, immediate = true,
        service = {IncomingPeerPolicy.class, BlockList.class, TrustDecisions.class, LocalIdentifier.class,
                TrustPolicy.class, ManagedService.class, TrustSettingsSource.class},
        property = {Constants.SERVICE_RANKING + ":Integer=0", Constants.SERVICE_PID + "=" + TrustService.PID})
public final class TrustService implements IncomingPeerPolicy, BlockList, TrustDecisions, LocalIdentifier, TrustPolicy,
        ManagedService, TrustSettingsSource {
    public static final String PID = "org.p2pnet.trust";

    private static final Logger LOG = LoggerFactory.getLogger(TrustService.class);

    private final BlockListService blockList;
    private final TrustStore store;
    private final LongAdder rejectedConfigurations = new LongAdder();
    private volatile TrustSettings settings;

    /** Config Admin when there is one (the component restarts when it comes or goes); {@link #set} needs it. */
    volatile ConfigurationAdmin configAdmin;

    @Activate
    public TrustService(BundleContext context, @Reference PeerNetwork network,
            @Reference(cardinality = ReferenceCardinality.OPTIONAL, policyOption = ReferencePolicyOption.GREEDY)
            ConfigurationAdmin configAdmin) {
        this(DataDir.of(context), network, Clock.systemUTC(), stored(configAdmin));
        this.configAdmin = configAdmin;
    }

    /** The stored configuration of {@value #PID}, without creating one; empty when none or unreadable. */
    private static Map<String, Object> stored(ConfigurationAdmin cm) {
        if (cm == null) {
            return Map.of();
        }
        try {
            Configuration[] found = cm.listConfigurations("(" + Constants.SERVICE_PID + "=" + PID + ")");
            Dictionary<String, Object> props = found == null || found.length == 0 ? null : found[0].getProperties();
            return toMap(props);
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.warn("Cannot read the configuration of {} at activation ({}); it applies when Config Admin delivers it",
                    PID, e.toString());
            return Map.of();
        }
    }

    private static Map<String, Object> toMap(Dictionary<String, ?> props) {
        Map<String, Object> m = new HashMap<>();
        if (props != null) {
            for (Enumeration<String> keys = props.keys(); keys.hasMoreElements(); ) {
                String k = keys.nextElement();
                m.put(k, props.get(k));
            }
        }
        return m;
    }

    /** For tests: the files live in {@code dir}. */
    TrustService(Path dir, PeerNetwork network, Clock clock, Map<String, ?> properties) {
        this.settings = initialSettings(properties);
        this.blockList = new BlockListService(dir, network, clock);
        this.store = new TrustStore(dir, network, clock, () -> settings);
        TrustSettings s = settings;
        LOG.info("Trust policy: peers start at {}, trust protocol {}, inbound mode {}, identifier policy {}{}",
                s.baseLevel(), s.runDefaultTrustProtocol() ? "on" : "off", s.inboundMode(),
                TrustSettings.policyName(s.localIdentifierSetPolicy()),
                s.networkSecret().isEmpty() ? "" : ", network secret set");
    }

    private TrustSettings initialSettings(Map<String, ?> properties) {
        try {
            return TrustSettings.from(properties);
        } catch (IllegalArgumentException e) {
            rejectedConfigurations.increment();
            LOG.error("Invalid configuration of {}: {}. Starting with the default settings instead.", PID,
                    e.getMessage());
            return TrustSettings.DEFAULTS;
        }
    }

    /**
     * Config Admin delivers the configuration (at registration, then on each change; null when there
     * is none: the defaults).
     */
    @Override
    public void updated(Dictionary<String, ?> properties) {
        modified(toMap(properties));
    }

    @Override
    public TrustSettings trustSettings() {
        return settings;
    }

    /** Applies a changed configuration at once; an invalid one is logged and counted, and the previous stays. */
    void modified(Map<String, ?> properties) {
        TrustSettings next;
        try {
            next = TrustSettings.from(properties);
        } catch (IllegalArgumentException e) {
            rejectedConfigurations.increment();
            LOG.error("Rejected the new configuration of {}; the previous one stays in force. {}", PID, e.getMessage());
            return;
        }
        TrustSettings previous = settings;
        settings = next;
        if (!next.equals(previous)) {
            LOG.info("Trust policy changed: {}", next.asText());
        }
    }

    /** The settings in force. */
    TrustSettings currentSettings() {
        return settings;
    }

    /** Configurations rejected since activation (the one at activation included). */
    long rejectedConfigurations() {
        return rejectedConfigurations.sum();
    }

    // ---------------------------------------------------------------- IncomingPeerPolicy

    @Override
    public Verdict checkAddress(InetAddress remote) {
        return blockList.checkAddress(remote);
    }

    @Override
    public Verdict checkPeer(PeerId peer, InetAddress remote, ChannelDirection direction) {
        return blockList.checkPeer(peer, remote, direction);
    }

    @Override
    public Admission admission(PeerId peer, InetAddress remote, ChannelDirection direction) {
        TrustSettings s = settings;
        Optional<TrustLevel> decided = store.decision(peer);
        if (decided.isPresent()) {
            return new Admission(decided.get(), false, s.inboundMode());
        }
        TrustLevel base = s.baseLevel();
        return new Admission(base, s.runDefaultTrustProtocol() && !base.atLeast(TrustLevel.ENHANCED), s.inboundMode());
    }

    // ---------------------------------------------------------------- BlockList

    @Override
    public BlockEntry blockAddress(String ipOrCidr, String note) {
        return blockList.blockAddress(ipOrCidr, note);
    }

    @Override
    public boolean unblockAddress(String ipOrCidr) {
        return blockList.unblockAddress(ipOrCidr);
    }

    @Override
    public BlockEntry blockPeer(PeerId peer, String note) {
        return blockList.blockPeer(peer, note);
    }

    @Override
    public boolean unblockPeer(PeerId peer) {
        return blockList.unblockPeer(peer);
    }

    @Override
    public List<BlockEntry> entries() {
        return blockList.entries();
    }

    // ---------------------------------------------------------------- TrustDecisions

    @Override
    public void trust(PeerId peer, String note) {
        store.trust(peer, note);
    }

    @Override
    public void untrust(PeerId peer, String note) {
        store.untrust(peer, note);
    }

    @Override
    public boolean forget(PeerId peer) {
        return store.forget(peer);
    }

    @Override
    public Optional<TrustLevel> decision(PeerId peer) {
        return store.decision(peer);
    }

    @Override
    public Map<PeerId, TrustLevel> decisions() {
        return store.decisions();
    }

    // ---------------------------------------------------------------- LocalIdentifier

    @Override
    public Optional<String> alias() {
        return store.alias();
    }

    @Override
    public LocalIdentifierSetPolicy policy() {
        return store.policy();
    }

    @Override
    public void setAlias(String alias, Origin origin) {
        store.setAlias(alias, origin);
    }

    // ---------------------------------------------------------------- TrustPolicy

    @Override
    public Map<String, String> settings() {
        return settings.asText();
    }

    @Override
    public Map<String, String> descriptions() {
        return TrustSettings.descriptions();
    }

    @Override
    public void set(String key, String value) {
        Object checked = TrustSettings.validate(key, value);
        ConfigurationAdmin cm = configAdmin;
        if (cm == null) {
            throw new IllegalStateException("Config Admin is not available: cannot store " + key);
        }
        try {
            // "?": any bundle may bind it, so DS (or fileinstall) delivering it is never refused for its location
            Configuration configuration = cm.getConfiguration(PID, "?");
            Dictionary<String, Object> current = configuration.getProperties();
            Dictionary<String, Object> next = new Hashtable<>();
            if (current != null) {
                for (Enumeration<String> keys = current.keys(); keys.hasMoreElements(); ) {
                    String k = keys.nextElement();
                    next.put(k, current.get(k));
                }
            }
            next.put(key, checked);
            configuration.update(next);
        } catch (IOException | RuntimeException e) {
            LOG.error("Cannot store {} of {} through Config Admin: {}", key, PID, e.toString());
            throw new IllegalStateException("Config Admin cannot store " + key + ": " + e.getMessage(), e);
        }
        LOG.info("Trust setting {} set to {}", key, TrustSettings.SECRET.equals(key)
                ? (value == null || value.isEmpty() ? "(empty)" : "(set)") : checked);
    }
}
