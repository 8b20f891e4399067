package org.p2pnet.core.internal;

import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.p2pnet.api.packet.PacketHandler;
import org.p2pnet.api.packet.PacketTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One registered packet handler service, with the service properties captured at bind or
 * update time (so its position in a sorted set never changes while it is inside).
 *
 * @param serviceId the service id
 * @param ranking   the service ranking
 * @param types     the packet types it handles
 * @param handler   the service object, obtained on first delivery (see {@link LazyService})
 * @param bundle    the symbolic name of the registering bundle ("" when unknown)
 * @param bundleId  the id of the registering bundle (-1 when unknown)
 */
record HandlerEntry(long serviceId, int ranking, Set<String> types, LazyService<PacketHandler> handler, String bundle,
                    long bundleId) {

    /** Highest ranking first, then lowest service id: the order of {@code ServiceReference.compareTo}, reversed. */
    static final Comparator<HandlerEntry> PRECEDENCE = Comparator.comparingInt(HandlerEntry::ranking).reversed()
            .thenComparingLong(HandlerEntry::serviceId);

    private static final Logger LOG = LoggerFactory.getLogger(HandlerEntry.class);

    HandlerEntry {
        types = Set.copyOf(types);
    }

    /**
     * Reads a handler's service properties. Invalid type names are logged and skipped.
     *
     * @return empty (after logging why) when no valid packet type is named
     */
    static Optional<HandlerEntry> of(LazyService<PacketHandler> handler, ServiceReference<?> ref) {
        long id = serviceId(ref);
        Bundle b = ref.getBundle();
        String bundle = b == null || b.getSymbolicName() == null ? "" : b.getSymbolicName();
        long bundleId = b == null ? -1 : b.getBundleId();
        Object rankingProp = ref.getProperty(Constants.SERVICE_RANKING);
        int ranking = rankingProp instanceof Integer r ? r : 0;
        Set<String> types = packetTypes(ref.getProperty(PacketHandler.TYPE_PROPERTY), id, bundle);
        if (types.isEmpty()) {
            LOG.warn("Ignoring packet handler service {} of bundle {}: its {} property names no valid packet type",
                    id, bundle, PacketHandler.TYPE_PROPERTY);
            return Optional.empty();
        }
        return Optional.of(new HandlerEntry(id, ranking, types, handler, bundle, bundleId));
    }

    static long serviceId(ServiceReference<?> ref) {
        Object id = ref.getProperty(Constants.SERVICE_ID);
        return id instanceof Long l ? l : -1L;
    }

    private static Set<String> packetTypes(Object prop, long serviceId, String bundle) {
        Set<String> names = new LinkedHashSet<>();
        if (prop instanceof String s) {
            add(names, s, serviceId, bundle);
        } else if (prop instanceof String[] array) {
            for (String s : array) {
                add(names, s, serviceId, bundle);
            }
        } else if (prop instanceof Collection<?> collection) {
            for (Object o : collection) {
                add(names, o instanceof String s ? s : String.valueOf(o), serviceId, bundle);
            }
        }
        return names;
    }

    private static void add(Set<String> names, String name, long serviceId, String bundle) {
        try {
            names.add(PacketTypes.requireValidName(name == null ? null : name.trim()));
        } catch (IllegalArgumentException e) {
            LOG.warn("Packet handler service {} of bundle {}: skipping type '{}': {}", serviceId, bundle, name,
                    e.getMessage());
        }
    }
}
