package org.p2pnet.jmx.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PeerNetwork;

/** {@link PacketsMXBean} over {@link PeerNetwork#status()} and {@link PeerNetwork#handlers()}. */
final class PacketsBean implements PacketsMXBean {
    private final Source<PeerNetwork> network;
    private final ChannelLedger ledger;

    PacketsBean(Source<PeerNetwork> network, ChannelLedger ledger) {
        this.network = network;
        this.ledger = ledger;
    }

    @Override
    public long getPacketsIn() {
        return network.read("the node status", n -> n.status().packetsIn());
    }

    @Override
    public long getPacketsOut() {
        return network.read("the node status", n -> n.status().packetsOut());
    }

    @Override
    public long getBytesIn() {
        return network.read("the channels' byte counts", n -> ledger.totals(n.activeChannels()).bytesIn());
    }

    @Override
    public long getBytesOut() {
        return network.read("the channels' byte counts", n -> ledger.totals(n.activeChannels()).bytesOut());
    }

    private List<HandlerInfo> handlers() {
        return network.read("the dispatch counters", PeerNetwork::handlers);
    }

    @Override
    public List<PacketTypeRow> getTypes() {
        return handlers().stream().map(PacketTypeRow::of)
                .sorted(java.util.Comparator.comparing(PacketTypeRow::getType)).toList();
    }

    @Override
    public Map<String, Long> getReceivedByType() {
        Map<String, Long> byType = new TreeMap<>();
        for (PacketTypeRow row : getTypes()) {
            byType.put(row.getType(), row.getReceived());
        }
        return byType;
    }

    @Override
    public Map<String, Long> getDroppedByType() {
        Map<String, Long> byType = new TreeMap<>();
        for (HandlerInfo h : handlers()) {
            byType.put(h.packetType(), h.dropped());
        }
        return byType;
    }

    @Override
    public long getDroppedUntrusted() {
        return network.read("the trust summary", n -> n.trustSummary().droppedUntrusted());
    }
}
