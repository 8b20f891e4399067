package org.p2pnet.core.internal;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.p2pnet.api.PeerId;

/**
 * Remembers, per discovered peer, that a dial is under way or recently failed, so that repeated
 * announcements (one a second on a LAN) neither start parallel dials nor hammer a peer that
 * does not answer. Bounded: at most {@value #MAX_FAILURES} failures are remembered.
 */
final class DiscoveryOffers {
    static final int MAX_FAILURES = 4096;

    private final Set<PeerId> dialling = ConcurrentHashMap.newKeySet();
    private final Map<PeerId, Long> failedAt = new LinkedHashMap<>();
    private final long backoffNanos;

    DiscoveryOffers(Duration backoff) {
        this.backoffNanos = backoff.toNanos();
    }

    /** Claims the peer for one dial; false when a dial to it is under way already. */
    boolean startDial(PeerId peer) {
        return dialling.add(peer);
    }

    /** True while a dial started from an offer to the peer is under way. */
    boolean isDialling(PeerId peer) {
        return dialling.contains(peer);
    }

    void dialEnded(PeerId peer, boolean connected) {
        dialling.remove(peer);
        synchronized (failedAt) {
            if (connected) {
                failedAt.remove(peer);
            } else {
                failedAt.remove(peer);
                failedAt.put(peer, System.nanoTime());
                Iterator<PeerId> oldest = failedAt.keySet().iterator();
                while (failedAt.size() > MAX_FAILURES && oldest.hasNext()) {
                    oldest.next();
                    oldest.remove();
                }
            }
        }
    }

    /** True while the last dial to the peer failed less than the backoff ago. */
    boolean backingOff(PeerId peer) {
        synchronized (failedAt) {
            Long at = failedAt.get(peer);
            return at != null && System.nanoTime() - at < backoffNanos;
        }
    }
}
