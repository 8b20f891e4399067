package org.p2pnet.discovery.genesis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.testing.KeySigner;

class ClientSettingsTest {
    private static final String KEY = "0123456789abcdef".repeat(4);

    private static ClientSettings settings(Map<String, Object> values) {
        return ClientSettings.from(Configs.config(values));
    }

    @Test
    void theDefaultsOfTheProtocolDocument() {
        ClientSettings s = settings(Map.of());

        assertEquals(List.of(), s.urls());
        assertEquals(GenesisMode.TRUSTLESS, s.mode());
        assertEquals(List.of(), s.authorityKeys());
        assertFalse(s.mustBeAuthority());
        assertFalse(s.firstLocking());
        assertEquals(8, s.count());
        assertEquals(Duration.ofSeconds(180), s.announceInterval());
        assertEquals(Duration.ofSeconds(5), s.requestTimeout());
        assertEquals(Duration.ofSeconds(1), s.retryMin());
        assertEquals(Duration.ofSeconds(300), s.retryMax());
        assertEquals(Duration.ofSeconds(10), s.joinWait());
    }

    @Test
    void urlsAreNormalizedButNotResolved() {
        ClientSettings s = settings(Map.of("urls",
                " http://genesis.invalid:8181/p2pnet/genesis/ , HTTPS://[2001:db8::1]:8443, http://10.0.0.1/custom/base"));

        assertEquals(List.of(URI.create("http://genesis.invalid:8181/p2pnet/genesis"),
                URI.create("https://[2001:db8::1]:8443/p2pnet/genesis"), URI.create("http://10.0.0.1/custom/base")),
                s.urls());
    }

    @Test
    void authorityModeWithPinnedKeysOrFirstLocking() {
        ClientSettings pinned = settings(Map.of("mode", "authority", "authorityKeys", KEY + ", " + KEY.replace('0', 'f')));
        assertEquals(GenesisMode.AUTHORITY, pinned.mode());
        assertEquals(2, pinned.authorityKeys().size());
        assertTrue(pinned.signatureRequired());

        ClientSettings locking = settings(Map.of("mode", "Authority", "firstSingleLockingAuthority", true));
        assertTrue(locking.firstLocking());
        assertTrue(settings(Map.of("mustBeAuthority", true)).signatureRequired());
    }

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "urls|ftp://genesis.invalid/p2pnet/genesis|has scheme 'ftp'; only http and https",
        "urls|genesis.invalid:8181|is not an absolute http or https URL",
        "urls|/p2pnet/genesis|is not an absolute http or https URL",
        "urls|http://exa mple/|is not a URL",
        "urls|http:///p2pnet/genesis|has no host",
        "urls|http://user:pw@genesis.invalid/|carries user info",
        "urls|http://genesis.invalid/?a=b|has a query or fragment",
        "urls|http://genesis.invalid:0/|has port 0",
        "urls|http://a.invalid/,,http://b.invalid/|has an empty entry",
        "urls|http://a.invalid/x, http://a.invalid/x/|is listed twice",
        "mode|strict|must be trustless or authority",
        "authorityKeys|0123|is not a key id (64 lowercase hex digits",
        "count|0|must be 1-64",
        "count|65|must be 1-64",
        "announceIntervalSeconds|5|must be 10-86400",
        "requestTimeoutSeconds|0|must be 1-300",
        "retryMinSeconds|0|must be 1-3600",
        "retryMaxSeconds|100000|must be at least retryMinSeconds (1) and at most 86400",
    })
    void anInvalidValueIsRejectedNamingTheKeyAndTheValue(String key, String value, String problem) {
        Object typed = switch (key) {
            case "count", "announceIntervalSeconds", "requestTimeoutSeconds", "retryMinSeconds", "retryMaxSeconds" ->
                    Integer.parseInt(value);
            default -> value;
        };
        Map<String, Object> values = key.equals("authorityKeys") ? Map.of(key, typed, "mode", "authority")
                : Map.of(key, typed);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings(values));
        assertTrue(e.getMessage().startsWith("invalid configuration of org.p2pnet.discovery.genesis: " + key + " = '"
                + value + "' "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void anUppercaseKeyIdIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of("mode", "authority", "authorityKeys", KEY.toUpperCase())));
        assertTrue(e.getMessage().contains("authorityKeys = '" + KEY.toUpperCase() + "'"), e.getMessage());
    }

    @Test
    void retryMaxBelowRetryMinIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> settings(Map.of("retryMinSeconds", 10, "retryMaxSeconds", 5)));
        assertTrue(e.getMessage().contains("retryMaxSeconds = '5' must be at least retryMinSeconds (10)"), e.getMessage());
    }

    @Test
    void combinationsThatCouldNeverWorkAreRejected() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of("mode", "authority")))
                .getMessage().contains("authorityKeys = '' is empty while mode = authority"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of("mode", "authority",
                "authorityKeys", KEY, "firstSingleLockingAuthority", true))).getMessage()
                .contains("firstSingleLockingAuthority = 'true' cannot be combined with pinned authorityKeys"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of("authorityKeys", KEY)))
                .getMessage().contains("authorityKeys = '" + KEY + "' only applies with mode = authority"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> settings(Map.of("firstSingleLockingAuthority",
                true))).getMessage().contains("firstSingleLockingAuthority = 'true' only applies with mode = authority"));
    }

    @Test
    void theDsConstructorRejectsAnInvalidConfigurationSoTheComponentDoesNotActivate() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GenesisClientService(null, Configs.config(Map.of("count", 100)),
                        new FakeNetwork(new KeySigner()), new KeySigner()));
        assertTrue(e.getMessage().contains("count = '100' must be 1-64"), e.getMessage());
    }
}
