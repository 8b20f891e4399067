package org.p2pnet.handler.peergroup.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;

/**
 * Peers other peers told this node about, not yet trusted beyond that: the id is what the sender
 * claimed, and only a handshake with whoever answers at the address shows who is there. Bounded:
 * when full, the candidate learned (or re-learned) longest ago makes room. Thread-safe.
 */
final class CandidateBook {
    /**
     * One candidate.
     *
     * @param id      the id the sender claimed for it
     * @param address where the sender said it listens
     * @param from    the peer that told this node
     * @param learned when
     */
    record Candidate(PeerId id, PeerAddress address, PeerId from, Instant learned) {
        Candidate {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(learned, "learned");
        }
    }

    /** By id, oldest first. Guarded by this. */
    private final LinkedHashMap<PeerId, Candidate> candidates = new LinkedHashMap<>();
    private int capacity;

    CandidateBook(int capacity) {
        this.capacity = capacity;
    }

    /** Adds a candidate, or refreshes it (address, sender, time) and makes it the newest. */
    synchronized void put(Candidate candidate) {
        candidates.remove(candidate.id());
        candidates.put(candidate.id(), candidate);
        trim();
    }

    synchronized void remove(PeerId id) {
        candidates.remove(id);
    }

    synchronized Optional<Candidate> get(PeerId id) {
        return Optional.ofNullable(candidates.get(id));
    }

    /** At most {@code limit} of the candidates that pass {@code filter}, newest first. */
    synchronized List<Candidate> newestFirst(Predicate<Candidate> filter, int limit) {
        List<Candidate> all = new ArrayList<>(candidates.values());
        List<Candidate> chosen = new ArrayList<>(Math.min(limit, all.size()));
        for (int i = all.size() - 1; i >= 0 && chosen.size() < limit; i--) {
            if (filter.test(all.get(i))) {
                chosen.add(all.get(i));
            }
        }
        return chosen;
    }

    synchronized int size() {
        return candidates.size();
    }

    /** Changes the bound; the oldest candidates beyond a lowered one go at once. */
    synchronized void resize(int newCapacity) {
        capacity = newCapacity;
        trim();
    }

    synchronized void clear() {
        candidates.clear();
    }

    private void trim() {
        Iterator<PeerId> oldest = candidates.keySet().iterator();
        while (candidates.size() > capacity && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }
}
