package org.p2pnet.trust.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.trust.LocalIdentifier;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy;
import org.p2pnet.api.trust.LocalIdentifierSetPolicy.Origin;
import org.p2pnet.api.trust.TrustDecisions;
import org.p2pnet.trust.internal.BlockFile.CorruptFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standing trust decisions and the node's alias, kept in {@code ${karaf.data}/p2pnet/trust.json}.
 * Reads use an immutable snapshot without locking; changes are serialized, written to the file first
 * and published after, then applied to the peer's open channel. A corrupt file is never overwritten:
 * the store starts empty and refuses every change, naming the file and the problem.
 */
final class TrustStore implements TrustDecisions, LocalIdentifier {
    private static final Logger LOG = LoggerFactory.getLogger(TrustStore.class);

    private final TrustFile file;
    private final PeerNetwork network;
    private final Clock clock;
    private final Supplier<TrustSettings> settings;
    private final String unreadable;
    private final Object changeLock = new Object();
    private volatile TrustFile.Content content;

    /**
     * @param settings the settings in force (the base level for {@link #forget}, the identifier policy)
     */
    TrustStore(Path dir, PeerNetwork network, Clock clock, Supplier<TrustSettings> settings) {
        this.file = new TrustFile(dir.resolve(TrustFile.FILE_NAME));
        this.network = Objects.requireNonNull(network, "network");
        this.clock = clock;
        this.settings = settings;
        TrustFile.Content loaded;
        String problem;
        try {
            loaded = file.read();
            problem = null;
            LOG.info("Trust decisions {}: {} peers{}", file.path(), loaded.decisions().size(),
                    loaded.alias().isEmpty() ? "" : ", alias '" + loaded.alias() + "'");
        } catch (CorruptFileException e) {
            loaded = TrustFile.Content.EMPTY;
            problem = "the trust file " + file.path() + " is unreadable (" + e.getMessage()
                    + "); fix or remove it and restart the trust bundle";
            LOG.error("{}. No peer has a trust decision, no alias is set, and changes are refused so the file is"
                    + " kept as it is.", problem);
        }
        this.content = loaded;
        this.unreadable = problem;
    }

    // ---------------------------------------------------------------- TrustDecisions

    @Override
    public void trust(PeerId peer, String note) {
        decide(peer, TrustLevel.ENHANCED, note);
    }

    @Override
    public void untrust(PeerId peer, String note) {
        decide(peer, TrustLevel.NONE, note);
    }

    private void decide(PeerId peer, TrustLevel level, String note) {
        Objects.requireNonNull(peer, "peer");
        String n = Notes.check(note);
        synchronized (changeLock) {
            requireChangeable();
            Map<PeerId, TrustFile.Decision> next = new LinkedHashMap<>(content.decisions());
            next.remove(peer); // re-inserted last: the order is by time of decision
            next.put(peer, new TrustFile.Decision(level, n, Instant.now(clock)));
            publish(new TrustFile.Content(content.alias(), next));
        }
        LOG.info("{} peer {}{}", level == TrustLevel.ENHANCED ? "Trusted" : "Distrusted", peer.value(),
                n.isEmpty() ? "" : " (" + n + ")");
        apply(peer, level, level == TrustLevel.ENHANCED ? "trusted by the operator" : "distrusted by the operator");
    }

    @Override
    public boolean forget(PeerId peer) {
        Objects.requireNonNull(peer, "peer");
        synchronized (changeLock) {
            requireChangeable();
            if (!content.decisions().containsKey(peer)) {
                return false;
            }
            Map<PeerId, TrustFile.Decision> next = new LinkedHashMap<>(content.decisions());
            next.remove(peer);
            publish(new TrustFile.Content(content.alias(), next));
        }
        LOG.info("Forgot the trust decision about peer {}", peer.value());
        apply(peer, settings.get().baseLevel(), "trust decision forgotten");
        return true;
    }

    @Override
    public Optional<TrustLevel> decision(PeerId peer) {
        TrustFile.Decision d = peer == null ? null : content.decisions().get(peer);
        return d == null ? Optional.empty() : Optional.of(d.level());
    }

    @Override
    public Map<PeerId, TrustLevel> decisions() {
        Map<PeerId, TrustLevel> m = new LinkedHashMap<>();
        content.decisions().forEach((peer, d) -> m.put(peer, d.level()));
        return Collections.unmodifiableMap(m);
    }

    /** Applies a level to the peer's open channel, if it has one; a channel that just went is no matter. */
    private void apply(PeerId peer, TrustLevel level, String reason) {
        try {
            if (network.channel(peer).isPresent()) {
                network.setTrustLevel(peer, level, reason);
            }
        } catch (IllegalArgumentException gone) {
            LOG.debug("Peer {} has no open channel to apply {} to: {}", peer.shortForm(), level, gone.getMessage());
        } catch (IllegalStateException | UnsupportedOperationException refused) {
            LOG.warn("The core did not apply {} to the open channel of {} ({}); it applies to its next channel",
                    level, peer.shortForm(), refused.getMessage());
        }
    }

    // ---------------------------------------------------------------- LocalIdentifier

    @Override
    public Optional<String> alias() {
        return TrustFile.alias(content);
    }

    @Override
    public LocalIdentifierSetPolicy policy() {
        return settings.get().localIdentifierSetPolicy();
    }

    @Override
    public void setAlias(String alias, Origin origin) {
        Objects.requireNonNull(origin, "origin");
        String a = Aliases.check(alias);
        synchronized (changeLock) {
            LocalIdentifierSetPolicy policy = policy();
            boolean set = !content.alias().isEmpty();
            if (!policy.allows(origin, set)) {
                throw new SecurityException("the local identifier policy " + TrustSettings.policyName(policy)
                        + " does not allow a " + (origin == Origin.LOCAL ? "local" : "remote") + " change"
                        + (set ? " while an alias is set" : ""));
            }
            requireChangeable();
            publish(new TrustFile.Content(a, content.decisions()));
        }
        LOG.info("Local identifier set to '{}' ({})", a, origin == Origin.LOCAL ? "local" : "remote");
    }

    // ---------------------------------------------------------------- file

    private void requireChangeable() {
        if (unreadable != null) {
            throw new IllegalStateException("the trust decisions cannot be changed: " + unreadable);
        }
    }

    /** Under {@link #changeLock}: file first, so a change that cannot be kept is not applied. */
    private void publish(TrustFile.Content next) {
        try {
            file.write(next);
        } catch (IOException e) {
            LOG.error("Cannot write the trust file {}: {}", file.path(), e.toString());
            throw new IllegalStateException("cannot write the trust file " + file.path() + ": " + e
                    + "; nothing was changed", e);
        }
        content = new TrustFile.Content(next.alias(), Collections.unmodifiableMap(new LinkedHashMap<>(next.decisions())));
    }
}
