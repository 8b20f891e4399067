package org.p2pnet.jmx.internal;

import java.util.Map;
import java.util.TreeMap;

import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;

/** {@link GenesisServerMXBean} over {@link GenesisServer#status()}. */
final class GenesisServerBean implements GenesisServerMXBean {
    private final Source<GenesisServer> server;

    GenesisServerBean(Source<GenesisServer> server) {
        this.server = server;
    }

    private GenesisStatus status() {
        return server.read("the genesis server status", GenesisServer::status);
    }

    @Override
    public String getMode() {
        return status().mode().name();
    }

    @Override
    public String getAuthorityKeyId() {
        return Views.text(status().authorityKeyId());
    }

    @Override
    public String getNetwork() {
        return Views.text(status().networkName());
    }

    @Override
    public int getRegistrations() {
        return status().registrations();
    }

    @Override
    public double getRequestsPerSecond() {
        return status().requestsPerSecond();
    }

    @Override
    public Map<String, Long> getRequests() {
        return new TreeMap<>(status().requests());
    }

    @Override
    public Map<String, Long> getRejections() {
        return new TreeMap<>(status().rejections());
    }
}
