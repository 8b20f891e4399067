package org.p2pnet.jmx.internal;

import javax.management.ConstructorParameters;

import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PacketTypeStats;

/**
 * One packet type's counters, a row of {@link PacketsMXBean#getTypes()}: the wire counters of
 * {@code PeerNetwork.packetStats()} (packets and frame bytes in and out) and the dispatch
 * counters of {@code PeerNetwork.handlers()} (what became of the received packets that passed the
 * trust check).
 */
public final class PacketTypeRow {
    private final String type;
    private final String handlerBundle;
    private final long handlerBundleId;
    private final int candidates;
    private final long packetsIn;
    private final long packetsOut;
    private final long bytesIn;
    private final long bytesOut;
    private final long received;
    private final long delivered;
    private final long buffered;
    private final long dropped;
    private final long failed;

    @ConstructorParameters({"type", "handlerBundle", "handlerBundleId", "candidates", "packetsIn", "packetsOut",
            "bytesIn", "bytesOut", "received", "delivered", "buffered", "dropped", "failed"})
    public PacketTypeRow(String type, String handlerBundle, long handlerBundleId, int candidates, long packetsIn,
            long packetsOut, long bytesIn, long bytesOut, long received, long delivered, long buffered, long dropped,
            long failed) {
        this.type = type;
        this.handlerBundle = handlerBundle;
        this.handlerBundleId = handlerBundleId;
        this.candidates = candidates;
        this.packetsIn = packetsIn;
        this.packetsOut = packetsOut;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.received = received;
        this.delivered = delivered;
        this.buffered = buffered;
        this.dropped = dropped;
        this.failed = failed;
    }

    /**
     * The row of one type from what the core has of it: its dispatch state and its wire counters,
     * either of which may be missing (null): a type seen on the wire but never dispatched (dropped
     * for its trust level, sent only, counted under {@code (other)}), or one with a handler and no
     * traffic yet.
     */
    static PacketTypeRow of(String type, HandlerInfo h, PacketTypeStats wire) {
        String bundle = h == null ? "" : Views.text(h.bundle());
        long bundleId = h == null ? -1 : h.bundleId();
        int candidates = h == null ? 0 : h.candidates();
        long delivered = h == null ? 0 : h.delivered();
        long buffered = h == null ? 0 : h.buffered();
        long dropped = h == null ? 0 : h.dropped();
        long failed = h == null ? 0 : h.failed();
        return new PacketTypeRow(type, bundle, bundleId, candidates,
                wire == null ? 0 : wire.packetsIn(), wire == null ? 0 : wire.packetsOut(),
                wire == null ? 0 : wire.bytesIn(), wire == null ? 0 : wire.bytesOut(),
                delivered + failed + buffered + dropped, delivered, buffered, dropped, failed);
    }

    /** The packet type name (MESSAGE, DATA, ...), or {@code (other)} for the types past the core's cap. */
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

    /** Packets of this type received on the wire, before any trust check (the handshake IDENTITY included). */
    public long getPacketsIn() {
        return packetsIn;
    }

    /** Packets of this type written to the wire. */
    public long getPacketsOut() {
        return packetsOut;
    }

    /** Frame bytes of the packets received (length prefix included, before TLS). */
    public long getBytesIn() {
        return bytesIn;
    }

    /** Frame bytes of the packets written (length prefix included, before TLS). */
    public long getBytesOut() {
        return bytesOut;
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
