package org.p2pnet.api;

import java.util.Optional;

/**
 * A peer lifecycle event, delivered to {@link PeerListener} services and posted on EventAdmin
 * under {@link #topic()}.
 *
 * @param kind       what happened
 * @param peerId     the peer
 * @param address    the peer's observed address
 * @param direction  the channel direction
 * @param disconnect how it ended, for {@link Kind#DISCONNECTED}
 */
public record PeerEvent(Kind kind, PeerId peerId, PeerAddress address, ChannelDirection direction,
                        Optional<DisconnectRecord> disconnect) {

    /** EventAdmin topic prefix of peer events. */
    public static final String TOPIC_PREFIX = "org/p2pnet/peer/";

    /** Event property names on EventAdmin events. */
    public static final String PROP_PEER_ID = "peer.id";
    public static final String PROP_ADDRESS = "peer.address";
    public static final String PROP_DIRECTION = "channel.direction";
    public static final String PROP_REASON = "disconnect.reason";
    public static final String PROP_MESSAGE = "disconnect.message";
    public static final String PROP_BY_REMOTE = "disconnect.byRemote";

    public enum Kind {
        /** A channel was identified and registered. */
        CONNECTED,
        /** A channel closed. */
        DISCONNECTED
    }

    public PeerEvent {
        disconnect = disconnect == null ? Optional.empty() : disconnect;
    }

    /** {@code org/p2pnet/peer/CONNECTED} or {@code org/p2pnet/peer/DISCONNECTED}. */
    public String topic() {
        return TOPIC_PREFIX + kind.name();
    }
}
