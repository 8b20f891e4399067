package org.p2pnet.api.genesis;

/** How a genesis node answers, and what a genesis client demands. */
public enum GenesisMode {
    /** Unsigned answers; a client takes them as they come (P2PNet's bootstrap server). */
    TRUSTLESS,
    /** Every answer is signed by the genesis node's key; a client accepts only keys it trusts. */
    AUTHORITY
}
