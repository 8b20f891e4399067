package org.p2pnet.api.genesis;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The genesis client's state.
 *
 * @param urls              the genesis nodes asked, in order
 * @param mode              what it demands of their answers
 * @param mustBeAuthority   whether unsigned answers are refused
 * @param pinnedKeyIds      authority key ids accepted (empty: see lockedKeyId)
 * @param firstLocking      whether the first authority key met is locked in
 * @param lockedKeyId       the locked authority key id, once locked
 * @param running           whether it is asking (false: stopped, or no URL configured)
 * @param lastAttempt       when it last asked a genesis node
 * @param lastSuccess       when an answer was last accepted
 * @param lastResult        what happened the last time, in words (e.g. "8 peers from http://...", "refused: ...")
 * @param peersOffered      peers offered to the core since start
 * @param refusedAnswers    answers refused (bad or missing signature, untrusted key, malformed) since start
 * @param nextAttempt       when it asks next
 */
public record BootstrapStatus(List<String> urls, GenesisMode mode, boolean mustBeAuthority, List<String> pinnedKeyIds,
                              boolean firstLocking, Optional<String> lockedKeyId, boolean running,
                              Optional<Instant> lastAttempt, Optional<Instant> lastSuccess, String lastResult,
                              long peersOffered, long refusedAnswers, Optional<Instant> nextAttempt) {
    public BootstrapStatus {
        urls = List.copyOf(urls);
        Objects.requireNonNull(mode, "mode");
        pinnedKeyIds = List.copyOf(pinnedKeyIds);
        Objects.requireNonNull(lockedKeyId, "lockedKeyId");
        Objects.requireNonNull(lastAttempt, "lastAttempt");
        Objects.requireNonNull(lastSuccess, "lastSuccess");
        lastResult = lastResult == null ? "" : lastResult;
        Objects.requireNonNull(nextAttempt, "nextAttempt");
    }
}
