package org.p2pnet.discovery.lan.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DiscoverySettingsTest {

    @Test
    void theDefaultsAreValid() {
        DiscoverySettings s = Configs.settings(Map.of());

        assertEquals(List.of(8001, 8002, 8003), s.ports());
        assertEquals("239.255.77.77", s.groupV4().getHostAddress());
        assertTrue(s.groupV6().isMCLinkLocal());
        assertTrue(s.includeLoopback());
        assertEquals(1000, s.rate().minMillis());
        assertEquals(20_000, s.rate().maxMillis());
        assertEquals(120_000, s.rate().periodMillis());
        assertEquals(30_000, s.rotateIntervalMillis());
        assertEquals(60_000, s.timestampWindowMillis());
    }

    @Test
    void everyInvalidValueIsNamedWithItsKey() {
        assertProblem(Map.of("ports", "8001,x"), "ports = '8001,x' 'x' is not a number");
        assertProblem(Map.of("ports", "8001,8001"), "ports = '8001,8001' port 8001 is listed twice");
        assertProblem(Map.of("ports", "0"), "ports = '0' port 0 is not 1-65535");
        assertProblem(Map.of("ports", " "), "ports = ' ' needs at least one UDP port");
        assertProblem(Map.of("multicastGroupV4", "224.0.0.1"), "multicastGroupV4 = '224.0.0.1' must be a site-local");
        assertProblem(Map.of("multicastGroupV4", "example.org"), "multicastGroupV4 = 'example.org' must be an IP literal");
        assertProblem(Map.of("multicastGroupV4", "192.0.2.1"), "multicastGroupV4 = '192.0.2.1' must be an IPv4 multicast group");
        assertProblem(Map.of("multicastGroupV6", "ff05::1"), "multicastGroupV6 = 'ff05::1' must be a link-local group");
        assertProblem(Map.of("minIntervalMs", 10L), "minIntervalMs = '10' must be 100-3600000");
        assertProblem(Map.of("maxIntervalMs", 500L), "maxIntervalMs = '500' must be at least minIntervalMs (1000)");
        assertProblem(Map.of("periodMs", 10L), "periodMs = '10'");
        assertProblem(Map.of("jitter", 1.5), "jitter = '1.5' must be a fraction 0-0.9");
        assertProblem(Map.of("jitter", Double.NaN), "jitter = 'NaN'");
        assertProblem(Map.of("throttleFactor", 0.5), "throttleFactor = '0.5' must be 1-100");
        assertProblem(Map.of("throttleDurationMs", -1L), "throttleDurationMs = '-1'");
        assertProblem(Map.of("rotateIntervalMs", 10L), "rotateIntervalMs = '10' must be 1000-86400000");
        assertProblem(Map.of("timestampWindowSeconds", 0), "timestampWindowSeconds = '0' must be 1-86400");
        assertProblem(Map.of("broadcastEnabled", false, "multicastEnabled", false), "nothing could be sent");
    }

    @Test
    void anEmptyGroupLeavesThatFamilyOutButNotBoth() {
        DiscoverySettings v6Only = Configs.settings(Map.of("multicastGroupV4", " "));
        assertEquals(null, v6Only.groupV4());
        assertTrue(v6Only.groupV6().isMCLinkLocal());
        DiscoverySettings v4Only = Configs.settings(Map.of("multicastGroupV6", ""));
        assertEquals("239.255.77.77", v4Only.groupV4().getHostAddress());
        assertEquals(null, v4Only.groupV6());
        // no group is fine while multicast is off
        assertFalse(Configs.settings(Map.of("multicastGroupV4", "", "multicastGroupV6", "", "multicastEnabled", false))
                .multicastEnabled());
        assertProblem(Map.of("multicastGroupV4", "", "multicastGroupV6", ""),
                "multicastGroupV4 = '' and multicastGroupV6 are both empty while multicastEnabled = true");
    }

    private static void assertProblem(Map<String, Object> values, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> Configs.settings(values)).getMessage();
        assertTrue(message.startsWith("invalid configuration of org.p2pnet.discovery.lan: "), message);
        assertTrue(message.contains(expected), message);
    }

    @Test
    void interfacesIsAnAllowListOfNames() {
        assertEquals(java.util.Set.of("lo", "eth1"), Configs.settings(Map.of("interfaces", " lo, eth1 ,")).interfaces());
        assertTrue(Configs.settings(Map.of("interfaces", "")).interfaces().isEmpty());
        assertEquals("invalid configuration of org.p2pnet.discovery.lan: interfaces = 'lo;rm' 'lo;rm' is not an interface name",
                assertThrows(IllegalArgumentException.class, () -> Configs.settings(Map.of("interfaces", "lo;rm")))
                        .getMessage());
    }
}
