package org.p2pnet.api;

import java.net.InetSocketAddress;

/**
 * A dialable address: host (name or literal IP) and TCP port.
 *
 * @param host a host name or IP literal, 1–253 characters, no whitespace
 * @param port 1–65535
 */
public record PeerAddress(String host, int port) {
    public PeerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is missing");
        }
        if (host.length() > 253) {
            throw new IllegalArgumentException("host is longer than 253 characters");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c)) {
                throw new IllegalArgumentException("host contains whitespace or a control character");
            }
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1-65535, got " + port);
        }
    }

    /**
     * Parses {@code host:port}, {@code [v6]:port} or a bare IPv6 literal followed by {@code :port}.
     *
     * @throws IllegalArgumentException with the reason when the text is not an address
     */
    public static PeerAddress parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("address is missing; expected host:port");
        }
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0 || close + 1 >= t.length() || t.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "' is not [ipv6]:port");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || colon == t.length() - 1) {
                throw new IllegalArgumentException("'" + text + "' is not host:port");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port '" + port + "' is not a number");
        }
        return new PeerAddress(host, p);
    }

    /** The observed address of a socket peer, as a dialable address. */
    public static PeerAddress of(InetSocketAddress socket) {
        String h = socket.getAddress() != null ? socket.getAddress().getHostAddress() : socket.getHostString();
        return new PeerAddress(h, socket.getPort());
    }

    /** An unresolved socket address (no DNS lookup happens here). */
    public InetSocketAddress toUnresolved() {
        return InetSocketAddress.createUnresolved(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
