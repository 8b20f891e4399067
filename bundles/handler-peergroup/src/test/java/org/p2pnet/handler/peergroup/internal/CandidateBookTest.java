package org.p2pnet.handler.peergroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;

class CandidateBookTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final PeerId FROM = ExchangeNetwork.id(999);

    private static CandidateBook.Candidate candidate(int n, String host) {
        return new CandidateBook.Candidate(ExchangeNetwork.id(n), new PeerAddress(host, 7700), FROM, NOW);
    }

    private static List<PeerId> ids(List<CandidateBook.Candidate> list) {
        return list.stream().map(CandidateBook.Candidate::id).toList();
    }

    @Test
    void whenFullTheCandidateLearnedLongestAgoGoes() {
        CandidateBook book = new CandidateBook(3);
        for (int n = 1; n <= 5; n++) {
            book.put(candidate(n, "10.0.0." + n));
        }

        assertEquals(List.of(ExchangeNetwork.id(5), ExchangeNetwork.id(4), ExchangeNetwork.id(3)),
                ids(book.newestFirst(c -> true, 10)));
    }

    @Test
    void learningACandidateAgainRefreshesIt() {
        CandidateBook book = new CandidateBook(3);
        book.put(candidate(1, "10.0.0.1"));
        book.put(candidate(2, "10.0.0.2"));
        book.put(candidate(3, "10.0.0.3"));

        book.put(candidate(1, "10.0.0.99"));
        book.put(candidate(4, "10.0.0.4"));

        assertEquals(List.of(ExchangeNetwork.id(4), ExchangeNetwork.id(1), ExchangeNetwork.id(3)),
                ids(book.newestFirst(c -> true, 10)));
        assertEquals("10.0.0.99", book.get(ExchangeNetwork.id(1)).orElseThrow().address().host());
    }

    @Test
    void newestFirstFiltersAndStopsAtTheLimit() {
        CandidateBook book = new CandidateBook(10);
        for (int n = 1; n <= 6; n++) {
            book.put(candidate(n, "10.0.0." + n));
        }

        assertEquals(List.of(ExchangeNetwork.id(5), ExchangeNetwork.id(3)),
                ids(book.newestFirst(c -> !c.id().equals(ExchangeNetwork.id(6)) && !c.id().equals(ExchangeNetwork.id(4)), 2)));
    }
}
