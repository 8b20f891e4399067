package org.p2pnet.routines.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.routine.Intervals;
import org.p2pnet.api.routine.Routine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MaintainMinimumPeers (every 10 s): while fewer channels are open than
 * {@link PeerNetwork#minPeers()}, dials as many address book candidates as are missing
 * ({@link PeerNetwork#dialCandidates}: the core picks them past their backoff, spread over address
 * groups, and records each outcome). A run waits for its dials at most
 * {@code MaintainMinimumPeers.dialWait} (default 5 s); dials still under way go on. Failures are
 * logged at DEBUG.
 */
@Component(service = Routine.class, configurationPid = RoutineScheduler.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Routine.NAME_PROPERTY + "=" + MaintainMinimumPeersRoutine.NAME,
                Routine.INTERVAL_PROPERTY + ":Long=10000"})
public final class MaintainMinimumPeersRoutine implements Routine {
    static final String NAME = "MaintainMinimumPeers";
    static final String DIAL_WAIT = NAME + ".dialWait";
    static final Duration DEFAULT_DIAL_WAIT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(MaintainMinimumPeersRoutine.class);

    private final PeerNetwork network;
    private final RoutineSettings<Duration> dialWait = new RoutineSettings<>(NAME,
            p -> RoutineSettings.interval(p, DIAL_WAIT, DEFAULT_DIAL_WAIT), DEFAULT_DIAL_WAIT, LOG);

    @Activate
    public MaintainMinimumPeersRoutine(@Reference PeerNetwork network, Map<String, Object> properties) {
        this.network = network;
        dialWait.configure(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        dialWait.configure(properties);
    }

    @Override
    public void run() throws InterruptedException {
        int open = network.activeChannels().size();
        int missing = network.minPeers() - open;
        if (missing <= 0) {
            return;
        }
        List<AddressBookEntry> candidates = network.dialCandidates(missing);
        if (candidates.isEmpty()) {
            LOG.debug("MaintainMinimumPeers: {} of {} channels open, no candidate to dial now", open,
                    network.minPeers());
            return;
        }
        LOG.debug("MaintainMinimumPeers: {} of {} channels open, dialling {}", open, network.minPeers(),
                candidates.size());
        List<CompletableFuture<PeerChannel>> dials = new ArrayList<>(candidates.size());
        for (AddressBookEntry candidate : candidates) {
            try {
                dials.add(network.connect(candidate.address()).toCompletableFuture()
                        .whenComplete((channel, failure) -> {
                            if (failure != null) {
                                LOG.debug("MaintainMinimumPeers: dialling {} at {} failed: {}",
                                        candidate.peerId().shortForm(), candidate.address(), failure.toString());
                            }
                        }));
            } catch (RuntimeException refused) {
                LOG.debug("MaintainMinimumPeers: cannot dial {} at {}: {}", candidate.peerId().shortForm(),
                        candidate.address(), refused.toString());
            }
        }
        Duration wait = dialWait.get();
        try {
            CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException someFailed) {
            // each failure is logged above; the core records it and backs off
        } catch (TimeoutException slow) {
            LOG.debug("MaintainMinimumPeers: dials still under way after {}; they go on", Intervals.format(wait));
        }
    }

    Duration dialWait() {
        return dialWait.get();
    }

    long rejectedConfigurations() {
        return dialWait.rejected();
    }
}
