package org.p2pnet.channel.tcp.internal;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Bounds the inbound connections still in handshake (accepted, not yet identified): overall and
 * per remote IP address, so that silent sockets cannot each hold a channel for handshakeTimeout
 * without limit. Outbound channels are not counted: the core dials them, and bounds them itself.
 * Thread-safe; every successful {@link #tryAcquire} must be matched by exactly one
 * {@link #release} of the same address (TcpChannel guarantees it, at identification or close).
 */
final class HandshakeLimiter {
    /** Inbound connections in handshake at once, from all addresses. */
    static final int MAX_HANDSHAKES = 256;
    /** Inbound connections in handshake at once from one IP address. */
    static final int MAX_HANDSHAKES_PER_ADDRESS = 16;

    private final int maxTotal;
    private final int maxPerAddress;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int total;

    HandshakeLimiter(int maxTotal, int maxPerAddress) {
        if (maxTotal < 1 || maxPerAddress < 1) {
            throw new IllegalArgumentException("limits must be positive, got " + maxTotal + " and " + maxPerAddress);
        }
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    HandshakeLimiter() {
        this(MAX_HANDSHAKES, MAX_HANDSHAKES_PER_ADDRESS);
    }

    /**
     * Takes a place for one more connection from {@code address}.
     *
     * @return null when taken, else why not (the text of the DISCONNECT TOO_MANY_CHANNELS)
     */
    synchronized String tryAcquire(InetAddress address) {
        Objects.requireNonNull(address, "address");
        if (total >= maxTotal) {
            return "too many connections in handshake: " + total + " already, the limit is " + maxTotal
                    + "; try again later";
        }
        int fromAddress = perAddress.getOrDefault(address, 0);
        if (fromAddress >= maxPerAddress) {
            return "too many connections in handshake from " + address.getHostAddress() + ": " + fromAddress
                    + " already, the limit per address is " + maxPerAddress + "; try again later";
        }
        total++;
        perAddress.put(address, fromAddress + 1);
        return null;
    }

    /**
     * Gives back a place taken by {@link #tryAcquire} for {@code address}.
     *
     * @return false, changing nothing, when no place was held for that address (a bug of the caller)
     */
    synchronized boolean release(InetAddress address) {
        Integer fromAddress = perAddress.get(address);
        if (fromAddress == null || total == 0) {
            return false;
        }
        total--;
        if (fromAddress == 1) {
            perAddress.remove(address);
        } else {
            perAddress.put(address, fromAddress - 1);
        }
        return true;
    }

    /** Connections in handshake now. */
    synchronized int inHandshake() {
        return total;
    }

    /** Connections in handshake now from that address. */
    synchronized int inHandshake(InetAddress address) {
        return perAddress.getOrDefault(address, 0);
    }
}
