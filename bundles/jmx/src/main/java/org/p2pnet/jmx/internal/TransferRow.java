package org.p2pnet.jmx.internal;

import javax.management.ConstructorParameters;

import org.p2pnet.api.data.TransferInfo;

/** One transfer, a row of {@link TransfersMXBean#getTransfers()}. */
public final class TransferRow {
    private final String id;
    private final String peerId;
    private final String shortId;
    private final String direction;
    private final String format;
    private final String name;
    private final long size;
    private final long transferred;
    private final int percent;
    private final String state;
    private final long bytesPerSecond;
    private final String startedAt;
    private final String updatedAt;
    private final String detail;

    @ConstructorParameters({"id", "peerId", "shortId", "direction", "format", "name", "size", "transferred",
            "percent", "state", "bytesPerSecond", "startedAt", "updatedAt", "detail"})
    public TransferRow(String id, String peerId, String shortId, String direction, String format, String name,
            long size, long transferred, int percent, String state, long bytesPerSecond, String startedAt,
            String updatedAt, String detail) {
        this.id = id;
        this.peerId = peerId;
        this.shortId = shortId;
        this.direction = direction;
        this.format = format;
        this.name = name;
        this.size = size;
        this.transferred = transferred;
        this.percent = percent;
        this.state = state;
        this.bytesPerSecond = bytesPerSecond;
        this.startedAt = startedAt;
        this.updatedAt = updatedAt;
        this.detail = detail;
    }

    static TransferRow of(TransferInfo t) {
        return new TransferRow(t.id(), t.peer().value(), t.peer().shortForm(), t.direction().name(),
                t.format().name(), t.name(), t.totalSize(), t.transferred(), t.percent(), t.state().name(),
                t.bytesPerSecond(), Views.iso(t.startedAt()), Views.iso(t.updatedAt()), t.detail());
    }

    /** The transfer id (the DATA packets' transferId). */
    public String getId() {
        return id;
    }

    public String getPeerId() {
        return peerId;
    }

    public String getShortId() {
        return shortId;
    }

    /** OUTGOING or INCOMING. */
    public String getDirection() {
        return direction;
    }

    /** FILE, TASK or MISC. */
    public String getFormat() {
        return format;
    }

    /** File name (sanitized, on the receiving side) or payload label. */
    public String getName() {
        return name;
    }

    /** Bytes in all. */
    public long getSize() {
        return size;
    }

    /** Bytes sent and acknowledged, or received and written, contiguous from 0. */
    public long getTransferred() {
        return transferred;
    }

    /** 0-100. */
    public int getPercent() {
        return percent;
    }

    /** QUEUED, RUNNING, INTERRUPTED, VERIFYING, DONE, FAILED or CANCELLED. */
    public String getState() {
        return state;
    }

    /** The recent rate; 0 when not moving. */
    public long getBytesPerSecond() {
        return bytesPerSecond;
    }

    public String getStartedAt() {
        return startedAt;
    }

    public String getUpdatedAt() {
        return updatedAt;
    }

    /** The failure, the stored path, or what it waits for. */
    public String getDetail() {
        return detail;
    }
}
