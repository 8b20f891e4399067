package org.p2pnet.jmx.internal;

import java.time.Instant;

import javax.management.ConstructorParameters;

import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.PeerChannel;

/** One open channel, a row of {@link ChannelsMXBean#getChannels()} (a CompositeData for JMX clients). */
public final class ChannelRow {
    private final String channelId;
    private final String peerId;
    private final String shortId;
    private final String direction;
    private final String remoteAddress;
    private final String listenAddress;
    private final String trustLevel;
    private final boolean trustPending;
    private final long untrustedDrops;
    private final long packetsIn;
    private final long packetsOut;
    private final long bytesIn;
    private final long bytesOut;
    private final String openedAt;
    private final String lastActivity;
    private final long idleSeconds;

    @ConstructorParameters({"channelId", "peerId", "shortId", "direction", "remoteAddress", "listenAddress",
            "trustLevel", "trustPending", "untrustedDrops", "packetsIn", "packetsOut", "bytesIn", "bytesOut",
            "openedAt", "lastActivity", "idleSeconds"})
    public ChannelRow(String channelId, String peerId, String shortId, String direction, String remoteAddress,
            String listenAddress, String trustLevel, boolean trustPending, long untrustedDrops, long packetsIn,
            long packetsOut, long bytesIn, long bytesOut, String openedAt, String lastActivity, long idleSeconds) {
        this.channelId = channelId;
        this.peerId = peerId;
        this.shortId = shortId;
        this.direction = direction;
        this.remoteAddress = remoteAddress;
        this.listenAddress = listenAddress;
        this.trustLevel = trustLevel;
        this.trustPending = trustPending;
        this.untrustedDrops = untrustedDrops;
        this.packetsIn = packetsIn;
        this.packetsOut = packetsOut;
        this.bytesIn = bytesIn;
        this.bytesOut = bytesOut;
        this.openedAt = openedAt;
        this.lastActivity = lastActivity;
        this.idleSeconds = idleSeconds;
    }

    static ChannelRow of(PeerChannel channel, Instant now) {
        ChannelStats stats = channel.stats();
        Instant last = channel.lastActivity();
        return new ChannelRow(Views.text(channel.channelId()), channel.peerId().value(), channel.peerId().shortForm(),
                Views.text(channel.direction()), Views.text(channel.remoteAddress()),
                Views.text(channel.listenAddress()), Views.text(channel.trustLevel()), channel.trustPending(),
                channel.untrustedDrops(), stats.packetsIn(), stats.packetsOut(), stats.bytesIn(), stats.bytesOut(),
                Views.iso(channel.openedAt()), Views.iso(last),
                last == null ? 0 : Math.max(0, now.getEpochSecond() - last.getEpochSecond()));
    }

    /** The node-unique id of the channel (not of the peer). */
    public String getChannelId() {
        return channelId;
    }

    /** The peer's id (64 hex digits). */
    public String getPeerId() {
        return peerId;
    }

    /** The first 12 digits of the peer's id. */
    public String getShortId() {
        return shortId;
    }

    /** INBOUND or OUTBOUND. */
    public String getDirection() {
        return direction;
    }

    /** The observed remote socket address, host:port. */
    public String getRemoteAddress() {
        return remoteAddress;
    }

    /** The peer's dialable address: observed host, advertised listen port. */
    public String getListenAddress() {
        return listenAddress;
    }

    /** NONE, DEFAULT or ENHANCED. */
    public String getTrustLevel() {
        return trustLevel;
    }

    /** True while the trust protocol runs on the channel. */
    public boolean isTrustPending() {
        return trustPending;
    }

    /** Packets from the peer dropped because they needed a higher trust level. */
    public long getUntrustedDrops() {
        return untrustedDrops;
    }

    public long getPacketsIn() {
        return packetsIn;
    }

    public long getPacketsOut() {
        return packetsOut;
    }

    /** Bytes received, frames with their headers. */
    public long getBytesIn() {
        return bytesIn;
    }

    /** Bytes sent, frames with their headers. */
    public long getBytesOut() {
        return bytesOut;
    }

    /** When the channel was identified, ISO-8601 UTC. */
    public String getOpenedAt() {
        return openedAt;
    }

    /** When a packet was last received or sent, ISO-8601 UTC. */
    public String getLastActivity() {
        return lastActivity;
    }

    /** Seconds since the last activity. */
    public long getIdleSeconds() {
        return idleSeconds;
    }
}
