package org.p2pnet.routines.internal;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Config Admin holding one configuration, of PID org.p2pnet.routines; records each update. */
final class FakeConfigAdmin {
    /** The stored properties; null until the first update. */
    volatile Hashtable<String, Object> stored;
    final List<Dictionary<String, Object>> updates = new ArrayList<>();
    final List<String> locations = new ArrayList<>();

    FakeConfigAdmin() {
    }

    FakeConfigAdmin(Hashtable<String, Object> initial) {
        this.stored = initial;
    }

    ConfigurationAdmin admin() {
        Configuration configuration = (Configuration) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {Configuration.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getProperties" -> stored == null ? null : new Hashtable<>(stored);
                    case "getPid" -> RoutineScheduler.PID;
                    case "update" -> {
                        @SuppressWarnings("unchecked")
                        Dictionary<String, Object> next = (Dictionary<String, Object>) args[0];
                        Hashtable<String, Object> copy = new Hashtable<>();
                        for (var keys = next.keys(); keys.hasMoreElements(); ) {
                            String k = keys.nextElement();
                            copy.put(k, next.get(k));
                        }
                        stored = copy;
                        updates.add(copy);
                        yield null;
                    }
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "FakeConfiguration";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        return (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ConfigurationAdmin.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getConfiguration" -> {
                        if (!RoutineScheduler.PID.equals(args[0])) {
                            throw new UnsupportedOperationException("PID " + args[0]);
                        }
                        locations.add(args.length > 1 ? (String) args[1] : null);
                        yield configuration;
                    }
                    case "listConfigurations" -> stored == null ? null : new Configuration[] {configuration};
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "FakeConfigAdmin";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
