package org.p2pnet.shell.command;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.genesis.GenesisMode;
import org.p2pnet.api.genesis.GenesisRegistration;
import org.p2pnet.api.genesis.GenesisRegistration.DialBack;
import org.p2pnet.api.genesis.GenesisServer;
import org.p2pnet.api.genesis.GenesisStatus;

/** A genesis server whose mode and registrations a test sets. */
final class FakeGenesisServer implements GenesisServer {
    static final String KEY_ID = "3f9c2d0e5b7a41c8e2f6a9d4b1c07e35a8d2f4b6c9e1a3d5f7b9c2e4a6d8f0b1";
    static final String PUBLIC_KEY = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=";
    static final Instant FIRST_SEEN = Instant.parse("2026-11-21T09:00:00Z");
    static final Instant LAST_SEEN = Instant.parse("2026-11-21T10:15:30Z");

    GenesisMode mode = GenesisMode.AUTHORITY;
    final List<GenesisRegistration> registrations = new ArrayList<>(List.of(
            new GenesisRegistration(Peers.ALICE, new PeerAddress("203.0.113.7", 7700), FIRST_SEEN, LAST_SEEN,
                    LAST_SEEN.plusSeconds(600), DialBack.OK),
            new GenesisRegistration(Peers.BOB, new PeerAddress("198.51.100.4", 7701), FIRST_SEEN,
                    FIRST_SEEN.plusSeconds(60), FIRST_SEEN.plusSeconds(660), DialBack.PENDING)));

    @Override
    public GenesisStatus status() {
        return new GenesisStatus(mode, KEY_ID, PUBLIC_KEY, "p2pnet", registrations.size(), 1.5,
                Map.of("POST /p2pnet/genesis/peers 200", 12L, "GET /p2pnet/genesis/peers 200", 30L,
                        "GET /p2pnet/genesis/whoami 200", 0L),
                Map.of("rate_limited", 3L, "bad_signature", 1L, "stale", 0L));
    }

    @Override
    public List<GenesisRegistration> registrations() {
        return List.copyOf(registrations);
    }
}
