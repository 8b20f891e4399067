package org.p2pnet.genesis.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Config annotations as DS would build them: the defaults, with some values replaced. */
final class Configs {
    private Configs() {
    }

    static GenesisService.Config config(Map<String, Object> values) {
        return (GenesisService.Config) Proxy.newProxyInstance(Configs.class.getClassLoader(),
                new Class<?>[] {GenesisService.Config.class}, (proxy, method, args) -> {
                    if (values.containsKey(method.getName())) {
                        return values.get(method.getName());
                    }
                    if (method.getDefaultValue() != null) {
                        return method.getDefaultValue();
                    }
                    if (method.getName().equals("annotationType")) {
                        return GenesisService.Config.class;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    static GenesisSettings settings(Map<String, Object> values) {
        return GenesisSettings.from(config(values));
    }
}
