package org.p2pnet.discovery.genesis.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.KeySigner;

/**
 * One node (its key and a fake core), the fake genesis nodes it talks to and the clients started
 * for it; {@link #close()} deactivates every client and stops every server.
 */
final class Harness implements AutoCloseable {
    static final Duration QUICKLY = Duration.ofSeconds(5);

    final KeySigner nodeKey = new KeySigner();
    final FakeNetwork network = new FakeNetwork(nodeKey);
    private final List<FakeGenesis> servers = new ArrayList<>();
    private final List<GenesisClientService> clients = new ArrayList<>();

    FakeGenesis genesis() throws IOException {
        FakeGenesis genesis = new FakeGenesis();
        servers.add(genesis);
        return genesis;
    }

    /** A started client. */
    GenesisClientService client(ClientSettings settings) {
        return client(settings, null);
    }

    /** A started client keeping its authority lock in {@code lockFile}. */
    GenesisClientService client(ClientSettings settings, Path lockFile) {
        GenesisClientService client = new GenesisClientService(settings, network, nodeKey, lockFile,
                Clock.systemUTC(), RandomGenerator.getDefault());
        clients.add(client);
        client.start();
        return client;
    }

    static void awaitResult(GenesisClientService client, String part) {
        Conditions.await("lastResult contains '" + part + "'", QUICKLY,
                () -> client.status().lastResult().contains(part));
    }

    @Override
    public void close() {
        clients.forEach(GenesisClientService::deactivate);
        servers.forEach(FakeGenesis::close);
    }
}
