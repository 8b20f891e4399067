package org.p2pnet.handler.peergroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.discovery.OfferOutcome;
import org.p2pnet.api.packet.PeerGroupPacket;

/** Taking offered peers: caps, checks, the candidate book, and offers to the core. */
class AcceptTest extends ExchangeFixture {
    private static final PeerId SENDER = ExchangeNetwork.id(1000);
    private static final PeerId OTHER_SENDER = ExchangeNetwork.id(2000);

    /** Enough channels that nothing is offered: the book only fills. */
    private void holdMinPeers() {
        for (int n = 0; n < network.minPeers; n++) {
            network.connect(ExchangeNetwork.id(5000 + n));
        }
    }

    private static long dropped(PeerExchange exchange, Drop reason) {
        return exchange.stats().entriesDropped().get(reason);
    }

    @Test
    void offeredPeersBecomeCandidates() {
        holdMinPeers();
        PeerExchange exchange = exchange();

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 3)));

        assertEquals(3, exchange.candidates().size());
        CandidateBook.Candidate c = exchange.candidates().get(ExchangeNetwork.id(2)).orElseThrow();
        assertEquals(new PeerAddress("10.2.0.3", 7002), c.address());
        assertEquals(SENDER, c.from());
        assertEquals(NOW, c.learned());
        assertEquals(3, exchange.stats().entriesAccepted());
        assertTrue(network.offered.isEmpty(), "at minPeers nothing is offered");
    }

    @Test
    void atMostAcceptPerPacketEntriesOfOnePacketAreTaken() {
        holdMinPeers();
        PeerExchange exchange = exchange("acceptPerPacket", 32);

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 40)));

        assertEquals(32, exchange.candidates().size());
        assertTrue(exchange.candidates().get(ExchangeNetwork.id(32)).isPresent());
        assertTrue(exchange.candidates().get(ExchangeNetwork.id(33)).isEmpty(), "the first entries are the ones taken");
        assertEquals(8, dropped(exchange, Drop.PACKET_CAP));
    }

    @Test
    void atMostAcceptPerMinutePerChannelEntriesAreTaken() {
        holdMinPeers();
        PeerExchange exchange = exchange("acceptPerPacket", 32, "acceptPerMinutePerChannel", 50);

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 32)));
        receive(exchange, SENDER, new PeerGroupPacket(entries(101, 32)));

        assertEquals(50, exchange.candidates().size());
        assertEquals(14, dropped(exchange, Drop.ENTRY_RATE));

        receive(exchange, OTHER_SENDER, new PeerGroupPacket(entries(201, 10)));
        assertEquals(60, exchange.candidates().size(), "another channel has its own allowance");

        receive(exchange, SENDER, new PeerGroupPacket(entries(301, 1)));
        assertEquals(15, dropped(exchange, Drop.ENTRY_RATE));
        clock.advance(minutes(1));
        receive(exchange, SENDER, new PeerGroupPacket(entries(301, 1)));
        assertEquals(61, exchange.candidates().size(), "a new minute, a new allowance");
    }

    @Test
    void entriesWhoseIdIsNotAPeerIdAreSkippedAndCounted() {
        holdMinPeers();
        PeerExchange exchange = exchange();
        List<PeerGroupPacket.Entry> mixed = new ArrayList<>(entries(1, 2));
        mixed.add(new PeerGroupPacket.Entry("xyz", "10.2.9.1", 7000));
        mixed.add(new PeerGroupPacket.Entry("g".repeat(64), "10.2.9.2", 7000));
        mixed.add(new PeerGroupPacket.Entry("", "10.2.9.3", 7000));

        receive(exchange, SENDER, new PeerGroupPacket(mixed));

        assertEquals(2, exchange.candidates().size());
        assertEquals(3, dropped(exchange, Drop.INVALID_ID));
        assertEquals(2, exchange.stats().entriesAccepted());
    }

    @Test
    void eachUnusualDropIsLoggedOnceNamingThePeerAndTheReason() {
        holdMinPeers();
        PeerExchange exchange = exchange("acceptPerPacket", 2);
        PeerGroupPacket bad = new PeerGroupPacket(List.of(new PeerGroupPacket.Entry("xyz", "10.2.9.1", 7000)));

        String first = stderrOf(() -> {
            receive(exchange, SENDER, bad);
            receive(exchange, SENDER, new PeerGroupPacket(entries(1, 3)));
        });
        String later = stderrOf(() -> {
            receive(exchange, OTHER_SENDER, bad);
            receive(exchange, OTHER_SENDER, new PeerGroupPacket(entries(1, 3)));
        });

        assertEquals(2, first.lines().count(), first);
        assertTrue(first.contains("Dropped 1 PEER_GROUP entries from " + SENDER.shortForm()
                + ": peerId is not a peer id (peer id must be 64 hex digits, got 3 characters)"), first);
        assertTrue(first.contains("beyond acceptPerPacket in one packet (3 entries, at most 2 are taken)"), first);
        assertEquals("", later, "further drops are only counted");
        assertEquals(2, dropped(exchange, Drop.INVALID_ID));
        assertEquals(2, dropped(exchange, Drop.PACKET_CAP));
    }

    @Test
    void sharingThisNodeOrConnectedPeersIsNormalAndNotLogged() {
        holdMinPeers();
        PeerExchange exchange = exchange();

        String log = stderrOf(() -> receive(exchange, SENDER, new PeerGroupPacket(List.of(
                new PeerGroupPacket.Entry(ExchangeNetwork.SELF.value(), "10.2.9.1", 7700),
                new PeerGroupPacket.Entry(ExchangeNetwork.id(5000).value(), "10.2.9.2", 7700)))));

        assertEquals("", log);
    }

    @Test
    void thisNodeAndConnectedPeersAreSkipped() {
        holdMinPeers();
        PeerId connected = ExchangeNetwork.id(7);
        network.connect(connected);
        PeerExchange exchange = exchange();
        List<PeerGroupPacket.Entry> list = new ArrayList<>(entries(1, 1));
        list.add(new PeerGroupPacket.Entry(ExchangeNetwork.SELF.value().toUpperCase(), "10.2.9.1", 7700));
        list.add(entry(7));

        receive(exchange, SENDER, new PeerGroupPacket(list));

        assertEquals(1, exchange.candidates().size());
        assertEquals(1, dropped(exchange, Drop.SELF));
        assertEquals(1, dropped(exchange, Drop.CONNECTED));
    }

    @Test
    void candidatesAreOfferedWhileBelowMinPeersOnlyAsManyAsMissing() {
        network.minPeers = 3;
        network.connect(SENDER);
        PeerExchange exchange = exchange();

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 5)));

        assertEquals(2, network.offered.size(), "two channels are missing");
        DiscoveredPeer first = network.offered.get(0);
        assertEquals(ExchangeNetwork.id(5), first.peerId(), "newest first");
        assertEquals(List.of(new PeerAddress("10.2.0.6", 7005)), first.addresses());
        assertEquals(PeerExchange.SOURCE, first.source());
        assertEquals(NOW, first.at());
        assertEquals(5, exchange.candidates().size(), "offered candidates stay candidates");
        assertEquals(2, exchange.stats().offers().get(OfferOutcome.DIALLING));
    }

    @Test
    void candidatesTheCoreWillNotDialNowArePassedOver() {
        network.minPeers = 2;
        network.connect(SENDER);
        network.offerOutcome = p -> p.peerId().equals(ExchangeNetwork.id(5)) ? OfferOutcome.BACKING_OFF
                : p.peerId().equals(ExchangeNetwork.id(4)) ? OfferOutcome.SELF : OfferOutcome.DIALLING;
        PeerExchange exchange = exchange();

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 5)));

        assertEquals(List.of(ExchangeNetwork.id(5), ExchangeNetwork.id(4), ExchangeNetwork.id(3)),
                network.offered.stream().map(DiscoveredPeer::peerId).toList());
        assertTrue(exchange.candidates().get(ExchangeNetwork.id(4)).isEmpty(), "the core says that one is us");
        assertEquals(3, exchange.stats().offered());
    }

    @Test
    void noMoreOffersOnceTheCoreCannotDial() {
        network.minPeers = 5;
        network.offerOutcome = p -> OfferOutcome.LIMIT_REACHED;
        PeerExchange exchange = exchange();

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 5)));

        assertEquals(1, network.offered.size());
        assertEquals(1, exchange.stats().offers().get(OfferOutcome.LIMIT_REACHED));
    }

    @Test
    void aPacketWithNothingNewOffersNothing() {
        network.minPeers = 3;
        PeerExchange exchange = exchange();

        receive(exchange, SENDER, new PeerGroupPacket(List.of(new PeerGroupPacket.Entry("bad", "10.2.9.1", 7000))));

        assertTrue(network.offered.isEmpty());
    }

    @Test
    void zeroAcceptPerPacketIgnoresOfferedPeers() {
        PeerExchange exchange = exchange("acceptPerPacket", 0);

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 3)));

        assertEquals(0, exchange.candidates().size());
        assertEquals(3, dropped(exchange, Drop.PACKET_CAP));
        assertTrue(network.offered.isEmpty());
    }

    @Test
    void aRequestThatAlsoOffersPeersIsAnsweredAndItsPeersTaken() {
        holdMinPeers();
        network.know(ExchangeNetwork.id(50), "10.3.0.50", 7700, NOW, false);
        PeerExchange exchange = exchange();

        receive(exchange, SENDER, new PeerGroupPacket(entries(1, 2), 4));

        assertEquals(1, network.sentTo(SENDER).size());
        assertEquals(2, exchange.candidates().size());
    }
}
