package org.p2pnet.trust.internal;

/** The node's alias: 1-64 characters from letters, digits, space and {@code . _ -}, trimmed. */
final class Aliases {
    static final int MAX_LENGTH = 64;

    private Aliases() {
    }

    /**
     * The alias, trimmed.
     *
     * @throws IllegalArgumentException naming the problem
     */
    static String check(String alias) {
        if (alias == null) {
            throw new IllegalArgumentException("alias is missing");
        }
        String a = alias.trim();
        if (a.isEmpty()) {
            throw new IllegalArgumentException("alias is empty: use 1-" + MAX_LENGTH + " letters, digits, spaces or . _ -");
        }
        if (a.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("alias is longer than " + MAX_LENGTH + " characters (" + a.length() + ")");
        }
        for (int i = 0; i < a.length(); i++) {
            char c = a.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == ' ' || c == '.' || c == '_' || c == '-')) {
                throw new IllegalArgumentException("alias has an invalid character at position " + i
                        + ": use letters, digits, spaces or . _ -");
            }
        }
        return a;
    }
}
