package org.p2pnet.handler.peergroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.packet.PeerGroupPacket;

/** The peer listener side: asking new peers while below minPeers, topping up after a loss. */
class PeerEventsTest extends ExchangeFixture {
    private static final PeerId A = ExchangeNetwork.id(1001);
    private static final PeerId B = ExchangeNetwork.id(1002);
    private static final PeerId C = ExchangeNetwork.id(1003);

    @Test
    void aNewPeerIsAskedWhileBelowMinPeers() {
        network.minPeers = 3;
        PeerExchange exchange = exchange("requestWant", 16);

        network.connect(A);
        exchange.peerEvent(connected(A));
        network.connect(B);
        exchange.peerEvent(connected(B));

        assertEquals(List.of(PeerGroupPacket.request(16)), network.sentTo(A));
        assertEquals(List.of(PeerGroupPacket.request(16)), network.sentTo(B));
        assertEquals(2, exchange.stats().requestsSent());
    }

    @Test
    void aNewPeerIsNotAskedOnceMinPeersIsReached() {
        network.minPeers = 2;
        PeerExchange exchange = exchange();
        network.connect(A);
        network.connect(B);

        exchange.peerEvent(connected(B)); // B makes two: the node holds minPeers channels

        assertTrue(network.sent.isEmpty());
    }

    @Test
    void zeroRequestWantNeverAsks() {
        PeerExchange exchange = exchange("requestWant", 0);
        network.connect(A);

        exchange.peerEvent(connected(A));

        assertTrue(network.sent.isEmpty());
    }

    @Test
    void aLossBelowMinPeersOffersCandidatesAndAsksAConnectedPeer() {
        network.minPeers = 3;
        network.connect(A);
        network.connect(B);
        network.connect(C);
        PeerExchange exchange = exchange();
        receive(exchange, A, new PeerGroupPacket(entries(1, 4)));
        assertTrue(network.offered.isEmpty(), "at minPeers the peers are only kept");

        network.close(C);
        exchange.peerEvent(disconnected(C));

        assertEquals(List.of(ExchangeNetwork.id(4)), network.offered.stream().map(DiscoveredPeer::peerId).toList(),
                "one channel is missing: one dial, newest candidate first");
        assertEquals(1, network.sent.size());
        ExchangeNetwork.Sent request = network.sent.get(0);
        assertTrue(Set.of(A, B).contains(request.to()), "asked " + request.to());
        assertEquals(PeerGroupPacket.request(16), request.packet());
    }

    @Test
    void theCandidateThatJustLeftIsNotOfferedAgainAtOnce() {
        network.minPeers = 3;
        network.connect(A);
        network.connect(B);
        PeerExchange exchange = exchange();
        network.close(B); // B is learned as a candidate while not connected
        receive(exchange, A, new PeerGroupPacket(List.of(entry(1), new PeerGroupPacket.Entry(B.value(), "10.2.5.5", 7700))));
        network.offered.clear();

        exchange.peerEvent(disconnected(B));

        assertEquals(List.of(ExchangeNetwork.id(1)), network.offered.stream().map(DiscoveredPeer::peerId).toList());
    }

    @Test
    void aLossThatLeavesMinPeersDoesNothing() {
        network.minPeers = 2;
        network.connect(A);
        network.connect(B);
        PeerExchange exchange = exchange();
        receive(exchange, A, new PeerGroupPacket(entries(1, 4)));

        exchange.peerEvent(disconnected(C));

        assertTrue(network.offered.isEmpty());
        assertTrue(network.sent.isEmpty());
    }

    @Test
    void aLossWithNobodyConnectedOnlyOffers() {
        network.minPeers = 3;
        network.connect(A);
        PeerExchange exchange = exchange();
        receive(exchange, A, new PeerGroupPacket(entries(1, 4)));
        network.close(A);
        network.offered.clear();

        exchange.peerEvent(disconnected(A));

        assertEquals(3, network.offered.size());
        assertTrue(network.sent.isEmpty(), "nobody to ask");
    }

    @Test
    void onePeerIsAskedAtMostTwiceAMinuteWhateverHappens() {
        network.minPeers = 5;
        network.connect(A);
        PeerExchange exchange = exchange();

        for (int i = 0; i < 4; i++) {
            exchange.peerEvent(disconnected(ExchangeNetwork.id(3000 + i)));
        }

        assertEquals(PeerExchange.OWN_REQUESTS_PER_MINUTE_PER_PEER, network.sentTo(A).size());
        clock.advance(minutes(1));
        exchange.peerEvent(disconnected(ExchangeNetwork.id(3100)));
        assertEquals(PeerExchange.OWN_REQUESTS_PER_MINUTE_PER_PEER + 1, network.sentTo(A).size());
    }

    @Test
    void aFailingNetworkDoesNotReachTheCaller() {
        network.minPeers = 3;
        PeerExchange exchange = exchange();
        network.offerOutcome = p -> {
            throw new IllegalStateException("core stopping");
        };
        network.connect(A);
        receive(exchange, A, new PeerGroupPacket(entries(1, 2)));

        exchange.peerEvent(disconnected(B));

        assertEquals(2 + 2, network.offered.size(), "each candidate tried once per round");
    }
}
