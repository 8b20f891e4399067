package org.p2pnet.routines.internal;

import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.api.routine.Routine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PeerExchange (every 2 min): sends a PEER_GROUP request for {@code PeerExchange.want} peers
 * (default 16) to one open channel picked at random among those at {@link TrustLevel#ENHANCED}
 * (PEER_GROUP needs that level); nothing when there is none. The answer goes to the PEER_GROUP
 * handler, which offers the peers to the core. The send is not waited for; a failure is logged at
 * DEBUG.
 */
@Component(service = Routine.class, configurationPid = RoutineScheduler.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Routine.NAME_PROPERTY + "=" + PeerExchangeRoutine.NAME,
                Routine.INTERVAL_PROPERTY + ":Long=120000"})
public final class PeerExchangeRoutine implements Routine {
    static final String NAME = "PeerExchange";
    static final String WANT = NAME + ".want";
    static final int DEFAULT_WANT = 16;

    private static final Logger LOG = LoggerFactory.getLogger(PeerExchangeRoutine.class);

    private final PeerNetwork network;
    private final RandomGenerator random;
    private final RoutineSettings<Integer> want = new RoutineSettings<>(NAME,
            p -> RoutineSettings.integer(p, WANT, DEFAULT_WANT, 1, PeerGroupPacket.MAX_WANT), DEFAULT_WANT, LOG);

    @Activate
    public PeerExchangeRoutine(@Reference PeerNetwork network, Map<String, Object> properties) {
        this(network, properties, new SecureRandom());
    }

    /** For tests: the channel is picked with this random source. */
    PeerExchangeRoutine(PeerNetwork network, Map<String, ?> properties, RandomGenerator random) {
        this.network = network;
        this.random = random;
        want.configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        want.configure(properties);
    }

    @Override
    public void run() {
        List<PeerChannel> enhanced = network.activeChannels().stream()
                .filter(c -> c.isOpen() && c.trustLevel() == TrustLevel.ENHANCED)
                .toList();
        if (enhanced.isEmpty()) {
            LOG.debug("PeerExchange: no open channel at ENHANCED to ask");
            return;
        }
        PeerId peer = enhanced.get(random.nextInt(enhanced.size())).peerId();
        int wanted = want.get();
        LOG.debug("PeerExchange: asking {} for {} peers", peer.shortForm(), wanted);
        network.send(peer, new PeerGroupPacket(List.of(), wanted)).whenComplete((sent, failure) -> {
            if (failure != null) {
                LOG.debug("PeerExchange: could not ask {}: {}", peer.shortForm(), failure.toString());
            }
        });
    }

    int want() {
        return want.get();
    }

    long rejectedConfigurations() {
        return want.rejected();
    }
}
