package org.p2pnet.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/**
 * A whiteboard of services ordered by precedence: the highest {@code service.ranking} first, then
 * the lowest {@code service.id}. Service objects are obtained on first use ({@link LazyService}).
 * Used for the inbound policies, the inbound listeners and the trust protocols. Thread-safe.
 *
 * @param <T> the service type
 */
final class Ranked<T> {

    /** Ranking then id of a service; the first key decides. */
    private record Key(int ranking, long serviceId) {
        static final Comparator<Key> PRECEDENCE = Comparator.comparingInt(Key::ranking).reversed()
                .thenComparingLong(Key::serviceId);
    }

    /** A bound service, its object obtained on first use, and the bundle that registered it (may be empty). */
    record Entry<T>(LazyService<T> service, String bundle) {
    }

    private final Map<Key, Entry<T>> services = new ConcurrentSkipListMap<>(Key.PRECEDENCE);

    void add(LazyService<T> service, ServiceReference<?> ref) {
        services.put(keyOf(ref), new Entry<>(service, bundleOf(ref)));
    }

    /** A ranking change: the service is filed under its new key (added first, so no lookup finds none). */
    void update(LazyService<T> service, ServiceReference<?> ref) {
        Key key = keyOf(ref);
        services.put(key, new Entry<>(service, bundleOf(ref)));
        services.keySet().removeIf(k -> k.serviceId() == key.serviceId() && !k.equals(key));
    }

    void remove(ServiceReference<?> ref) {
        long id = HandlerEntry.serviceId(ref);
        services.keySet().removeIf(k -> k.serviceId() == id);
    }

    boolean isEmpty() {
        return services.isEmpty();
    }

    /** The service objects that can be obtained now, in precedence order. */
    List<T> available() {
        List<T> list = new ArrayList<>();
        for (Entry<T> e : services.values()) {
            T s = e.service().get();
            if (s != null) {
                list.add(s);
            }
        }
        return list;
    }

    /** The first service object that can be obtained now. */
    Optional<T> first() {
        for (Entry<T> e : services.values()) {
            T s = e.service().get();
            if (s != null) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * The service in force, for people: its class name, and {@code " (bundle <symbolic name>)"}
     * when known. Empty when none is bound or none can be obtained.
     */
    Optional<String> describe() {
        for (Entry<T> e : services.values()) {
            T s = e.service().get();
            if (s != null) {
                String name = s.getClass().getName();
                return Optional.of(e.bundle().isEmpty() ? name : name + " (bundle " + e.bundle() + ")");
            }
        }
        return Optional.empty();
    }

    private static Key keyOf(ServiceReference<?> ref) {
        Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
        return new Key(ranking instanceof Integer r ? r : 0, HandlerEntry.serviceId(ref));
    }

    private static String bundleOf(ServiceReference<?> ref) {
        try {
            Bundle b = ref.getBundle();
            String name = b == null ? null : b.getSymbolicName();
            return name == null ? "" : name;
        } catch (RuntimeException e) {
            return "";
        }
    }
}
