package org.p2pnet.genesis.internal;

/**
 * A request's source as the genesis node believes it.
 *
 * @param host an IP literal: the TCP peer of the HTTP connection, or the client a trusted proxy
 *             named in {@code X-Forwarded-For}
 * @param port the TCP source port of the connection; 0 when the address came from
 *             {@code X-Forwarded-For} (the client's port is not known then)
 */
record ClientAddress(String host, int port) {
}
