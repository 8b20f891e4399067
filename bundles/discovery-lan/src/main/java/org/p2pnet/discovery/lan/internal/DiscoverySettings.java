package org.p2pnet.discovery.lan.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The checked configuration of PID {@code org.p2pnet.discovery.lan}. Every problem is an
 * {@link IllegalArgumentException} naming the key and the value.
 */
record DiscoverySettings(List<Integer> ports, Inet4Address groupV4, Inet6Address groupV6, boolean broadcastEnabled,
                         boolean multicastEnabled, boolean includeLoopback, Set<String> interfaces, RateProfile rate,
                         long rotateIntervalMillis, long timestampWindowMillis) {
    static final int MAX_PORTS = 16;

    static DiscoverySettings from(LanDiscoveryService.Config config) {
        List<Integer> ports = ports(config.ports());
        // an empty group leaves that family out of multicast (the other still works)
        Inet4Address v4 = blank(config.multicastGroupV4()) ? null
                : group(config.multicastGroupV4(), "multicastGroupV4", Inet4Address.class);
        if (v4 != null && !v4.isMCSiteLocal() && !v4.isMCOrgLocal()) {
            throw invalid("multicastGroupV4", config.multicastGroupV4(),
                    "must be a site-local (239.255.0.0/16) or organization-local (239.192.0.0/14) group");
        }
        Inet6Address v6 = blank(config.multicastGroupV6()) ? null
                : group(config.multicastGroupV6(), "multicastGroupV6", Inet6Address.class);
        if (v6 != null && !v6.isMCLinkLocal()) {
            throw invalid("multicastGroupV6", config.multicastGroupV6(), "must be a link-local group (ff02::/16)");
        }
        if (config.multicastEnabled() && v4 == null && v6 == null) {
            throw invalid("multicastGroupV4", "", "and multicastGroupV6 are both empty while multicastEnabled = true:"
                    + " no group to send to (set a group, or multicastEnabled = false)");
        }
        long min = config.minIntervalMs();
        long max = config.maxIntervalMs();
        if (min < 100 || min > 3_600_000) {
            throw invalid("minIntervalMs", min, "must be 100-3600000");
        }
        if (max < min || max > 3_600_000) {
            throw invalid("maxIntervalMs", max, "must be at least minIntervalMs (" + min + ") and at most 3600000");
        }
        if (config.periodMs() < 1000 || config.periodMs() > 86_400_000) {
            throw invalid("periodMs", config.periodMs(), "must be 1000-86400000");
        }
        if (!(config.jitter() >= 0 && config.jitter() <= 0.9)) {
            throw invalid("jitter", config.jitter(), "must be a fraction 0-0.9");
        }
        if (!(config.throttleFactor() >= 1 && config.throttleFactor() <= 100)) {
            throw invalid("throttleFactor", config.throttleFactor(), "must be 1-100");
        }
        if (config.throttleDurationMs() < 0 || config.throttleDurationMs() > 86_400_000) {
            throw invalid("throttleDurationMs", config.throttleDurationMs(), "must be 0-86400000");
        }
        if (config.rotateIntervalMs() < 1000 || config.rotateIntervalMs() > 86_400_000) {
            throw invalid("rotateIntervalMs", config.rotateIntervalMs(), "must be 1000-86400000");
        }
        if (config.timestampWindowSeconds() < 1 || config.timestampWindowSeconds() > 86_400) {
            throw invalid("timestampWindowSeconds", config.timestampWindowSeconds(), "must be 1-86400");
        }
        if (!config.broadcastEnabled() && !config.multicastEnabled()) {
            throw invalid("broadcastEnabled", false, "and multicastEnabled are both false: nothing could be sent");
        }
        RateProfile rate = new RateProfile(min, max, config.periodMs(), config.jitter(), config.throttleOnConnect(),
                config.throttleFactor(), config.throttleDurationMs());
        return new DiscoverySettings(ports, v4, v6, config.broadcastEnabled(), config.multicastEnabled(),
                config.includeLoopback(), interfaceNames(config.interfaces()), rate, config.rotateIntervalMs(),
                config.timestampWindowSeconds() * 1000L);
    }

    /** The allow-list of interface names; empty means every suitable interface. */
    private static Set<String> interfaceNames(String text) {
        Set<String> names = new LinkedHashSet<>();
        if (text == null) {
            return names;
        }
        for (String part : text.split(",")) {
            String name = part.trim();
            if (name.isEmpty()) {
                continue;
            }
            if (name.length() > 64 || !name.matches("[A-Za-z0-9_.:@-]+")) {
                throw invalid("interfaces", text, "'" + name + "' is not an interface name");
            }
            names.add(name);
        }
        return Set.copyOf(names);
    }

    private static List<Integer> ports(String text) {
        if (text == null || text.isBlank()) {
            throw invalid("ports", text, "needs at least one UDP port");
        }
        List<Integer> ports = new ArrayList<>();
        for (String part : text.split(",")) {
            int port;
            try {
                port = Integer.parseInt(part.trim());
            } catch (NumberFormatException e) {
                throw invalid("ports", text, "'" + part.trim() + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw invalid("ports", text, "port " + port + " is not 1-65535");
            }
            if (ports.contains(port)) {
                throw invalid("ports", text, "port " + port + " is listed twice");
            }
            ports.add(port);
        }
        if (ports.size() > MAX_PORTS) {
            throw invalid("ports", text, "more than " + MAX_PORTS + " ports");
        }
        return List.copyOf(ports);
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }

    private static <A extends InetAddress> A group(String text, String key, Class<A> family) {
        // a literal only: a letter anywhere could make getByName look a name up
        if (text == null || text.isBlank() || !text.trim().matches("[0-9a-fA-F:.]+")) {
            throw invalid(key, text, "must be an IP literal");
        }
        InetAddress address;
        try {
            address = InetAddress.getByName(text.trim());
        } catch (java.net.UnknownHostException e) {
            throw invalid(key, text, "is not an IP literal");
        }
        if (!family.isInstance(address) || !address.isMulticastAddress()) {
            throw invalid(key, text, "must be an " + (family == Inet4Address.class ? "IPv4" : "IPv6") + " multicast group");
        }
        return family.cast(address);
    }

    private static IllegalArgumentException invalid(String key, Object value, String problem) {
        return new IllegalArgumentException("invalid configuration of " + LanDiscoveryService.PID + ": " + key + " = '"
                + value + "' " + problem);
    }
}
