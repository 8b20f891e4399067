package org.p2pnet.jmx.internal;

import org.p2pnet.api.broadcast.Broadcasts;

/** {@link BroadcastsMXBean} over {@link Broadcasts#stats()}. */
final class BroadcastsBean implements BroadcastsMXBean {
    private final Source<Broadcasts> broadcasts;

    BroadcastsBean(Source<Broadcasts> broadcasts) {
        this.broadcasts = broadcasts;
    }

    private Broadcasts.Stats stats() {
        return broadcasts.read("the broadcast counters", Broadcasts::stats);
    }

    @Override
    public long getOriginated() {
        return stats().originated();
    }

    @Override
    public long getDelivered() {
        return stats().delivered();
    }

    @Override
    public long getDuplicates() {
        return stats().duplicates();
    }

    @Override
    public long getRelayed() {
        return stats().relayed();
    }

    @Override
    public long getRefused() {
        return stats().refused();
    }
}
