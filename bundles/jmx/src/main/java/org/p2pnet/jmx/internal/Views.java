package org.p2pnet.jmx.internal;

import java.time.Instant;
import java.util.Optional;

/** Conversions to the open types the MXBeans return: no nulls, times as ISO-8601 text. */
final class Views {
    private Views() {
    }

    /** The text form, or the empty string for null. */
    static String text(Object value) {
        return value == null ? "" : value.toString();
    }

    /** ISO-8601 UTC ({@code 2026-11-21T09:00:00Z}), or the empty string for null. */
    static String iso(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    static String iso(Optional<Instant> instant) {
        return instant == null ? "" : instant.map(Instant::toString).orElse("");
    }
}
