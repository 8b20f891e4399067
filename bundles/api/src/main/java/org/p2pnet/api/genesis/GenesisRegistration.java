package org.p2pnet.api.genesis;

import java.time.Instant;
import java.util.Objects;

import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;

/**
 * One node registered with a genesis node.
 *
 * @param peerId    the id, checked against the key that signed the registration
 * @param address   the observed source address of the registration with the announced TCP port
 * @param firstSeen when it first registered
 * @param lastSeen  when it last registered (renewed)
 * @param expiresAt when it is dropped unless it renews
 * @param dialBack  the dial-back check's state
 */
public record GenesisRegistration(PeerId peerId, PeerAddress address, Instant firstSeen, Instant lastSeen,
                                  Instant expiresAt, DialBack dialBack) {
    /** Whether the genesis node could open a TCP connection to the registered address. */
    public enum DialBack {
        /** The check is off: the peer is handed out as registered. */
        OFF,
        /** Not checked yet: not handed out. */
        PENDING,
        /** A connection opened: handed out. */
        OK,
        /** No connection: not handed out until a renewal passes the check. */
        FAILED
    }

    public GenesisRegistration {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        Objects.requireNonNull(expiresAt, "expiresAt");
        Objects.requireNonNull(dialBack, "dialBack");
    }
}
