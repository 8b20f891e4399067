package org.p2pnet.core.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

import org.p2pnet.api.PeerAddress;

/** Host name and IP literal checks that never touch DNS. */
final class Addresses {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+(%[0-9A-Za-z_.-]+)?");
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

    private Addresses() {
    }

    /**
     * The address a literal IPv4 or IPv6 text denotes, or empty when the text is not a literal.
     * Unlike {@link InetAddress#getByName}, a host name is never looked up, and legacy IPv4
     * forms such as {@code 1.2.3} are not literals.
     */
    static Optional<InetAddress> literal(String host) {
        if (host == null || host.isEmpty()) {
            return Optional.empty();
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        var v4 = IPV4.matcher(h);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return Optional.empty();
                }
            }
            return parse(h);
        }
        if (h.indexOf(':') >= 0 && IPV6.matcher(h).matches()) {
            return parse(h);
        }
        return Optional.empty();
    }

    private static Optional<InetAddress> parse(String literal) {
        try {
            // a literal: InetAddress parses it without a name lookup
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    /**
     * True for an RFC 1123 host name: dot-separated labels of letters, digits and hyphens, at most
     * 253 characters, the last label not all digits.
     */
    static boolean isHostName(String host) {
        if (host == null || host.isEmpty() || host.length() > 253) {
            return false;
        }
        String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
        if (h.isEmpty()) {
            return false;
        }
        String[] labels = h.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        // an all-numeric top-level label is a mistyped IP address, not a name (RFC 3696, 2)
        return !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    }

    /**
     * True when two addresses name the same endpoint: the same port and the same host text
     * (ignoring case), or two IP literals of the same address ({@code ::1} and
     * {@code 0:0:0:0:0:0:0:1}, {@code ::ffff:10.0.0.1} and {@code 10.0.0.1}).
     */
    static boolean same(PeerAddress a, PeerAddress b) {
        if (a == null || b == null || a.port() != b.port()) {
            return false;
        }
        if (a.host().equalsIgnoreCase(b.host())) {
            return true;
        }
        Optional<InetAddress> ia = literal(a.host());
        if (ia.isEmpty()) {
            return false;
        }
        Optional<InetAddress> ib = literal(b.host());
        return ib.isPresent() && ia.get().equals(ib.get());
    }

    /**
     * A text equal for two addresses exactly when {@link #same} holds: the port with the IP
     * literal's canonical form ({@code ::1} and {@code 0:0:0:0:0:0:0:1} alike, an IPv4-mapped
     * address as IPv4), or with the host name in lower case.
     */
    static String key(PeerAddress address) {
        Optional<InetAddress> ip = literal(address.host());
        String host = ip.map(InetAddress::getHostAddress).orElse(address.host().toLowerCase(java.util.Locale.ROOT));
        int scope = ip.isPresent() ? host.indexOf('%') : -1;
        return (scope < 0 ? host : host.substring(0, scope)) + "|" + address.port();
    }

    /** The dialable form of a socket address: its IP when resolved, else its host text. */
    static PeerAddress of(InetSocketAddress socket) {
        return PeerAddress.of(socket);
    }
}
