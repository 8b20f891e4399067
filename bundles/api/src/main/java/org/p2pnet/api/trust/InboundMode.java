package org.p2pnet.api.trust;

import java.util.Locale;

/**
 * What happens to an inbound peer once its identity is verified (P2PNet's IncomingPeerMode).
 *
 * @since 1.1
 */
public enum InboundMode {
    /**
     * The peer waits in the inbound queue ({@code p2p:inbound}) for {@code p2p:inbound-accept} /
     * {@code p2p:inbound-reject} or {@link org.p2pnet.api.PeerNetwork#acceptInbound} /
     * {@code rejectInbound}; it is refused when the queue is full or its wait times out.
     */
    QUEUE,
    /**
     * The {@link InboundListener}s decide at once (and an EventAdmin event
     * {@value InboundListener#TOPIC} is posted): the peer is accepted unless a listener refuses.
     */
    EVENT,
    /** The listeners are asked first (a refusal ends it); a peer none refused then waits in the queue. */
    QUEUE_AND_EVENT;

    /**
     * Parses {@code queue}, {@code event} or {@code queue_and_event} (any case, {@code -} for {@code _}).
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static InboundMode parse(String text) {
        if (text != null) {
            String t = text.trim().replace('-', '_').toUpperCase(Locale.ROOT);
            for (InboundMode m : values()) {
                if (m.name().equals(t)) {
                    return m;
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not an inbound mode: use queue, event or queue_and_event");
    }
}
