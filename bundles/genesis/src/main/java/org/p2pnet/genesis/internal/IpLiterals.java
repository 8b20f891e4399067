package org.p2pnet.genesis.internal;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** IP literals, parsed without ever looking a name up. */
final class IpLiterals {
    private static final Pattern IPV4 =
            Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}(%[A-Za-z0-9_.-]{1,16})?");
    private static final int MAX_LENGTH = 64;

    private IpLiterals() {
    }

    /**
     * The address of a dotted-quad IPv4 or an IPv6 literal (bare or in brackets), or null when the
     * text is not one. The text is matched by pattern first, and an IPv6 literal is handed to
     * {@link InetAddress#getByName} in brackets, which makes it parse a literal or fail: no DNS
     * lookup can happen here.
     */
    static InetAddress parse(String text) {
        if (text == null) {
            return null;
        }
        String t = unbracket(text);
        if (t.isEmpty() || t.length() > MAX_LENGTH) {
            return null;
        }
        try {
            if (IPV4.matcher(t).matches()) {
                return InetAddress.getByName(t);
            }
            if (t.indexOf(':') >= 0 && IPV6.matcher(t).matches()) {
                return InetAddress.getByName("[" + t + "]");
            }
        } catch (UnknownHostException | RuntimeException notALiteral) {
            return null;
        }
        return null;
    }

    /** {@code [v6]} without its brackets; anything else as it is. */
    static String unbracket(String text) {
        if (text.length() > 2 && text.charAt(0) == '[' && text.charAt(text.length() - 1) == ']') {
            return text.substring(1, text.length() - 1);
        }
        return text;
    }
}
