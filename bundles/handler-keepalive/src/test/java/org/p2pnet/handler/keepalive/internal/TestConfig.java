package org.p2pnet.handler.keepalive.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/** A {@link KeepaliveComponent.Config} the way SCR builds it: the given values over the defaults. */
final class TestConfig {
    private TestConfig() {
    }

    /**
     * @param keyValues key, value, key, value…; a {@link Supplier} value is called on each read, so it
     *                  can throw like a value SCR cannot convert
     */
    static KeepaliveComponent.Config of(Object... keyValues) {
        Map<String, Object> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put((String) keyValues[i], keyValues[i + 1]);
        }
        return (KeepaliveComponent.Config) Proxy.newProxyInstance(TestConfig.class.getClassLoader(),
                new Class<?>[] {KeepaliveComponent.Config.class}, (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("annotationType")) {
                        return KeepaliveComponent.Config.class;
                    }
                    if (name.equals("toString")) {
                        return "Config" + values;
                    }
                    if (name.equals("hashCode")) {
                        return values.hashCode();
                    }
                    if (name.equals("equals")) {
                        return proxy == args[0];
                    }
                    Object value = values.containsKey(name) ? values.get(name) : method.getDefaultValue();
                    return value instanceof Supplier<?> s ? s.get() : value;
                });
    }

    static KeepaliveSettings settings(Object... keyValues) {
        return KeepaliveSettings.from(of(keyValues));
    }
}
