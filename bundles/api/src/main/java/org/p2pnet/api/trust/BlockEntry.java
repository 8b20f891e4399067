package org.p2pnet.api.trust;

import java.time.Instant;
import java.util.Objects;

/**
 * One entry of the {@link BlockList}.
 *
 * @param kind an address (IP or CIDR range) or a peer id
 * @param value the normalized text: {@code 10.0.0.0/8}, {@code 2001:db8:0:0:0:0:0:0/32}, or a full peer id
 * @param note the operator's note, may be empty
 * @param since when it was added
 */
public record BlockEntry(Kind kind, String value, String note, Instant since) {
    public BlockEntry {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(since, "since");
        note = note == null ? "" : note;
    }

    /** What an entry blocks. */
    public enum Kind {
        /** An IP address or a CIDR range of them. */
        ADDRESS,
        /** A peer id, wherever it connects from. */
        PEER
    }
}
