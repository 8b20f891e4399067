package org.p2pnet.trust.internal;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An IP address or a CIDR range, parsed from text without ever touching DNS. Host bits of a range
 * are cleared; a single address is a range of the full prefix ({@code /32}, {@code /128}) and is
 * written without the suffix. IPv4-mapped IPv6 literals ({@code ::ffff:10.0.0.1}) are IPv4, as
 * Java sees them on sockets.
 *
 * @param network the first address of the range (host bits zero)
 * @param prefix the prefix length, 0-32 for IPv4, 0-128 for IPv6
 */
record AddressRange(InetAddress network, int prefix) {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final int MAX_TEXT = 64;

    /**
     * Parses {@code 192.0.2.7}, {@code 10.0.0.0/8}, {@code 2001:db8::1} or {@code 2001:db8::/32}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static AddressRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("address is missing: give an IP address or a CIDR range");
        }
        String t = text.trim();
        if (t.length() > MAX_TEXT) {
            throw new IllegalArgumentException("'" + shorten(t) + "' is too long for an IP address or CIDR range");
        }
        int slash = t.indexOf('/');
        String ip = slash < 0 ? t : t.substring(0, slash);
        InetAddress address = literal(ip, t);
        int bits = address.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("'" + t + "' has an invalid prefix length '" + p
                        + "': give a number 0-" + bits);
            }
            prefix = Integer.parseInt(p);
            if (prefix > bits) {
                throw new IllegalArgumentException("'" + t + "' has prefix length /" + prefix + ", more than the "
                        + bits + " bits of an " + family(address) + " address");
            }
        }
        return new AddressRange(masked(address, prefix), prefix);
    }

    /** An IPv4 dotted quad or an IPv6 literal; anything else (a host name) is refused, never looked up. */
    private static InetAddress literal(String ip, String whole) {
        if (ip.isEmpty()) {
            throw new IllegalArgumentException("'" + whole + "' has no address before the '/'");
        }
        var v4 = IPV4.matcher(ip);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                String part = v4.group(i);
                if (part.length() > 1 && part.charAt(0) == '0') {
                    throw new IllegalArgumentException("'" + whole + "' has a leading zero in '" + part
                            + "': write IPv4 parts in plain decimal");
                }
                if (Integer.parseInt(part) > 255) {
                    throw new IllegalArgumentException("'" + whole + "' has " + part + " in an IPv4 address:"
                            + " each part is 0-255");
                }
            }
            return parse(ip, whole);
        }
        if (ip.indexOf('%') >= 0) {
            throw new IllegalArgumentException("'" + whole + "' has a zone id (%...): give the address without it");
        }
        if (ip.indexOf(':') >= 0 && IPV6.matcher(ip).matches()) {
            return parse(ip, whole);
        }
        throw new IllegalArgumentException("'" + whole + "' is not an IP address or CIDR range (host names are"
                + " not accepted: give an IPv4 or IPv6 literal, optionally with /prefix)");
    }

    private static InetAddress parse(String literal, String whole) {
        try {
            // validated as a literal above: InetAddress parses it without a name lookup
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + whole + "' is not a valid " + (literal.indexOf(':') >= 0
                    ? "IPv6" : "IPv4") + " address");
        }
    }

    private static InetAddress masked(InetAddress address, int prefix) {
        byte[] bytes = address.getAddress();
        for (int i = 0; i < bytes.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            bytes[i] = (byte) (bytes[i] & (0xff << (8 - keep)));
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes are always an address", e);
        }
    }

    private static String family(InetAddress address) {
        return address instanceof Inet4Address ? "IPv4" : "IPv6";
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }

    /** True when {@code address} lies in this range (of the same family). */
    boolean contains(InetAddress address) {
        if (address == null) {
            return false;
        }
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (n[full] & mask);
    }

    /** True for one address ({@code /32} or {@code /128}). */
    boolean isSingleAddress() {
        return prefix == network.getAddress().length * 8;
    }

    /** The normalized text: {@code 10.0.0.0/8}, {@code 2001:db8::/32}, {@code 192.0.2.7}. */
    @Override
    public String toString() {
        String ip = network instanceof Inet4Address ? network.getHostAddress() : compressed(network.getAddress());
        return isSingleAddress() ? ip : ip + "/" + prefix;
    }

    /** RFC 5952 text of an IPv6 address: lowercase, no leading zeros, the longest zero run (2+ groups) as "::". */
    static String compressed(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }
}
