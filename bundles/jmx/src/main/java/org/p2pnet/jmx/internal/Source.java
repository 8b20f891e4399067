package org.p2pnet.jmx.internal;

import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service an MXBean reads, as it stands now (the component's dynamic reference). Every read
 * goes through {@link #read}: a JMX client gets either the value or an {@link IllegalStateException}
 * whose message says what could not be read and why, never the service's own exception type
 * (which a remote client could not even deserialize) and never a bare NullPointerException.
 */
final class Source<S> {
    private static final Logger LOG = LoggerFactory.getLogger(Source.class);

    private final Supplier<S> current;
    private final String missing;

    /**
     * @param current the service now, or null while there is none
     * @param missing the message while there is none, e.g. "no PeerNetwork service (bundle org.p2pnet.core is not active)"
     */
    Source(Supplier<S> current, String missing) {
        this.current = current;
        this.missing = missing;
    }

    /** True while the service is there. */
    boolean available() {
        return current.get() != null;
    }

    /**
     * @param what     what is read, for the message ("the node status")
     * @throws IllegalStateException naming what and why, when the service is missing or failed
     */
    <T> T read(String what, Function<S, T> reader) {
        S service = current.get();
        if (service == null) {
            throw new IllegalStateException("cannot read " + what + ": " + missing);
        }
        try {
            T value = reader.apply(service);
            if (value == null) {
                throw new IllegalStateException("cannot read " + what + ": the service returned nothing");
            }
            return value;
        } catch (IllegalStateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("cannot read ")) {
                throw e;
            }
            throw failed(what, e);
        } catch (RuntimeException e) {
            throw failed(what, e);
        }
    }

    private static IllegalStateException failed(String what, RuntimeException e) {
        LOG.debug("Reading {} for JMX failed", what, e);
        // message only, no cause: the cause's class may not exist on the JMX client's side
        return new IllegalStateException("cannot read " + what + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }
}
