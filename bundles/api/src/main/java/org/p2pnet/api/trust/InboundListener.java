package org.p2pnet.api.trust;

import org.osgi.annotation.versioning.ConsumerType;
import org.p2pnet.api.InboundRequest;

/**
 * Whiteboard: told of each inbound peer whose identity was verified, while the inbound mode is
 * {@link InboundMode#EVENT} or {@link InboundMode#QUEUE_AND_EVENT} (P2PNet's
 * OnIncomingPeerConnectionAttempt). Every listener is asked, in ranking order, until one refuses.
 *
 * <p>Called on a network thread: answer quickly, without I/O. A listener that throws is logged
 * and counts as no objection.
 *
 * @since 1.1
 */
@ConsumerType
public interface InboundListener {
    /** EventAdmin topic posted for each inbound attempt (properties as for peer events). */
    String TOPIC = "org/p2pnet/peer/INBOUND_ATTEMPT";

    /**
     * @return {@link Verdict#ALLOW} (or null) for no objection, or a refusal whose reason and
     *         message the peer receives in its DISCONNECT
     */
    Verdict inboundAttempt(InboundRequest request);
}
