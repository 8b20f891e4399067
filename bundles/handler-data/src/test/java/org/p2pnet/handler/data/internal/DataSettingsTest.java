package org.p2pnet.handler.data.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class DataSettingsTest {
    private static final Path DEFAULT = Path.of("/var/p2p/data/p2pnet/files");

    /** A Config whose methods answer from the map, else their defaults (as DS would). */
    static DataComponent.Config config(Map<String, Object> values) {
        return (DataComponent.Config) Proxy.newProxyInstance(DataComponent.Config.class.getClassLoader(),
                new Class<?>[] {DataComponent.Config.class}, (proxy, method, args) -> {
                    if (method.getName().equals("annotationType")) {
                        return DataComponent.Config.class;
                    }
                    Object v = values.get(method.getName());
                    if (v instanceof RuntimeException e) {
                        throw e;
                    }
                    return v != null ? v : method.getDefaultValue();
                });
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        DataSettings s = DataSettings.from(config(Map.of()), DEFAULT);
        assertEquals(DataSettings.defaults(DEFAULT), s);
        assertEquals(256 * 1024, s.chunkSize());
        assertEquals(8L << 20, s.windowBytes());
        assertEquals(8L << 30, s.maxFileSizeBytes());
        assertEquals(16L << 20, s.maxPayloadBytes());
        assertEquals(4, s.maxConcurrentPerPeer());
        assertEquals(16, s.maxConcurrentTotal());
        assertEquals(256L << 20, s.minFreeDiskBytes());
        assertEquals(24, s.partTtlHours());
        assertEquals(4L << 20, DataSettings.ackEvery(s.windowBytes()));
    }

    @Test
    void invalidValuesAreRejectedNamingKeyAndValue() {
        Map<String, Object[]> bad = Map.of(
                "chunkSize", new Object[] {100L, "chunkSize = 100"},
                "windowBytes", new Object[] {300_000L, "windowBytes = 300000"},
                "maxFileSizeBytes", new Object[] {0L, "maxFileSizeBytes = 0"},
                "maxPayloadBytes", new Object[] {1L << 40, "maxPayloadBytes = 1099511627776"},
                "maxConcurrentPerPeer", new Object[] {0L, "maxConcurrentPerPeer = 0"},
                "maxConcurrentTotal", new Object[] {-3L, "maxConcurrentTotal = -3"},
                "minFreeDiskBytes", new Object[] {-1L, "minFreeDiskBytes = -1"},
                "partTtlHours", new Object[] {0L, "partTtlHours = 0"},
                "storageDir", new Object[] {"relative/dir", "storageDir = relative/dir"});
        bad.forEach((key, v) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DataSettings.from(config(Map.of(key, v[0])), DEFAULT), key);
            assertTrue(e.getMessage().contains(DataComponent.PID) && e.getMessage().contains((String) v[1]),
                    e.getMessage());
        });
        IllegalArgumentException notANumber = assertThrows(IllegalArgumentException.class, () -> DataSettings.from(
                config(Map.of("chunkSize", new NumberFormatException("For input string: \"big\""))), DEFAULT));
        assertTrue(notANumber.getMessage().contains("chunkSize"), notANumber.getMessage());
    }

    @Test
    void anAbsoluteStorageDirIsTaken() {
        assertEquals(Path.of("/srv/files"), DataSettings.from(config(Map.of("storageDir", "/srv/files")), DEFAULT)
                .storageDir());
    }
}
