package org.p2pnet.examples.handler;

/**
 * Why a KV packet was rejected. Each kind is counted, logged at WARN the first time it happens (then
 * at DEBUG), and answered with a KV {@code error} reply carrying its {@link #name()} as {@code reason}.
 */
public enum Rejection {
    /** The packet is not a raw custom packet (the core never hands us one, but a caller might). */
    NOT_RAW,
    /** It carries a binary body; KV requests are metadata only. */
    HAS_BODY,
    /** The metadata is larger than {@value KvWire#MAX_METADATA_BYTES} bytes (checked before parsing). */
    TOO_LARGE,
    /** The metadata is empty, not JSON, not one object, has a duplicate field or trailing tokens. */
    NOT_JSON,
    /** {@code op} is missing, not a string, or not one of {@code put}, {@code get}. */
    BAD_OP,
    /** A field other than those of the op. */
    UNKNOWN_FIELD,
    /** {@code key} is missing or not a string. */
    MISSING_KEY,
    /** {@code key} is empty, longer than {@value KvWire#MAX_KEY_CHARS} characters, or has a control character. */
    BAD_KEY,
    /** A put without {@code value}, or a value that is not a string. */
    MISSING_VALUE,
    /** {@code value} is longer than {@value KvWire#MAX_VALUE_BYTES} bytes in UTF-8. */
    VALUE_TOO_LARGE,
    /** The store holds its maximum of entries or bytes: the put is refused, nothing is evicted. */
    STORE_FULL
}
