package org.p2pnet.core.internal;

import java.util.Comparator;
import java.util.List;

import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.TrustLevel;

/**
 * Which channels to close when more than {@code highWatermark} are open (P2PNet's "discern excess
 * local connections and trim them"). Pure selection; the core closes what it returns.
 *
 * <p>Never trimmed: channels with protected peers, channels trusted above {@link TrustLevel#DEFAULT},
 * and the channel whose identification started the trim. The others go in this order, first
 * first:
 * <ol>
 * <li>the lower trust level ({@code NONE} before {@code DEFAULT});</li>
 * <li>the least recently active (the earlier {@code lastActivity});</li>
 * <li>inbound before outbound (this node chose to dial its outbound peers);</li>
 * <li>the most recently opened (the later {@code openedAt});</li>
 * <li>the smaller peer id, so the order is total.</li>
 * </ol>
 */
final class Trimming {
    static final Comparator<CoreChannel> ORDER = Comparator
            .comparing((CoreChannel c) -> c.trustLevel())
            .thenComparing(CoreChannel::lastActivity)
            .thenComparingInt((CoreChannel c) -> c.direction() == ChannelDirection.INBOUND ? 0 : 1)
            .thenComparing(CoreChannel::openedAt, Comparator.reverseOrder())
            .thenComparing(CoreChannel::peerId);

    private Trimming() {
    }

    /**
     * The channels to close, in closing order: as many as it takes to bring {@code open} down to
     * {@code lowWatermark}, or every trimmable one when that is not enough. Empty when trimming is
     * off or at most {@code highWatermark} channels are open.
     *
     * @param open   the channels that stay open unless trimmed (none of them ending already)
     * @param spared a channel never to choose (the one just identified), or null
     */
    static List<CoreChannel> select(List<CoreChannel> open, CoreSettings s, CoreChannel spared) {
        if (!s.trims() || open.size() <= s.highWatermark()) {
            return List.of();
        }
        return open.stream()
                .filter(c -> c != spared && isTrimmable(c, s))
                .sorted(ORDER)
                .limit(open.size() - s.lowWatermark())
                .toList();
    }

    static boolean isTrimmable(CoreChannel c, CoreSettings s) {
        return !s.isProtected(c.peerId()) && c.trustLevel().compareTo(TrustLevel.DEFAULT) <= 0;
    }
}
