package org.p2pnet.jmx.internal;

import java.util.List;

import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;

/** {@link GenesisMXBean} over {@link GenesisClient#status()}. */
final class GenesisBean implements GenesisMXBean {
    private final Source<GenesisClient> client;

    GenesisBean(Source<GenesisClient> client) {
        this.client = client;
    }

    private BootstrapStatus status() {
        return client.read("the genesis client status", GenesisClient::status);
    }

    @Override
    public boolean isRunning() {
        return status().running();
    }

    @Override
    public List<String> getUrls() {
        return status().urls();
    }

    @Override
    public String getMode() {
        return status().mode().name();
    }

    @Override
    public boolean isMustBeAuthority() {
        return status().mustBeAuthority();
    }

    @Override
    public List<String> getPinnedKeyIds() {
        return status().pinnedKeyIds();
    }

    @Override
    public boolean isFirstLocking() {
        return status().firstLocking();
    }

    @Override
    public String getLockedKeyId() {
        return status().lockedKeyId().orElse("");
    }

    @Override
    public String getLastAttempt() {
        return Views.iso(status().lastAttempt());
    }

    @Override
    public String getLastSuccess() {
        return Views.iso(status().lastSuccess());
    }

    @Override
    public String getNextAttempt() {
        return Views.iso(status().nextAttempt());
    }

    @Override
    public String getLastResult() {
        return status().lastResult();
    }

    @Override
    public long getPeersOffered() {
        return status().peersOffered();
    }

    @Override
    public long getRefusedAnswers() {
        return status().refusedAnswers();
    }
}
