package org.p2pnet.discovery.genesis.internal;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.p2pnet.api.PeerId;

/**
 * A {@code 200} answer of {@code GET} or {@code POST /peers}, parsed (docs/GENESIS.md). Sample
 * entries are kept as the genesis node sent them; an entry whose id or host is unusable is skipped
 * when offering, not here.
 *
 * @param mode       {@code trustless} or {@code authority}, as the genesis node says
 * @param timestamp  the genesis node's clock, epoch ms
 * @param nonce      the echoed nonce, or null
 * @param peers      the sample, at most 64
 * @param genesis    the genesis node's own id and TCP port, when it listens
 * @param observed   the caller's address as the genesis node saw it (registrations only)
 * @param ttlSeconds how long a registration lives
 */
record GenesisAnswer(String mode, long timestamp, String nonce, List<Sampled> peers, Optional<GenesisNode> genesis,
                     Optional<Endpoint> observed, int ttlSeconds) {
    /** One entry of the sample. */
    record Sampled(String id, String host, int port) {
    }

    /** The genesis node as a peer: its host is the one of the URL that was asked. */
    record GenesisNode(PeerId id, int port) {
    }

    /** A host and port. */
    record Endpoint(String host, int port) {
    }

    GenesisAnswer {
        Objects.requireNonNull(mode, "mode");
        peers = List.copyOf(peers);
        Objects.requireNonNull(genesis, "genesis");
        Objects.requireNonNull(observed, "observed");
    }
}
