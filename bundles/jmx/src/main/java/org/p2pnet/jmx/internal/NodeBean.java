package org.p2pnet.jmx.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.NodeStatus;
import org.p2pnet.api.PeerNetwork;
import org.p2pnet.api.TrustSummary;

/** {@link NodeMXBean} over the core's {@link PeerNetwork}. */
final class NodeBean implements NodeMXBean {
    private final Source<PeerNetwork> network;
    private final ChannelLedger ledger;
    private final Supplier<Instant> startedAt;
    private final Clock clock;

    NodeBean(Source<PeerNetwork> network, ChannelLedger ledger, Supplier<Instant> startedAt, Clock clock) {
        this.network = network;
        this.ledger = ledger;
        this.startedAt = startedAt;
        this.clock = clock;
    }

    private NodeStatus status() {
        return network.read("the node status", PeerNetwork::status);
    }

    private TrustSummary trust() {
        return network.read("the trust summary", PeerNetwork::trustSummary);
    }

    private ChannelLedger.Totals totals() {
        return network.read("the channels' byte counts", n -> ledger.totals(n.activeChannels()));
    }

    @Override
    public boolean isCoreAvailable() {
        return network.available();
    }

    @Override
    public String getPeerId() {
        return network.read("the node identity", n -> n.identity().peerId().value());
    }

    @Override
    public String getShortId() {
        return network.read("the node identity", n -> n.identity().peerId().shortForm());
    }

    @Override
    public String getNetwork() {
        return network.read("the node identity", n -> n.identity().networkName());
    }

    @Override
    public String getAgent() {
        return network.read("the node identity", n -> Views.text(n.identity().agent()));
    }

    @Override
    public int getProtocolVersion() {
        return network.read("the node identity", n -> n.identity().protocolVersion());
    }

    @Override
    public String getListeningAddress() {
        return Views.text(status().listening());
    }

    @Override
    public String getTransport() {
        return Views.text(status().transport());
    }

    @Override
    public boolean isAcceptInbound() {
        return status().acceptInbound();
    }

    @Override
    public String getStartedAt() {
        return network.read("the start time", n -> Views.iso(startedAt.get()));
    }

    @Override
    public long getUptimeSeconds() {
        return network.read("the uptime", n -> {
            Instant since = startedAt.get();
            return since == null ? 0L : Math.max(0L, Duration.between(since, clock.instant()).toSeconds());
        });
    }

    @Override
    public int getInboundChannels() {
        return status().inboundChannels();
    }

    @Override
    public int getOutboundChannels() {
        return status().outboundChannels();
    }

    @Override
    public int getKnownPeers() {
        return status().knownPeers();
    }

    @Override
    public long getPacketsIn() {
        return status().packetsIn();
    }

    @Override
    public long getPacketsOut() {
        return status().packetsOut();
    }

    @Override
    public long getBytesIn() {
        return totals().bytesIn();
    }

    @Override
    public long getBytesOut() {
        return totals().bytesOut();
    }

    @Override
    public Map<String, Long> getDropsByReason() {
        Map<String, Long> byName = new TreeMap<>();
        for (Map.Entry<DisconnectReason, Long> e : status().rejections().entrySet()) {
            byName.put(e.getKey().name(), e.getValue());
        }
        return byName;
    }

    @Override
    public long getDropsTotal() {
        return status().rejections().values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public long getRejectedConfigurations() {
        return status().rejectedConfigurations();
    }

    @Override
    public String getTrustPolicy() {
        return trust().policy().orElse("");
    }

    @Override
    public String getTrustProtocol() {
        return trust().protocol().orElse("");
    }

    @Override
    public boolean isFailClosed() {
        return trust().failClosed();
    }

    @Override
    public long getDroppedUntrusted() {
        return trust().droppedUntrusted();
    }

    @Override
    public long getClosedUntrusted() {
        return trust().closedUntrusted();
    }

    @Override
    public int getInboundQueued() {
        return trust().inboundQueued();
    }
}
