package org.p2pnet.jmx.internal;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.p2pnet.api.discovery.LanDiscovery;
import org.p2pnet.api.discovery.LanDiscoveryStatus;

/** {@link DiscoveryMXBean} over {@link LanDiscovery#status()}. */
final class DiscoveryBean implements DiscoveryMXBean {
    private final Source<LanDiscovery> discovery;

    DiscoveryBean(Source<LanDiscovery> discovery) {
        this.discovery = discovery;
    }

    private LanDiscoveryStatus status() {
        return discovery.read("the LAN discovery status", LanDiscovery::status);
    }

    @Override
    public boolean isRunning() {
        return status().running();
    }

    @Override
    public List<String> getInterfaces() {
        return status().interfaces().stream().map(LanDiscoveryStatus.InterfaceInfo::name).toList();
    }

    @Override
    public List<Integer> getPorts() {
        return status().ports();
    }

    @Override
    public int getBroadcasterPort() {
        return status().broadcasterPort();
    }

    @Override
    public List<String> getGroups() {
        return status().groups();
    }

    @Override
    public long getIntervalMillis() {
        return status().interval() == null ? 0 : status().interval().toMillis();
    }

    @Override
    public long getSent() {
        return status().sent();
    }

    @Override
    public long getReceived() {
        return status().received();
    }

    @Override
    public long getOffered() {
        return status().offered();
    }

    @Override
    public Map<String, Long> getDrops() {
        return new TreeMap<>(status().drops());
    }

    @Override
    public long getDropsTotal() {
        return status().drops().values().stream().mapToLong(Long::longValue).sum();
    }
}
