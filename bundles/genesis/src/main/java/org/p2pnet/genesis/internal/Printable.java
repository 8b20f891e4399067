package org.p2pnet.genesis.internal;

/** Client-chosen text made safe for a log line or a message: no control characters, bounded length. */
final class Printable {
    /** For a value quoted inside a message. */
    static final int VALUE = 64;
    /** For a whole message in a log line. */
    static final int LINE = 300;

    private Printable() {
    }

    /** At most {@link #VALUE} characters, control characters replaced by '?', '…' when cut. */
    static String of(String text) {
        return of(text, VALUE);
    }

    static String of(String text, int max) {
        if (text == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 1);
        text.codePoints().limit(max).forEach(c -> b.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return text.codePointCount(0, text.length()) > max ? b.append('…').toString() : b.toString();
    }
}
