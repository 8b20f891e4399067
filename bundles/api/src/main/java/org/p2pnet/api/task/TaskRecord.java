package org.p2pnet.api.task;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the task log ({@code p2p:tasks}).
 *
 * @param at      when
 * @param outcome what happened to it
 * @param type    the task type (null when the envelope was unreadable)
 * @param nonce   the task nonce (empty when unreadable)
 * @param from    the peer it came from or went to, short form (empty when issued to several)
 * @param detail  in words: the refusal reason, or what was done
 */
public record TaskRecord(Instant at, Outcome outcome, NetworkTaskType type, String nonce, String from, String detail) {
    /** What happened to a task. */
    public enum Outcome {
        /** Signed and sent by this node. */
        ISSUED,
        /** Received, checked and carried out. */
        EXECUTED,
        /** Received and checked, but carrying it out failed. */
        FAILED,
        /** Received and refused (forged, replayed, expired, unknown signer, wrong network, not allowed). */
        REFUSED,
        /** Received, valid, but meant for another node. */
        IGNORED
    }

    public TaskRecord {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(outcome, "outcome");
        nonce = nonce == null ? "" : nonce;
        from = from == null ? "" : from;
        detail = detail == null ? "" : detail;
    }
}
