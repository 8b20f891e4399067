package org.p2pnet.jmx.internal;

import javax.management.ConstructorParameters;

import org.p2pnet.api.HandlerInfo;

/** One packet type's inbound counters, a row of {@link PacketsMXBean#getTypes()}. */
public final class PacketTypeRow {
    private final String type;
    private final String handlerBundle;
    private final long handlerBundleId;
    private final int candidates;
    private final long received;
    private final long delivered;
    private final long buffered;
    private final long dropped;
    private final long failed;

    @ConstructorParameters({"type", "handlerBundle", "handlerBundleId", "candidates", "received", "delivered",
            "buffered", "dropped", "failed"})
    public PacketTypeRow(String type, String handlerBundle, long handlerBundleId, int candidates, long received,
            long delivered, long buffered, long dropped, long failed) {
        this.type = type;
        this.handlerBundle = handlerBundle;
        this.handlerBundleId = handlerBundleId;
        this.candidates = candidates;
        this.received = received;
        this.delivered = delivered;
        this.buffered = buffered;
        this.dropped = dropped;
        this.failed = failed;
    }

    static PacketTypeRow of(HandlerInfo h) {
        return new PacketTypeRow(h.packetType(), Views.text(h.bundle()), h.bundleId(), h.candidates(),
                h.delivered() + h.failed() + h.buffered() + h.dropped(), h.delivered(), h.buffered(), h.dropped(),
                h.failed());
    }

    /** The packet type name (MESSAGE, DATA, ...). */
    public String getType() {
        return type;
    }

    /** Symbolic name of the bundle whose handler is active, or the empty string while none is. */
    public String getHandlerBundle() {
        return handlerBundle;
    }

    /** That bundle's id, or -1. */
    public long getHandlerBundleId() {
        return handlerBundleId;
    }

    /** Handlers registered for the type (the highest ranked is active). */
    public int getCandidates() {
        return candidates;
    }

    /** Packets of this type received that passed the trust check and reached dispatch: delivered + failed + buffered + dropped. */
    public long getReceived() {
        return received;
    }

    /** Delivered to a handler. */
    public long getDelivered() {
        return delivered;
    }

    /** Waiting now for a handler to appear (hot swap). */
    public long getBuffered() {
        return buffered;
    }

    /** Dropped: no handler appeared in time, or the buffer was full. */
    public long getDropped() {
        return dropped;
    }

    /** Handed to a handler that threw. */
    public long getFailed() {
        return failed;
    }
}
