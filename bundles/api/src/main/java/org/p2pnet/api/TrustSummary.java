package org.p2pnet.api;

import java.util.Optional;

/**
 * The node's trust state, as {@code p2p:status} and {@code p2p:policy} show it.
 *
 * @param policy           the inbound policy in force (its class and bundle), or empty when none is
 *                         installed and the core fails closed
 * @param protocol         the trust protocol in force, or empty when none is installed
 * @param failClosed       true while no inbound policy is installed: no channel gets more than
 *                         DEFAULT and inbound peers are held or refused per the core's
 *                         {@code inboundWithoutPolicy}
 * @param droppedUntrusted packets dropped since start because their channel's level was too low
 * @param closedUntrusted  channels closed with NOT_TRUSTED for sending too many such packets
 * @param inboundQueued    inbound peers waiting for a decision
 * @param queueWithoutPolicy what the core does with inbound peers while no policy is installed
 *                         (its {@code inboundWithoutPolicy}): true = holds them in the inbound
 *                         queue, false = refuses them
 * @since 1.2
 */
public record TrustSummary(Optional<String> policy, Optional<String> protocol, boolean failClosed,
                           long droppedUntrusted, long closedUntrusted, int inboundQueued,
                           boolean queueWithoutPolicy) {
    public TrustSummary {
        policy = policy == null ? Optional.empty() : policy;
        protocol = protocol == null ? Optional.empty() : protocol;
    }
}
