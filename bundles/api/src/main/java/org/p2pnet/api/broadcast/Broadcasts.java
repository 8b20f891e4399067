package org.p2pnet.api.broadcast;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Network-wide broadcast. Provided by the broadcast handler bundle: it relays every new broadcast
 * received on a channel at DEFAULT or better to every other open channel (hop limit permitting),
 * drops duplicates by id (a bounded, expiring seen-cache), and delivers each once here.
 */
@ProviderType
public interface Broadcasts {

    /**
     * Originates a broadcast: id = SHA-256 over origin, time, title and message; sent to every open
     * channel at DEFAULT or better.
     *
     * @return the packet sent, and how many channels it was written to
     * @throws IllegalArgumentException for a title over 256 or a message over the size cap
     */
    Sent broadcast(String title, String message);

    /** The last broadcasts delivered here, newest first, at most {@code limit}. */
    List<ReceivedBroadcast> recent(int limit);

    /** Counters since start. */
    Stats stats();

    /**
     * @param packet     what was sent
     * @param recipients channels it was written to
     */
    record Sent(org.p2pnet.api.packet.BroadcastPacket packet, int recipients) {
    }

    /**
     * @param originated   broadcasts this node started
     * @param delivered    broadcasts delivered here (first copies)
     * @param duplicates   copies dropped as already seen
     * @param relayed      copies sent on to other channels
     * @param refused      broadcasts refused (too large, malformed, hop limit, untrusted channel)
     */
    record Stats(long originated, long delivered, long duplicates, long relayed, long refused) {
    }
}
