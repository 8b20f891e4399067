package org.p2pnet.discovery.genesis.internal;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;

/**
 * Config annotations as DS would build them (the defaults, with some values replaced), and settings
 * with test timings: the same checked values, but milliseconds where production waits seconds.
 */
final class Configs {
    /** Renewal period in tests. */
    static final Duration ANNOUNCE = Duration.ofMillis(300);
    static final Duration TIMEOUT = Duration.ofSeconds(3);
    static final Duration RETRY_MIN = Duration.ofMillis(50);
    static final Duration RETRY_MAX = Duration.ofMillis(400);
    static final Duration JOIN_WAIT = Duration.ofMillis(300);
    static final Duration POLL = Duration.ofMillis(20);

    private Configs() {
    }

    static GenesisClientService.Config config(Map<String, Object> values) {
        return (GenesisClientService.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {GenesisClientService.Config.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    if (method.getName().equals("annotationType")) {
                        return GenesisClientService.Config.class;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** Checked as in production, then with the test timings. */
    static ClientSettings fast(Map<String, Object> values) {
        return timings(ClientSettings.from(config(values)), ANNOUNCE, RETRY_MIN, RETRY_MAX, JOIN_WAIT);
    }

    static ClientSettings timings(ClientSettings s, Duration announce, Duration retryMin, Duration retryMax,
                                  Duration joinWait) {
        return new ClientSettings(s.urls(), s.mode(), s.authorityKeys(), s.mustBeAuthority(), s.firstLocking(),
                s.count(), announce, TIMEOUT, retryMin, retryMax, joinWait, POLL);
    }
}
