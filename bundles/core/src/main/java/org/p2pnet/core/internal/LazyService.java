package org.p2pnet.core.internal;

import java.util.function.Supplier;

import org.osgi.service.component.ComponentServiceObjects;

/**
 * A whiteboard service whose object is obtained on first use rather than when SCR binds it.
 *
 * <p>Why: plug-ins such as the IDENTITY handler reference {@code PeerNetwork} themselves. If the
 * core asked for their service objects while binding them during its own activation, SCR would
 * have to create the plug-in while {@code PeerNetwork} is not yet available: a reference cycle
 * that SCR resolves by returning null, not reliably retried. Asking on first use (a packet or an
 * event, which can only come after activation) breaks the cycle.
 *
 * <p>A null from the supplier (the plug-in's component failed to activate) is not remembered,
 * so the next use asks again.
 */
final class LazyService<T> implements Supplier<T> {
    private final Supplier<T> source;
    private volatile T service;

    LazyService(Supplier<T> source) {
        this.source = source;
    }

    /** A holder that asks SCR for the service object on first use. */
    static <T> LazyService<T> of(ComponentServiceObjects<T> objects) {
        return new LazyService<>(objects::getService);
    }

    /** A holder of an object already at hand (tests, and services obtained elsewhere). */
    static <T> LazyService<T> ofInstance(T instance) {
        return new LazyService<>(() -> instance);
    }

    /** The service object, or null when it cannot be obtained now. */
    @Override
    public T get() {
        T s = service;
        if (s == null) {
            synchronized (this) {
                s = service;
                if (s == null) {
                    s = source.get();
                    service = s;
                }
            }
        }
        return s;
    }
}
