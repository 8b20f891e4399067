package org.p2pnet.shell.command;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.p2pnet.api.PeerId;

/** How values look in text output (tables and key/value lists). */
final class TextOutput {
    /** Shown for a missing value. */
    static final String NONE = "-";

    private static final DateTimeFormatter LOCAL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

    private TextOutput() {
    }

    /** The 12-digit short form, or the full id. */
    static String peer(PeerId id, boolean full) {
        return full ? id.value() : id.shortForm();
    }

    /** Local time to the second. */
    static String time(Instant time) {
        return time == null ? NONE : LOCAL_TIME.format(time);
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }

    /**
     * Text a remote peer chose (agent, message, disconnect reason), made safe for a terminal:
     * line breaks and tabs become spaces, other control and format characters (escape sequences,
     * bidi overrides) become '?'.
     */
    static String printable(String remoteText) {
        if (remoteText == null || remoteText.isEmpty()) {
            return NONE;
        }
        StringBuilder safe = new StringBuilder(remoteText.length());
        remoteText.codePoints().forEach(c -> {
            if (c == '\n' || c == '\r' || c == '\t') {
                safe.append(' ');
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                safe.append('?');
            } else {
                safe.appendCodePoint(c);
            }
        });
        return safe.toString();
    }
}
