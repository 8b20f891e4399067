package org.p2pnet.genesis.internal;

/** The request nonce's form (docs/GENESIS.md): 16-64 characters of {@code [A-Za-z0-9_-]}. */
final class Nonces {
    static final int MIN = 16;
    static final int MAX = 64;
    /** Completes "nonce …" in a refusal message. */
    static final String RULE = "must be " + MIN + "-" + MAX + " characters of [A-Za-z0-9_-]";

    private Nonces() {
    }

    static boolean valid(String nonce) {
        if (nonce == null || nonce.length() < MIN || nonce.length() > MAX) {
            return false;
        }
        for (int i = 0; i < nonce.length(); i++) {
            char c = nonce.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
