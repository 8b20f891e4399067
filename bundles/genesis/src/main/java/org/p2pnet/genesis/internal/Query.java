package org.p2pnet.genesis.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The query parameters the GET endpoints read ({@code count}, {@code net}, {@code nonce},
 * {@code exclude}), parsed from the raw query string without the container's parameter map (which
 * for a POST could read the body). Parsing never throws: a problem (a bad escape, a parameter given
 * twice, a malformed nonce, an overlong query) is kept and becomes a {@code malformed} refusal when
 * the endpoint runs, while a well-formed nonce is already known, so that any refusal can echo it.
 */
final class Query {
    static final int MAX_LENGTH = 2048;
    static final Query EMPTY = new Query(null, null, null, null, null);

    final String count;
    final String net;
    final String nonce;
    final String exclude;
    /** Why the query is malformed, or null. */
    final String problem;

    private Query(String count, String net, String nonce, String exclude, String problem) {
        this.count = count;
        this.net = net;
        this.nonce = nonce;
        this.exclude = exclude;
        this.problem = problem;
    }

    static Query parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return EMPTY;
        }
        if (raw.length() > MAX_LENGTH) {
            return new Query(null, null, null, null, "the query is longer than " + MAX_LENGTH + " characters");
        }
        String[] values = new String[4];
        String problem = null;
        int start = 0;
        while (start <= raw.length() && problem == null) {
            int end = raw.indexOf('&', start);
            if (end < 0) {
                end = raw.length();
            }
            if (end > start) {
                int eq = raw.indexOf('=', start);
                boolean hasValue = eq >= 0 && eq < end;
                try {
                    String name = decode(raw.substring(start, hasValue ? eq : end));
                    String value = hasValue ? decode(raw.substring(eq + 1, end)) : "";
                    int index = index(name);
                    if (index >= 0) {
                        if (values[index] != null) {
                            problem = "parameter " + name + " is given more than once";
                        } else {
                            values[index] = value;
                        }
                    }
                } catch (IllegalArgumentException badEscape) {
                    problem = "the query has a malformed %-escape";
                }
            }
            start = end + 1;
        }
        String nonce = values[2];
        if (nonce != null && !Nonces.valid(nonce)) {
            nonce = null;
            problem = problem != null ? problem : "nonce " + Nonces.RULE;
        }
        return new Query(values[0], values[1], nonce, values[3], problem);
    }

    private static int index(String name) {
        return switch (name) {
            case "count" -> 0;
            case "net" -> 1;
            case "nonce" -> 2;
            case "exclude" -> 3;
            default -> -1;
        };
    }

    private static String decode(String text) {
        return text.indexOf('%') < 0 && text.indexOf('+') < 0 ? text : URLDecoder.decode(text, StandardCharsets.UTF_8);
    }
}
