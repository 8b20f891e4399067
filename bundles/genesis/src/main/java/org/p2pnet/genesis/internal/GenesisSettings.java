package org.p2pnet.genesis.internal;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisWire;

/**
 * The checked configuration of PID {@code org.p2pnet.genesis} (docs/GENESIS.md). Every problem
 * is an {@link IllegalArgumentException} naming the key and the value.
 *
 * @param mode                how answers are given: unsigned, or signed with the node key
 * @param ttlMillis           a registration's life after its last POST
 * @param maxRegistrations    beyond it the least recently seen registration makes room
 * @param defaultCount        sample size when the request has no {@code count}
 * @param maxCount            the most peers one answer carries (a larger {@code count} within the
 *                            protocol's range is capped, not refused)
 * @param maxBodyBytes        request body cap
 * @param rateLimitPerSecond  token refill per source address per second; 0: no limit
 * @param rateLimitBurst      token bucket size per source address
 * @param timestampWindowMillis how far a registration's {@code ts} may be from our clock
 * @param dialBack            hand a peer out only after a TCP connection to it opened
 * @param trustedProxies      the addresses whose {@code X-Forwarded-For} is believed
 */
record GenesisSettings(GenesisMode mode, long ttlMillis, int maxRegistrations, int defaultCount, int maxCount,
                       int maxBodyBytes, int rateLimitPerSecond, int rateLimitBurst, long timestampWindowMillis,
                       boolean dialBack, Set<InetAddress> trustedProxies) {
    static final int MAX_REGISTRATIONS = 1_000_000;
    /** A valid registration is about 450 bytes; less than this could not hold one. */
    static final int MIN_BODY_BYTES = 512;
    static final int MAX_BODY_BYTES = 65_536;
    static final int MAX_RATE = 1_000_000;
    static final int MAX_TRUSTED_PROXIES = 64;

    GenesisSettings {
        trustedProxies = Set.copyOf(trustedProxies);
    }

    static GenesisSettings from(GenesisService.Config config) {
        GenesisMode mode = mode(config.mode());
        int ttl = range("registrationTtlSeconds", config.registrationTtlSeconds(), 30, 86_400);
        int max = range("maxRegistrations", config.maxRegistrations(), 1, MAX_REGISTRATIONS);
        int maxCount = range("maxCount", config.maxCount(), 1, GenesisWire.MAX_COUNT);
        if (config.defaultCount() < 1 || config.defaultCount() > maxCount) {
            throw invalid("defaultCount", config.defaultCount(), "must be 1-" + maxCount + " (at most maxCount)");
        }
        int body = range("maxBodyBytes", config.maxBodyBytes(), MIN_BODY_BYTES, MAX_BODY_BYTES);
        int rate = range("rateLimitPerSecond", config.rateLimitPerSecond(), 0, MAX_RATE);
        int burst = range("rateLimitBurst", config.rateLimitBurst(), 1, MAX_RATE);
        int window = range("timestampWindowSeconds", config.timestampWindowSeconds(), 1, 86_400);
        return new GenesisSettings(mode, ttl * 1000L, max, config.defaultCount(), maxCount, body, rate, burst,
                window * 1000L, config.dialBack(), proxies(config.trustedProxies()));
    }

    /** The seconds a registration lives, as answers state it ({@code ttlSeconds}). */
    long ttlSeconds() {
        return ttlMillis / 1000;
    }

    private static GenesisMode mode(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "trustless" -> GenesisMode.TRUSTLESS;
            case "authority" -> GenesisMode.AUTHORITY;
            default -> throw invalid("mode", text, "must be trustless or authority");
        };
    }

    private static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(key, value, "must be " + min + "-" + max);
        }
        return value;
    }

    private static Set<InetAddress> proxies(String text) {
        Set<InetAddress> proxies = new LinkedHashSet<>();
        if (text == null) {
            return proxies;
        }
        for (String part : text.split(",")) {
            String literal = part.trim();
            if (literal.isEmpty()) {
                continue;
            }
            InetAddress address = IpLiterals.parse(literal);
            if (address == null) {
                throw invalid("trustedProxies", text, "'" + Printable.of(literal)
                        + "' is not an IP literal (names are not resolved)");
            }
            proxies.add(address);
        }
        if (proxies.size() > MAX_TRUSTED_PROXIES) {
            throw invalid("trustedProxies", text, "more than " + MAX_TRUSTED_PROXIES + " addresses");
        }
        return proxies;
    }

    private static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException("invalid configuration of " + GenesisService.PID + ": " + key + " = '"
                + value + "' " + problem);
    }
}
