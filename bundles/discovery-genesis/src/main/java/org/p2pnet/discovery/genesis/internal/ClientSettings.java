package org.p2pnet.discovery.genesis.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisWire;

/**
 * The checked configuration of PID {@code org.p2pnet.discovery.genesis}. Every problem is an
 * {@link IllegalArgumentException} naming the key and the value. Nothing is resolved here: a URL's
 * host is looked up only when a request is made.
 *
 * @param urls             genesis base URLs, normalized (no trailing slash), in the order they are asked
 * @param mode             what answers must be
 * @param authorityKeys    pinned authority key ids (authority mode only)
 * @param mustBeAuthority  refuse unsigned answers in trustless mode too
 * @param firstLocking     lock to the first authority key met (authority mode only)
 * @param count            peers asked for, 1-64
 * @param announceInterval renewal period of the registration
 * @param requestTimeout   bound of one request: connect, answer and body
 * @param retryMin         first backoff delay after a failure
 * @param retryMax         longest backoff delay
 * @param joinWait         how long after the sample is offered the client registers even below minPeers
 * @param pollInterval     how often it looks at the channel count meanwhile
 */
record ClientSettings(List<URI> urls, GenesisMode mode, List<String> authorityKeys, boolean mustBeAuthority,
                      boolean firstLocking, int count, Duration announceInterval, Duration requestTimeout,
                      Duration retryMin, Duration retryMax, Duration joinWait, Duration pollInterval) {
    static final int MAX_URLS = 16;
    static final int MAX_URL_LENGTH = 2048;
    /** Step 4 of the join protocol: register at the latest this long after the sample was offered. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(10);
    /** How often the channel count is looked at while waiting to register (at most JOIN_WAIT / this times). */
    static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");

    ClientSettings {
        urls = List.copyOf(urls);
        Objects.requireNonNull(mode, "mode");
        authorityKeys = List.copyOf(authorityKeys);
        Objects.requireNonNull(announceInterval, "announceInterval");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(retryMin, "retryMin");
        Objects.requireNonNull(retryMax, "retryMax");
        Objects.requireNonNull(joinWait, "joinWait");
        Objects.requireNonNull(pollInterval, "pollInterval");
    }

    static ClientSettings from(GenesisClientService.Config config) {
        List<URI> urls = urls(config.urls());
        GenesisMode mode = mode(config.mode());
        List<String> keys = keyIds(config.authorityKeys());
        boolean firstLocking = config.firstSingleLockingAuthority();
        if (mode == GenesisMode.TRUSTLESS) {
            if (!keys.isEmpty()) {
                throw invalid("authorityKeys", config.authorityKeys(), "only applies with mode = authority (mode is"
                        + " trustless): set mode = authority, or empty authorityKeys");
            }
            if (firstLocking) {
                throw invalid("firstSingleLockingAuthority", true, "only applies with mode = authority (mode is"
                        + " trustless)");
            }
        } else if (keys.isEmpty() && !firstLocking) {
            throw invalid("authorityKeys", "", "is empty while mode = authority and firstSingleLockingAuthority ="
                    + " false: no authority key could ever be accepted (pin key ids, or lock the first one met)");
        } else if (!keys.isEmpty() && firstLocking) {
            throw invalid("firstSingleLockingAuthority", true, "cannot be combined with pinned authorityKeys: pin"
                    + " keys or lock the first key met, not both");
        }
        int count = range("count", config.count(), 1, GenesisWire.MAX_COUNT);
        int announce = range("announceIntervalSeconds", config.announceIntervalSeconds(), 10, 86_400);
        int timeout = range("requestTimeoutSeconds", config.requestTimeoutSeconds(), 1, 300);
        int retryMin = range("retryMinSeconds", config.retryMinSeconds(), 1, 3600);
        if (config.retryMaxSeconds() < retryMin || config.retryMaxSeconds() > 86_400) {
            throw invalid("retryMaxSeconds", config.retryMaxSeconds(), "must be at least retryMinSeconds (" + retryMin
                    + ") and at most 86400");
        }
        return new ClientSettings(urls, mode, keys, config.mustBeAuthority(), firstLocking, count,
                Duration.ofSeconds(announce), Duration.ofSeconds(timeout), Duration.ofSeconds(retryMin),
                Duration.ofSeconds(config.retryMaxSeconds()), JOIN_WAIT, POLL_INTERVAL);
    }

    /** In authority mode. */
    boolean authority() {
        return mode == GenesisMode.AUTHORITY;
    }

    /** Whether an unsigned answer is refused. */
    boolean signatureRequired() {
        return authority() || mustBeAuthority;
    }

    /** The URLs as configured, for status. */
    List<String> urlTexts() {
        return urls.stream().map(URI::toString).toList();
    }

    private static List<URI> urls(String text) {
        List<URI> urls = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return List.of();
        }
        for (String part : text.split(",", -1)) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                throw invalid("urls", text, "has an empty entry (a comma too many)");
            }
            URI uri = url(entry, text);
            if (urls.contains(uri)) {
                throw invalid("urls", text, "'" + entry + "' is listed twice");
            }
            urls.add(uri);
        }
        if (urls.size() > MAX_URLS) {
            throw invalid("urls", text, "more than " + MAX_URLS + " URLs");
        }
        return List.copyOf(urls);
    }

    /** One base URL: absolute http or https, a host, no user info, query or fragment; an empty path means the base path. */
    private static URI url(String entry, String text) {
        if (entry.length() > MAX_URL_LENGTH) {
            throw invalid("urls", text, "has a URL longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(entry);
        } catch (URISyntaxException e) {
            throw invalid("urls", text, "'" + entry + "' is not a URL: " + e.getReason());
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw invalid("urls", text, "'" + entry + "' is not an absolute http or https URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw invalid("urls", text, "'" + entry + "' has scheme '" + uri.getScheme() + "'; only http and https");
        }
        if (uri.getHost() == null) {
            throw invalid("urls", text, "'" + entry + "' has no host, or a host that is not a valid name or IP literal");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid("urls", text, "'" + entry + "' carries user info; credentials do not belong in a genesis URL");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw invalid("urls", text, "'" + entry + "' has a query or fragment; a base URL has neither");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw invalid("urls", text, "'" + entry + "' has port " + uri.getPort() + ", not 1-65535");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            path = GenesisWire.BASE_PATH;
        }
        return URI.create(scheme + "://" + uri.getRawAuthority() + path);
    }

    private static GenesisMode mode(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "trustless" -> GenesisMode.TRUSTLESS;
            case "authority" -> GenesisMode.AUTHORITY;
            default -> throw invalid("mode", text, "must be trustless or authority");
        };
    }

    private static List<String> keyIds(String text) {
        List<String> keys = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return List.of();
        }
        for (String part : text.split(",", -1)) {
            String key = part.trim();
            if (!KEY_ID.matcher(key).matches()) {
                throw invalid("authorityKeys", text, "'" + key + "' is not a key id (64 lowercase hex digits, as"
                        + " p2p:genesis-key prints it)");
            }
            if (keys.contains(key)) {
                throw invalid("authorityKeys", text, "'" + key + "' is listed twice");
            }
            keys.add(key);
        }
        return List.copyOf(keys);
    }

    private static int range(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(key, value, "must be " + min + "-" + max);
        }
        return value;
    }

    private static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException("invalid configuration of " + GenesisClientService.PID + ": " + key + " = '"
                + value + "' " + problem);
    }
}
