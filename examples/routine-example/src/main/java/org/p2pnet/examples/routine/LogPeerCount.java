package org.p2pnet.examples.routine;

import java.util.Collection;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.routine.Routine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network routine in a dozen lines: every 30 s, logs how many channels are open and how many of
 * them are trusted (ENHANCED).
 *
 * <p>All it takes is a {@link Routine} service with a {@value Routine#NAME_PROPERTY} (1-64 characters
 * of {@code A-Z a-z 0-9 _ . -}, unique on the node) and, optionally, its default interval in
 * {@value Routine#INTERVAL_PROPERTY}. The routines bundle finds it, schedules it, never runs it
 * concurrently with itself, logs what it throws (once per streak) and keeps its schedule; an operator
 * changes its interval with {@code p2p:routine-interval LogPeerCount 1m}. When this bundle stops, the
 * service goes away and the scheduler forgets the routine.
 */
@Component(service = Routine.class,
        property = {Routine.NAME_PROPERTY + "=" + LogPeerCount.NAME, Routine.INTERVAL_PROPERTY + ":Long=30000"})
public final class LogPeerCount implements Routine {
    /** The routine's name, as p2p:routines shows it. */
    public static final String NAME = "LogPeerCount";

    private static final Logger LOG = LoggerFactory.getLogger(LogPeerCount.class);

    private final PeerNetwork network;

    /** DS injects the node's network (the routine goes away with the core). */
    @Activate
    public LogPeerCount(@Reference PeerNetwork network) {
        this.network = network;
    }

    /** One run: quick, no waiting. A run that threw would be logged by the scheduler and counted. */
    @Override
    public void run() {
        Collection<PeerChannel> open = network.activeChannels();
        long trusted = open.stream().filter(c -> c.trustLevel() == TrustLevel.ENHANCED).count();
        LOG.info("{}: {} open channels, {} trusted (minPeers {})", NAME, open.size(), trusted, network.minPeers());
    }

    /** What the last run would log, for tests and curious callers. */
    String summary() {
        Collection<PeerChannel> open = network.activeChannels();
        long trusted = open.stream().filter(c -> c.trustLevel() == TrustLevel.ENHANCED).count();
        return open.size() + " open channels, " + trusted + " trusted";
    }
}
