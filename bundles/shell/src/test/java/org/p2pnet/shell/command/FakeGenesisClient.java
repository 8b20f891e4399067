package org.p2pnet.shell.command;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.p2pnet.api.genesis.BootstrapStatus;
import org.p2pnet.api.genesis.GenesisClient;
import org.p2pnet.api.genesis.GenesisMode;

/** A genesis client whose state a test sets; counts bootstrapNow calls and the status reads before them. */
final class FakeGenesisClient implements GenesisClient {
    static final String URL_1 = "http://genesis1.example:8181/p2pnet/genesis";
    static final String URL_2 = "http://genesis2.example:8181/p2pnet/genesis";
    static final String PINNED = FakeGenesisServer.KEY_ID;
    static final Instant LAST_ATTEMPT = Instant.parse("2026-11-21T10:15:30Z");
    static final Instant LAST_SUCCESS = Instant.parse("2026-11-21T10:12:00Z");
    static final Instant NEXT_ATTEMPT = Instant.parse("2026-11-21T10:18:30.250Z");

    List<String> urls = List.of(URL_1, URL_2);
    GenesisMode mode = GenesisMode.AUTHORITY;
    boolean firstLocking;
    Optional<String> lockedKeyId = Optional.empty();
    boolean running = true;
    boolean neverAsked;
    String lastResult = "refused: signed by an untrusted key, from " + URL_2;
    int bootstrapNowCalls;
    /** How many times status() was read after the last bootstrapNow call. */
    int statusReadsAfterNow;

    @Override
    public BootstrapStatus status() {
        if (bootstrapNowCalls > 0) {
            statusReadsAfterNow++;
        }
        if (neverAsked) {
            return new BootstrapStatus(urls, mode, true, List.of(PINNED), firstLocking, lockedKeyId, running,
                    Optional.empty(), Optional.empty(), "", 0, 0, Optional.empty());
        }
        return new BootstrapStatus(urls, mode, true, List.of(PINNED), firstLocking, lockedKeyId, running,
                Optional.of(LAST_ATTEMPT), Optional.of(LAST_SUCCESS), lastResult, 17, 2, Optional.of(NEXT_ATTEMPT));
    }

    @Override
    public void bootstrapNow() {
        bootstrapNowCalls++;
        statusReadsAfterNow = 0;
    }
}
