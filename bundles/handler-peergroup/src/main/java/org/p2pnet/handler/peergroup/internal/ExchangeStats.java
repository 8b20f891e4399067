package org.p2pnet.handler.peergroup.internal;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

import org.p2pnet.api.discovery.OfferOutcome;

/**
 * Counters of a {@link PeerExchange} since activation, for logs and, later, a shell command.
 *
 * @param answered        requests answered
 * @param requestsIgnored requests over the per-channel rate, not answered
 * @param requestsSent    requests this node sent
 * @param entriesAccepted entries put in the candidate book
 * @param entriesDropped  entries not used, by reason (every entry reason, zeros included; not empty)
 * @param offers          offers made to the core, by its answer (every outcome, zeros included; not empty)
 * @param candidates      candidates in the book now
 */
record ExchangeStats(long answered, long requestsIgnored, long requestsSent, long entriesAccepted,
                     Map<Drop, Long> entriesDropped, Map<OfferOutcome, Long> offers, int candidates) {
    ExchangeStats {
        // EnumMaps keep the enum order in logs and tables
        entriesDropped = Collections.unmodifiableMap(new EnumMap<>(entriesDropped));
        offers = Collections.unmodifiableMap(new EnumMap<>(offers));
    }

    /** Offers made, whatever the core answered. */
    long offered() {
        return offers.values().stream().mapToLong(Long::longValue).sum();
    }
}
