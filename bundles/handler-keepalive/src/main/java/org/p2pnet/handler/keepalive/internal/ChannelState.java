package org.p2pnet.handler.keepalive.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;

import org.p2pnet.api.PeerId;

/**
 * What the Keepalive routine knows of one open channel. Guarded by itself: the routine and the
 * PING/PONG handlers (network threads) lock it for a few field updates, never while sending.
 */
final class ChannelState {
    /** Where a channel is in the liveness state machine (see the README). */
    enum Phase {
        /** Something was received within {@code idleSeconds}, or it has not been pinged yet. */
        HEALTHY,
        /** Silent past {@code idleSeconds}: one PING sent, waiting up to {@code timeoutSeconds}. */
        PINGED,
        /** The first PING went unanswered: a second one sent, waiting up to {@code timeoutSeconds}. */
        SUSPECT,
        /** Declared dead and disconnected; forgotten once the core no longer lists the channel. */
        CLOSING
    }

    /** A PING sent and not answered yet. */
    record Outstanding(String nonce, Instant sentAt) {
    }

    /** Most PINGs remembered per channel for matching PONGs; the oldest goes first. */
    static final int MAX_OUTSTANDING = 4;

    final PeerId peer;
    /** {@code stats().packetsIn()} when the routine last looked: growth means the peer sent something. */
    long packetsIn;
    /** When this node last knew the peer to have sent something (an upper bound of the true time). */
    Instant receivedAt;
    Phase phase = Phase.HEALTHY;
    /** When the PING of the current phase (PINGED or SUSPECT) was sent. */
    Instant pingAt;
    /** Round-trip time of the last matched PONG, or null. */
    Duration lastRtt;
    private final ArrayDeque<Outstanding> outstanding = new ArrayDeque<>(MAX_OUTSTANDING);

    ChannelState(PeerId peer, long packetsIn, Instant receivedAt) {
        this.peer = peer;
        this.packetsIn = packetsIn;
        this.receivedAt = receivedAt;
    }

    /** Remembers a PING sent, dropping the oldest beyond {@value #MAX_OUTSTANDING}. */
    void sent(String nonce, Instant at) {
        if (outstanding.size() >= MAX_OUTSTANDING) {
            outstanding.removeFirst();
        }
        outstanding.addLast(new Outstanding(nonce, at));
    }

    /** Takes the outstanding PING with this nonce: null when there is none. */
    Outstanding answered(String nonce) {
        for (Iterator<Outstanding> i = outstanding.iterator(); i.hasNext(); ) {
            Outstanding o = i.next();
            if (o.nonce().equals(nonce)) {
                i.remove();
                return o;
            }
        }
        return null;
    }

    /** Forgets PINGs sent before {@code cutoff}: their answers, if they come, are late. */
    void expire(Instant cutoff) {
        outstanding.removeIf(o -> o.sentAt().isBefore(cutoff));
    }

    int outstanding() {
        return outstanding.size();
    }
}
