package org.p2pnet.core.internal;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Builds {@link PeerNetworkImpl.Config} instances the way SCR does: given values over the defaults. */
final class TestConfigs {
    private TestConfigs() {
    }

    static PeerNetworkImpl.Config config(Path storageDir, Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        values.put("storageDir", storageDir.toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return config(values);
    }

    static PeerNetworkImpl.Config config(Map<String, Object> values) {
        return (PeerNetworkImpl.Config) Proxy.newProxyInstance(TestConfigs.class.getClassLoader(),
                new Class<?>[] {PeerNetworkImpl.Config.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    switch (name) {
                        case "annotationType":
                            return PeerNetworkImpl.Config.class;
                        case "toString":
                            return "Config" + values;
                        case "hashCode":
                            return values.hashCode();
                        case "equals":
                            return proxy == args[0];
                        default:
                            return values.containsKey(name) ? values.get(name) : method.getDefaultValue();
                    }
                });
    }
}
