package org.p2pnet.routines.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.p2pnet.api.PeerId;
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
 * {@code MaintainMinimumPeers.dialWait} (default 5 s); dials still under way go on. When a dial
 * fails within that time (a peer gone for good refuses at once), the run dials further candidates
 * it has not tried yet, in up to {@value #MAX_ROUNDS} rounds, instead of leaving the node short until
 * the next run. Failures are logged at DEBUG.
 */
@Component(service = Routine.class, configurationPid = RoutineScheduler.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = {Routine.NAME_PROPERTY + "=" + MaintainMinimumPeersRoutine.NAME,
                Routine.INTERVAL_PROPERTY + ":Long=10000"})
public final class MaintainMinimumPeersRoutine implements Routine {
    static final String NAME = "MaintainMinimumPeers";
    static final String DIAL_WAIT = NAME + ".dialWait";
    static final Duration DEFAULT_DIAL_WAIT = Duration.ofSeconds(5);
    /** Most rounds of dials in one run (each after the previous one failed somewhere, all within dialWait). */
    static final int MAX_ROUNDS = 4;

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
        Duration wait = dialWait.get();
        long deadline = System.nanoTime() + wait.toNanos();
        Set<PeerId> tried = new HashSet<>();
        for (int round = 1; round <= MAX_ROUNDS; round++) {
            int open = network.activeChannels().size();
            int missing = network.minPeers() - open;
            if (missing <= 0) {
                return;
            }
            // ask for as many more as were tried already, so that a book which still offers them
            // (the core backs failed ones off; a fake may not) cannot hide the untried ones
            List<AddressBookEntry> candidates = network.dialCandidates(missing + tried.size()).stream()
                    .filter(c -> !tried.contains(c.peerId())).limit(missing).toList();
            if (candidates.isEmpty()) {
                LOG.debug("MaintainMinimumPeers: {} of {} channels open, no {}candidate to dial now", open,
                        network.minPeers(), round == 1 ? "" : "other ");
                return;
            }
            LOG.debug("MaintainMinimumPeers: {} of {} channels open, dialling {} (round {})", open, network.minPeers(),
                    candidates.size(), round);
            List<CompletableFuture<PeerChannel>> dials = new ArrayList<>(candidates.size());
            for (AddressBookEntry candidate : candidates) {
                tried.add(candidate.peerId());
                dials.add(dial(candidate));
            }
            long left = deadline - System.nanoTime();
            boolean someFailed = false;
            try {
                CompletableFuture.allOf(dials.toArray(CompletableFuture[]::new)).get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (ExecutionException failed) {
                // each failure is logged in dial(); the core records it and backs that peer off
                someFailed = true;
            } catch (TimeoutException slow) {
                LOG.debug("MaintainMinimumPeers: dials still under way after {}; they go on", Intervals.format(wait));
                return;
            }
            if (!someFailed) {
                return;
            }
            // a candidate that refused at once (a peer gone for good, such as one killed) does not
            // make the node wait for the next run: others are dialled now, within dialWait
        }
    }

    /** Dials one candidate; a refusal before dialling becomes a failed future. */
    private CompletableFuture<PeerChannel> dial(AddressBookEntry candidate) {
        try {
            return network.connect(candidate.address()).toCompletableFuture().whenComplete((channel, failure) -> {
                if (failure != null) {
                    LOG.debug("MaintainMinimumPeers: dialling {} at {} failed: {}", candidate.peerId().shortForm(),
                            candidate.address(), failure.toString());
                }
            });
        } catch (RuntimeException refused) {
            LOG.debug("MaintainMinimumPeers: cannot dial {} at {}: {}", candidate.peerId().shortForm(),
                    candidate.address(), refused.toString());
            return CompletableFuture.failedFuture(refused);
        }
    }

    Duration dialWait() {
        return dialWait.get();
    }

    long rejectedConfigurations() {
        return dialWait.rejected();
    }
}
