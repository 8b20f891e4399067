package org.p2pnet.jmx.internal;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerNetwork;

/** {@link ChannelsMXBean} over {@link PeerNetwork#activeChannels()}. */
final class ChannelsBean implements ChannelsMXBean {
    private final Source<PeerNetwork> network;
    private final ChannelLedger ledger;
    private final Clock clock;

    ChannelsBean(Source<PeerNetwork> network, ChannelLedger ledger, Clock clock) {
        this.network = network;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public int getCount() {
        return network.read("the open channels", n -> n.activeChannels().size());
    }

    @Override
    public List<ChannelRow> getChannels() {
        return network.read("the open channels", n -> {
            List<PeerChannel> open = List.copyOf(n.activeChannels());
            ledger.update(open);
            Instant now = clock.instant();
            return open.stream().filter(PeerChannel::isOpen).sorted(Comparator.comparing(PeerChannel::peerId))
                    .map(c -> ChannelRow.of(c, now)).toList();
        });
    }
}
