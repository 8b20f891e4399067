package org.p2pnet.core.internal;

import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerChannel;

/**
 * Thrown from {@code identified} when the new channel loses the duplicate rule. Carries the
 * surviving channel, so that the {@code connect()} whose dial produced the loser completes with
 * the survivor when the transport passes this exception on.
 */
final class DuplicateChannelException extends ChannelException {
    private static final long serialVersionUID = 1L;

    private final transient PeerChannel survivor;

    DuplicateChannelException(String message, PeerChannel survivor) {
        super(DisconnectReason.DUPLICATE_CHANNEL, message);
        this.survivor = survivor;
    }

    PeerChannel survivor() {
        return survivor;
    }
}
