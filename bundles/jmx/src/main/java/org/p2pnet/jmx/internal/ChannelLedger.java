package org.p2pnet.jmx.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import org.p2pnet.api.ChannelStats;
import org.p2pnet.api.PeerChannel;

/**
 * Byte and packet totals over channels that stay monotonic when channels close: the API counts
 * bytes per channel only ({@link PeerChannel#stats()}), and a closed channel leaves
 * {@code activeChannels()}. The ledger follows each channel it sees (by its node-unique
 * {@link PeerChannel#channelId()}) and, once the channel is closed or gone, keeps its last counts
 * in the retired totals. Bounded: it holds only channels that are open.
 *
 * <p>It sees a channel when the totals are read and when the core announces it (CONNECTED, via the
 * component's {@code PeerListener}); a channel that opened and closed between two of those is
 * counted from the last state seen — with the listener, that is every channel since this bundle
 * started.
 */
final class ChannelLedger {

    /** Totals; every field only grows while the ledger lives. */
    record Totals(long packetsIn, long packetsOut, long bytesIn, long bytesOut) {
        Totals plus(ChannelStats s) {
            return new Totals(packetsIn + s.packetsIn(), packetsOut + s.packetsOut(), bytesIn + s.bytesIn(),
                    bytesOut + s.bytesOut());
        }
    }

    private static final ChannelStats NOTHING = new ChannelStats(0, 0, 0, 0);

    private final Map<String, Tracked> open = new HashMap<>();
    private Totals retired = new Totals(0, 0, 0, 0);

    private static final class Tracked {
        PeerChannel channel;
        ChannelStats last;

        Tracked(PeerChannel channel, ChannelStats last) {
            this.channel = channel;
            this.last = last;
        }
    }

    /** Starts following a channel that just opened (or refreshes its counts). */
    synchronized void track(PeerChannel channel) {
        see(channel);
    }

    /**
     * Brings the ledger up to date with the channels open now and returns the totals: the retired
     * channels' last counts plus the open ones' current counts.
     */
    synchronized Totals totals(Collection<PeerChannel> openNow) {
        update(openNow);
        Totals t = retired;
        for (Tracked tracked : open.values()) {
            t = t.plus(tracked.last);
        }
        return t;
    }

    /** Retires the channels that are no longer among {@code openNow} or are closed. */
    synchronized void update(Collection<PeerChannel> openNow) {
        Set<String> present = new HashSet<>();
        for (PeerChannel channel : openNow) {
            if (channel.isOpen()) {
                present.add(see(channel));
            }
        }
        for (Iterator<Map.Entry<String, Tracked>> it = open.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Tracked> e = it.next();
            Tracked tracked = e.getValue();
            if (!present.contains(e.getKey()) || !tracked.channel.isOpen()) {
                retired = retired.plus(max(tracked.last, stats(tracked.channel)));
                it.remove();
            }
        }
    }

    /** Channels followed now. */
    synchronized int tracked() {
        return open.size();
    }

    /** Clears everything: the totals start again from the channels seen next. */
    synchronized void reset() {
        open.clear();
        retired = new Totals(0, 0, 0, 0);
    }

    private String see(PeerChannel channel) {
        String id = channel.channelId();
        ChannelStats now = stats(channel);
        Tracked tracked = open.get(id);
        if (tracked == null) {
            open.put(id, new Tracked(channel, now));
        } else {
            tracked.channel = channel;
            tracked.last = max(tracked.last, now);
        }
        return id;
    }

    /** A channel's counts, or nothing when it cannot say (its transport is gone). */
    private static ChannelStats stats(PeerChannel channel) {
        try {
            ChannelStats s = channel.stats();
            return s == null ? NOTHING : s;
        } catch (RuntimeException e) {
            return NOTHING;
        }
    }

    /** Counters never go back: a closed transport may report less than was seen. */
    private static ChannelStats max(ChannelStats a, ChannelStats b) {
        return new ChannelStats(Math.max(a.packetsIn(), b.packetsIn()), Math.max(a.packetsOut(), b.packetsOut()),
                Math.max(a.bytesIn(), b.bytesIn()), Math.max(a.bytesOut(), b.bytesOut()));
    }
}
