package org.p2pnet.genesis.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisStatus;

/**
 * The genesis node's dashboard ({@code GET /p2pnet/genesis/}): one HTML page that reloads itself
 * every 5 seconds. Every value — including the network name and addresses, which others choose —
 * goes through {@link #escape}; the page has no script, and the servlet sends it with a
 * Content-Security-Policy that allows none.
 */
final class Dashboard {
    /** What the page shows beside the status. */
    record View(GenesisStatus status, List<GenesisRegistration> shown, GenesisSettings settings, int listenPort,
                long dialBackOk, long dialBackFailed, long dialBackSkipped, Instant now) {
    }

    private Dashboard() {
    }

    static byte[] render(View view) {
        GenesisStatus s = view.status();
        GenesisSettings settings = view.settings();
        StringBuilder h = new StringBuilder(4096 + 256 * view.shown().size());
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"5\">")
                .append("<title>p2pnet genesis — ").append(escape(s.networkName())).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse;margin-bottom:1.5em}"
                        + "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}th{background:#f2f2f2}"
                        + "code{font-size:.9em}.muted{color:#777}</style></head><body>\n")
                .append("<h1>p2pnet genesis node</h1>\n<table>\n");
        row(h, "Mode", s.mode().name().toLowerCase(Locale.ROOT)
                + (s.mode() == GenesisMode.AUTHORITY ? " (every answer signed)" : " (answers unsigned)"));
        row(h, "Authority key id", s.authorityKeyId()
                + (s.mode() == GenesisMode.AUTHORITY ? "" : " (the node id; it signs nothing in trustless mode)"));
        row(h, "Network", s.networkName());
        row(h, "Node listen port", view.listenPort() > 0 ? Integer.toString(view.listenPort()) : "not listening");
        row(h, "Registrations", s.registrations() + " live (at most " + settings.maxRegistrations() + ", each for "
                + settings.ttlSeconds() + " s after its last POST)");
        row(h, "Dial-back", settings.dialBack()
                ? "on: " + view.dialBackOk() + " ok, " + view.dialBackFailed() + " failed, " + view.dialBackSkipped()
                  + " skipped (queue full)"
                : "off");
        row(h, "Requests per second", String.format(Locale.ROOT, "%.1f (over the last minute)", s.requestsPerSecond()));
        row(h, "Rate limit", settings.rateLimitPerSecond() == 0 ? "off"
                : settings.rateLimitPerSecond() + " per second per source, burst " + settings.rateLimitBurst());
        row(h, "Time", time(view.now()));
        h.append("</table>\n<h2>Registered peers</h2>\n");
        if (view.shown().isEmpty()) {
            h.append("<p class=\"muted\">none</p>\n");
        } else {
            if (view.shown().size() < s.registrations()) {
                h.append("<p class=\"muted\">the ").append(view.shown().size()).append(" most recently seen of ")
                        .append(s.registrations()).append("</p>\n");
            }
            h.append("<table><tr><th>Id</th><th>Address</th><th>First seen</th><th>Last seen</th><th>Expires</th>"
                    + "<th>Dial-back</th></tr>\n");
            for (GenesisRegistration r : view.shown()) {
                h.append("<tr><td><code title=\"").append(escape(r.peerId().value())).append("\">")
                        .append(escape(r.peerId().shortForm())).append("</code></td><td>")
                        .append(escape(r.address().toString())).append("</td><td>")
                        .append(escape(ago(r.firstSeen(), view.now()))).append("</td><td>")
                        .append(escape(ago(r.lastSeen(), view.now()))).append("</td><td>")
                        .append(escape(in(r.expiresAt(), view.now()))).append("</td><td>")
                        .append(escape(r.dialBack().name().toLowerCase(Locale.ROOT))).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        counts(h, "Requests", "Request", s.requests());
        counts(h, "Rejections", "Error", s.rejections());
        h.append("<p class=\"muted\">Protocol: docs/GENESIS.md. This page reloads every 5 seconds.</p>\n</body></html>\n");
        return h.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void row(StringBuilder h, String name, String value) {
        h.append("<tr><th>").append(escape(name)).append("</th><td>").append(escape(value)).append("</td></tr>\n");
    }

    private static void counts(StringBuilder h, String title, String column, Map<String, Long> counts) {
        h.append("<h2>").append(escape(title)).append("</h2>\n");
        if (counts.isEmpty()) {
            h.append("<p class=\"muted\">none</p>\n");
            return;
        }
        h.append("<table><tr><th>").append(escape(column)).append("</th><th>Count</th></tr>\n");
        counts.forEach((key, n) -> h.append("<tr><td>").append(escape(key)).append("</td><td>").append(n)
                .append("</td></tr>\n"));
        h.append("</table>\n");
    }

    private static String time(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static String ago(Instant then, Instant now) {
        return time(then) + " (" + Duration.between(then, now).toSeconds() + " s ago)";
    }

    private static String in(Instant then, Instant now) {
        return time(then) + " (in " + Duration.between(now, then).toSeconds() + " s)";
    }

    /** HTML-escapes text for element content and quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String entity = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (entity != null) {
                if (b == null) {
                    b = new StringBuilder(text.length() + 16).append(text, 0, i);
                }
                b.append(entity);
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? text : b.toString();
    }
}
