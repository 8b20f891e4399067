package org.p2pnet.core.internal;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.p2pnet.api.packet.PacketHandler;

/** Service references and bundles without a framework. */
final class FakeServices {
    private static final AtomicLong SERVICE_IDS = new AtomicLong(100);

    private FakeServices() {
    }

    /** A mutable set of service properties behind a reference (for updated/modified tests). */
    static final class Props {
        final Map<String, Object> values = new HashMap<>();
    }

    @SuppressWarnings("unchecked")
    static ServiceReference<PacketHandler> handlerRef(Object types, int ranking, String bundleName, long bundleId) {
        Props props = new Props();
        props.values.put(Constants.SERVICE_ID, SERVICE_IDS.incrementAndGet());
        props.values.put(Constants.SERVICE_RANKING, ranking);
        if (types != null) {
            props.values.put(PacketHandler.TYPE_PROPERTY, types);
        }
        return (ServiceReference<PacketHandler>) reference(props, bundle(bundleName, bundleId));
    }

    /** Changes a property of a reference made by {@link #handlerRef}. */
    static void set(ServiceReference<?> ref, String key, Object value) {
        ((PropsHolder) ref).props().values.put(key, value);
    }

    interface PropsHolder {
        Props props();
    }

    private static ServiceReference<?> reference(Props props, Bundle bundle) {
        return (ServiceReference<?>) Proxy.newProxyInstance(FakeServices.class.getClassLoader(),
                new Class<?>[] {ServiceReference.class, PropsHolder.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "props":
                            return props;
                        case "getProperty":
                            return props.values.get((String) args[0]);
                        case "getPropertyKeys":
                            return props.values.keySet().toArray(new String[0]);
                        case "getBundle":
                            return bundle;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return "ServiceReference" + props.values;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    static Bundle bundle(String symbolicName, long id) {
        return (Bundle) Proxy.newProxyInstance(FakeServices.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getSymbolicName":
                            return symbolicName;
                        case "getBundleId":
                            return id;
                        case "hashCode":
                            return Long.hashCode(id);
                        case "equals":
                            return proxy == args[0];
                        case "toString":
                            return symbolicName + " [" + id + "]";
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
