package org.p2pnet.discovery.lan.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Config annotations as DS would build them: the defaults, with some values replaced — except
 * that tests use only the loopback interface unless they say otherwise, so no test datagram
 * leaves this host.
 */
final class Configs {
    private Configs() {
    }

    static LanDiscoveryService.Config config(Map<String, Object> values) {
        return (LanDiscoveryService.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {LanDiscoveryService.Config.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getName().equals("interfaces")) {
                        return "lo";
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    if (method.getName().equals("annotationType")) {
                        return LanDiscoveryService.Config.class;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static DiscoverySettings settings(Map<String, Object> values) {
        return DiscoverySettings.from(config(values));
    }
}
