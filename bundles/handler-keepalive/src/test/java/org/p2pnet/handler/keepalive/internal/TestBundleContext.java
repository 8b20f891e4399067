package org.p2pnet.handler.keepalive.internal;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/** A {@link BundleContext} that only records service registrations; any other call throws. */
final class TestBundleContext {
    /** One registration: its service, its current properties, whether it is still registered. */
    static final class Registration {
        final String clazz;
        final Object service;
        volatile Map<String, Object> properties;
        volatile boolean registered = true;
        volatile int propertyUpdates;

        Registration(String clazz, Object service, Dictionary<String, ?> properties) {
            this.clazz = clazz;
            this.service = service;
            this.properties = copy(properties);
        }
    }

    final List<Registration> registrations = new CopyOnWriteArrayList<>();
    final BundleContext context = (BundleContext) Proxy.newProxyInstance(TestBundleContext.class.getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, method, args) -> {
                if (method.getName().equals("registerService") && args.length == 3) {
                    String clazz = args[0] instanceof Class<?> c ? c.getName() : (String) args[0];
                    @SuppressWarnings("unchecked")
                    Registration r = new Registration(clazz, args[1], (Dictionary<String, ?>) args[2]);
                    registrations.add(r);
                    return registration(r);
                }
                if (method.getName().equals("toString")) {
                    return "TestBundleContext";
                }
                throw new UnsupportedOperationException(method.getName());
            });

    /** The registered (not unregistered) services of this class and packet type or routine name. */
    List<Registration> live(String clazz) {
        return registrations.stream().filter(r -> r.registered && r.clazz.equals(clazz)).toList();
    }

    private static ServiceRegistration<?> registration(Registration r) {
        return (ServiceRegistration<?>) Proxy.newProxyInstance(TestBundleContext.class.getClassLoader(),
                new Class<?>[] {ServiceRegistration.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "unregister" -> {
                            if (!r.registered) {
                                throw new IllegalStateException("already unregistered");
                            }
                            r.registered = false;
                            return null;
                        }
                        case "setProperties" -> {
                            if (!r.registered) {
                                throw new IllegalStateException("unregistered");
                            }
                            @SuppressWarnings("unchecked")
                            Dictionary<String, ?> d = (Dictionary<String, ?>) args[0];
                            r.properties = copy(d);
                            r.propertyUpdates++;
                            return null;
                        }
                        case "toString" -> {
                            return "registration of " + r.clazz;
                        }
                        default -> throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    private static Map<String, Object> copy(Dictionary<String, ?> d) {
        Map<String, Object> m = new HashMap<>();
        for (String k : Collections.list(d.keys())) {
            m.put(k, d.get(k));
        }
        return Collections.unmodifiableMap(m);
    }
}
