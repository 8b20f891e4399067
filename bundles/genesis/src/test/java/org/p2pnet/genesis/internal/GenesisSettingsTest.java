package org.p2pnet.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.testing.KeySigner;

class GenesisSettingsTest {

    @Test
    void theDefaultsAreThoseOfTheProtocol() {
        GenesisSettings s = Configs.settings(Map.of());
        assertEquals(GenesisMode.TRUSTLESS, s.mode());
        assertEquals(600_000, s.ttlMillis());
        assertEquals(100_000, s.maxRegistrations());
        assertEquals(8, s.defaultCount());
        assertEquals(64, s.maxCount());
        assertEquals(4096, s.maxBodyBytes());
        assertEquals(20, s.rateLimitPerSecond());
        assertEquals(40, s.rateLimitBurst());
        assertEquals(300_000, s.timestampWindowMillis());
        assertFalse(s.dialBack());
        assertTrue(s.trustedProxies().isEmpty());
    }

    @Test
    void valuesAreRead() {
        GenesisSettings s = Configs.settings(Map.of("mode", " Authority ", "trustedProxies", "10.0.0.1, ::1,",
                "rateLimitPerSecond", 0, "dialBack", true));
        assertEquals(GenesisMode.AUTHORITY, s.mode());
        assertEquals(Set.of(RegistryTest.address("10.0.0.1"), RegistryTest.address("::1")), s.trustedProxies());
        assertEquals(0, s.rateLimitPerSecond());
        assertTrue(s.dialBack());
    }

    @Test
    void everyInvalidValueIsNamedWithItsKey() {
        assertProblem(Map.of("mode", "paranoid"), "mode = 'paranoid' must be trustless or authority");
        assertProblem(Map.of("registrationTtlSeconds", 29), "registrationTtlSeconds = '29' must be 30-86400");
        assertProblem(Map.of("maxRegistrations", 0), "maxRegistrations = '0' must be 1-1000000");
        assertProblem(Map.of("maxCount", 65), "maxCount = '65' must be 1-64");
        assertProblem(Map.of("defaultCount", 0), "defaultCount = '0' must be 1-64");
        assertProblem(Map.of("defaultCount", 9, "maxCount", 8), "defaultCount = '9' must be 1-8 (at most maxCount)");
        assertProblem(Map.of("maxBodyBytes", 100), "maxBodyBytes = '100' must be 512-65536");
        assertProblem(Map.of("rateLimitPerSecond", -1), "rateLimitPerSecond = '-1' must be 0-1000000");
        assertProblem(Map.of("rateLimitBurst", 0), "rateLimitBurst = '0' must be 1-1000000");
        assertProblem(Map.of("timestampWindowSeconds", 0), "timestampWindowSeconds = '0' must be 1-86400");
        assertProblem(Map.of("trustedProxies", "10.0.0.1,proxy.example"),
                "trustedProxies = '10.0.0.1,proxy.example' 'proxy.example' is not an IP literal");
        assertProblem(Map.of("trustedProxies", "300.1.1.1"), "trustedProxies = '300.1.1.1'");
    }

    @Test
    void anInvalidConfigurationRefusesActivation() {
        KeySigner key = new KeySigner();
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> new GenesisService(null,
                Configs.config(Map.of("maxCount", 0)), new FakeNetwork(key, "p2pnet", 7700), key));
        assertTrue(refused.getMessage().contains("maxCount = '0'"), refused.getMessage());
    }

    private static void assertProblem(Map<String, Object> values, String expected) {
        String message = assertThrows(IllegalArgumentException.class, () -> Configs.settings(values)).getMessage();
        assertTrue(message.startsWith("invalid configuration of org.p2pnet.genesis: "), message);
        assertTrue(message.contains(expected), message);
    }
}
