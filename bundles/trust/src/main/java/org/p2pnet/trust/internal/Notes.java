package org.p2pnet.trust.internal;

/** The operator's note on an entry: short printable text, sent to a disconnected peer as "blocked: <note>". */
final class Notes {
    /** Keeps "blocked: <note>" well within a DISCONNECT message (1024 characters). */
    static final int MAX_LENGTH = 200;

    private Notes() {
    }

    /**
     * The note, trimmed; empty for null.
     *
     * @throws IllegalArgumentException when it is too long or has control characters
     */
    static String check(String note) {
        if (note == null) {
            return "";
        }
        String n = note.trim();
        if (n.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("note is longer than " + MAX_LENGTH + " characters (" + n.length() + ")");
        }
        for (int i = 0; i < n.length(); i++) {
            if (Character.isISOControl(n.charAt(i))) {
                throw new IllegalArgumentException("note has a control character at position " + i);
            }
        }
        return n;
    }
}
