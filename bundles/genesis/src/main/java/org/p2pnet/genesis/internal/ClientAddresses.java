package org.p2pnet.genesis.internal;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;

/**
 * Decides a request's source (docs/GENESIS.md): the TCP peer of the HTTP connection, unless that
 * peer is one of the configured trusted proxies; then {@code X-Forwarded-For} is believed, and
 * the source is its right-most address that is not itself a trusted proxy (the left-most when all
 * are). Entries left of that one are the client's to write and are never looked at. Every entry
 * looked at must be an IP literal (optionally {@code [v6]}, {@code [v6]:port} or {@code v4:port},
 * as some proxies write them); names are never resolved.
 */
final class ClientAddresses {
    static final String FORWARDED_FOR = "X-Forwarded-For";
    /** More entries than this in the headers is refused: no real proxy chain is that long. */
    static final int MAX_FORWARDED_ENTRIES = 32;

    private final Set<InetAddress> trustedProxies;

    ClientAddresses(Set<InetAddress> trustedProxies) {
        this.trustedProxies = Set.copyOf(trustedProxies);
    }

    /**
     * @param remoteAddr   {@code request.getRemoteAddr()}
     * @param remotePort   {@code request.getRemotePort()}
     * @param forwardedFor the {@code X-Forwarded-For} header values in order, or null
     * @throws Rejection {@link ErrorCode#MALFORMED} when a trusted proxy sent an entry that is not an IP literal
     */
    ClientAddress resolve(String remoteAddr, int remotePort, Enumeration<String> forwardedFor) throws Rejection {
        String remote = remoteAddr == null ? "" : IpLiterals.unbracket(remoteAddr);
        ClientAddress direct = new ClientAddress(remote, remotePort);
        if (trustedProxies.isEmpty()) {
            return direct;
        }
        InetAddress peer = IpLiterals.parse(remote);
        // (an immutable set's contains(null) throws, hence the null check)
        if (peer == null || !trustedProxies.contains(peer)) {
            return direct;
        }
        List<String> entries = entries(forwardedFor);
        if (entries.isEmpty()) {
            return direct;
        }
        InetAddress client = null;
        for (int i = entries.size() - 1; i >= 0; i--) {
            client = forwarded(entries.get(i));
            if (client == null) {
                throw new Rejection(ErrorCode.MALFORMED, FORWARDED_FOR + " entry '"
                        + Printable.of(entries.get(i)) + "' from trusted proxy " + remote + " is not an IP literal");
            }
            if (!trustedProxies.contains(client)) {
                break;
            }
        }
        return new ClientAddress(client.getHostAddress(), 0);
    }

    private static List<String> entries(Enumeration<String> headers) throws Rejection {
        List<String> entries = new ArrayList<>();
        if (headers == null) {
            return entries;
        }
        while (headers.hasMoreElements()) {
            String header = headers.nextElement();
            if (header == null) {
                continue;
            }
            for (String part : header.split(",", -1)) {
                entries.add(part.trim());
                if (entries.size() > MAX_FORWARDED_ENTRIES) {
                    throw new Rejection(ErrorCode.MALFORMED, FORWARDED_FOR + " has more than "
                            + MAX_FORWARDED_ENTRIES + " entries");
                }
            }
        }
        return entries;
    }

    /** One entry: an IP literal, possibly with a port that is dropped; null when it is not one. */
    private static InetAddress forwarded(String entry) {
        String host = entry;
        String port = null;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    return null;
                }
                port = rest.substring(1);
            }
        } else if (entry.indexOf(':') >= 0 && entry.indexOf(':') == entry.lastIndexOf(':')) {
            // one colon: IPv4 with a port (an IPv6 literal has at least two)
            host = entry.substring(0, entry.indexOf(':'));
            port = entry.substring(entry.indexOf(':') + 1);
        }
        if (port != null && !port.matches("[0-9]{1,5}")) {
            return null;
        }
        return IpLiterals.parse(host);
    }
}
