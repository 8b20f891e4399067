package org.p2pnet.genesis.internal;

/**
 * What is known about one request while it is handled, so that an error answer can still echo
 * the nonce once it has been read and checked. One per request; used by one thread.
 */
final class Exchange {
    /** The TCP peer of the connection, for log lines before {@link #client} is known. */
    String remoteAddr;
    /** The request's source as the genesis node believes it; null until resolved. */
    ClientAddress client;
    /** The request's nonce once read and found well-formed; null until then or without one. */
    String nonce;
}
