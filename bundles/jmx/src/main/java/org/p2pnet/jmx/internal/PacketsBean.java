package org.p2pnet.jmx.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

import org.p2pnet.api.HandlerInfo;
import org.p2pnet.api.PacketTypeStats;
import org.p2pnet.api.PeerNetwork;

/**
 * {@link PacketsMXBean} over {@link PeerNetwork#status()}, {@link PeerNetwork#packetStats()} and
 * {@link PeerNetwork#handlers()}.
 */
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

    private List<PacketTypeStats> wire() {
        return network.read("the packet counters per type", PeerNetwork::packetStats);
    }

    /** The union of the types the dispatch knows and the types counted on the wire, sorted by type. */
    @Override
    public List<PacketTypeRow> getTypes() {
        Map<String, HandlerInfo> dispatch = new TreeMap<>();
        for (HandlerInfo h : handlers()) {
            dispatch.put(h.packetType(), h);
        }
        Map<String, PacketTypeStats> wire = new TreeMap<>();
        for (PacketTypeStats s : wire()) {
            wire.put(s.packetType(), s);
        }
        Set<String> types = new TreeSet<>(dispatch.keySet());
        types.addAll(wire.keySet());
        List<PacketTypeRow> rows = new ArrayList<>(types.size());
        for (String type : types) {
            rows.add(PacketTypeRow.of(type, dispatch.get(type), wire.get(type)));
        }
        return rows;
    }

    @Override
    public Map<String, Long> getReceivedByType() {
        Map<String, Long> byType = new TreeMap<>();
        for (HandlerInfo h : handlers()) {
            byType.put(h.packetType(), h.delivered() + h.failed() + h.buffered() + h.dropped());
        }
        return byType;
    }

    @Override
    public Map<String, Long> getPacketsInByType() {
        return wireByType(PacketTypeStats::packetsIn);
    }

    @Override
    public Map<String, Long> getPacketsOutByType() {
        return wireByType(PacketTypeStats::packetsOut);
    }

    @Override
    public Map<String, Long> getBytesInByType() {
        return wireByType(PacketTypeStats::bytesIn);
    }

    @Override
    public Map<String, Long> getBytesOutByType() {
        return wireByType(PacketTypeStats::bytesOut);
    }

    private Map<String, Long> wireByType(ToLongFunction<PacketTypeStats> column) {
        Map<String, Long> byType = new TreeMap<>();
        for (PacketTypeStats s : wire()) {
            byType.put(s.packetType(), column.applyAsLong(s));
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
