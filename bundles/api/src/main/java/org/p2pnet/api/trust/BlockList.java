package org.p2pnet.api.trust;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;
import org.p2pnet.api.PeerId;

/**
 * The operator's block list, kept across restarts. Provided by the trust bundle. A change applies
 * at once: blocking disconnects open channels it matches with {@code BLOCKED}.
 *
 * <p>Addresses are IP literals or CIDR ranges only: a host name is refused, never looked up.
 */
@ProviderType
public interface BlockList {

    /**
     * Blocks an IP address ({@code 192.0.2.7}, {@code 2001:db8::1}) or a CIDR range
     * ({@code 10.0.0.0/8}, {@code 2001:db8::/32}); host bits of a range are cleared. Blocking an
     * entry already there keeps it (and its note).
     *
     * @return the entry as stored
     * @throws IllegalArgumentException naming what is wrong with {@code ipOrCidr} or {@code note}
     * @throws IllegalStateException when the list cannot be changed (its file is unreadable or cannot be written)
     */
    BlockEntry blockAddress(String ipOrCidr, String note);

    /**
     * Removes an address entry (given in any form that normalizes to it).
     *
     * @return false when there was no such entry
     * @throws IllegalArgumentException naming what is wrong with {@code ipOrCidr}
     * @throws IllegalStateException when the list cannot be changed
     */
    boolean unblockAddress(String ipOrCidr);

    /**
     * Blocks a peer id wherever it connects from.
     *
     * @return the entry as stored
     * @throws IllegalArgumentException naming what is wrong with {@code note}
     * @throws IllegalStateException when the list cannot be changed
     */
    BlockEntry blockPeer(PeerId peer, String note);

    /**
     * Removes a peer entry.
     *
     * @return false when there was no such entry
     * @throws IllegalStateException when the list cannot be changed
     */
    boolean unblockPeer(PeerId peer);

    /** All entries, addresses first, each kind in the order added. */
    List<BlockEntry> entries();
}
