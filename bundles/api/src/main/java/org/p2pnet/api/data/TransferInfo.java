package org.p2pnet.api.data;

import java.time.Instant;
import java.util.Objects;

import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.DataFormat;

/**
 * A transfer as it stands ({@code p2p:transfers}).
 *
 * @param id          the transfer id (the DATA packets' {@code transferId})
 * @param peer        the other side
 * @param direction   whether this node sends or receives
 * @param format      FILE, TASK or MISC
 * @param name        the file name (as sanitized by the receiver, on the receiving side) or payload label
 * @param totalSize   bytes in all
 * @param transferred bytes sent (and acknowledged) or received and written, contiguous from 0
 * @param state       where it is
 * @param startedAt   when it started
 * @param updatedAt   when it last moved
 * @param bytesPerSecond the recent rate (0 when not moving)
 * @param sha256      hex SHA-256 of the whole payload
 * @param detail      in words: the failure, the stored path, or what it waits for
 */
public record TransferInfo(String id, PeerId peer, Direction direction, DataFormat format, String name, long totalSize,
                           long transferred, State state, Instant startedAt, Instant updatedAt, long bytesPerSecond,
                           String sha256, String detail) {
    /** Whether this node sends or receives. */
    public enum Direction {
        OUTGOING,
        INCOMING
    }

    /** Where a transfer is. */
    public enum State {
        /** Waiting for a slot (quota of concurrent transfers). */
        QUEUED,
        /** Bytes are moving. */
        RUNNING,
        /** The channel went away; it resumes from {@code transferred} when the peers reconnect. */
        INTERRUPTED,
        /** All bytes are there; the receiver is checking the SHA-256. */
        VERIFYING,
        /** Done and verified (received files are in the storage directory). */
        DONE,
        /** Ended without success; {@code detail} says why. */
        FAILED,
        /** Cancelled by an operator or the API. */
        CANCELLED;

        /** True for DONE, FAILED and CANCELLED. */
        public boolean ended() {
            return this == DONE || this == FAILED || this == CANCELLED;
        }
    }

    public TransferInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        name = name == null ? "" : name;
        sha256 = sha256 == null ? "" : sha256;
        detail = detail == null ? "" : detail;
    }

    /** Percent done, 0-100. */
    public int percent() {
        return totalSize == 0 ? (state == State.DONE ? 100 : 0) : (int) Math.min(100, transferred * 100 / totalSize);
    }
}
