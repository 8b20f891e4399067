package org.p2pnet.handler.peergroup.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.api.packet.PeerGroupPacket;
import org.p2pnet.testing.FakePeerChannel;

/** Answering requests: how many, which peers, how often. */
class AnswerTest extends ExchangeFixture {
    private static final PeerId REQUESTER = ExchangeNetwork.id(1000);

    /** Peers 1..count, seen a minute ago, not connected, dialable. */
    private void knowRecentPeers(int count) {
        for (int n = 1; n <= count; n++) {
            network.know(ExchangeNetwork.id(n), "10.3.0." + n, 7700, NOW.minus(minutes(1)), false);
        }
    }

    private PeerGroupPacket onlyAnswer() {
        List<PeerGroupPacket> answers = network.sentTo(REQUESTER);
        assertEquals(1, answers.size(), "answers: " + answers);
        return answers.get(0);
    }

    private static Set<String> ids(PeerGroupPacket answer) {
        Set<String> ids = new HashSet<>();
        answer.peers().forEach(e -> ids.add(e.peerId()));
        assertEquals(answer.peers().size(), ids.size(), "a peer twice in " + answer);
        return ids;
    }

    @Test
    void answersWithAsManyPeersAsWantedAndNoRequestOfItsOwn() {
        knowRecentPeers(50);
        PeerExchange exchange = exchange();

        receive(exchange, REQUESTER, PeerGroupPacket.request(10));

        PeerGroupPacket answer = onlyAnswer();
        assertEquals(10, ids(answer).size());
        assertFalse(answer.isRequest(), "an answer never asks back");
        PeerGroupPacket.Entry first = answer.peers().get(0);
        assertEquals("10.3.0." + Integer.parseInt(first.peerId(), 16), first.host());
        assertEquals(7700, first.port());
        assertEquals(1, exchange.stats().answered());
    }

    @Test
    void answerMaxCapsWhatARequestWants() {
        knowRecentPeers(50);
        PeerExchange exchange = exchange("answerMax", 5);

        receive(exchange, REQUESTER, PeerGroupPacket.request(PeerGroupPacket.MAX_WANT));

        assertEquals(5, ids(onlyAnswer()).size());
    }

    @Test
    void fewerKnownPeersThanWantedAreAllSentAndNoneIsAnEmptyAnswer() {
        knowRecentPeers(3);
        PeerExchange exchange = exchange();
        receive(exchange, REQUESTER, PeerGroupPacket.request(16));
        assertEquals(Set.of(ExchangeNetwork.id(1).value(), ExchangeNetwork.id(2).value(), ExchangeNetwork.id(3).value()),
                ids(onlyAnswer()));

        network.known.clear();
        network.sent.clear();
        receive(exchange, REQUESTER, PeerGroupPacket.request(16));
        assertEquals(new PeerGroupPacket(List.of()), onlyAnswer());
    }

    @Test
    void sharesOnlyOtherPeersConnectedOrRecentlySeenThatCanBeDialled() {
        PeerId recent = ExchangeNetwork.id(1);
        PeerId stale = ExchangeNetwork.id(2);
        PeerId staleButConnected = ExchangeNetwork.id(3);
        PeerId justInTime = ExchangeNetwork.id(4);
        PeerId noListenPort = ExchangeNetwork.id(5);
        PeerId onLoopback = ExchangeNetwork.id(6);
        network.know(recent, "10.3.0.1", 7700, NOW.minus(minutes(29)), false);
        network.know(stale, "10.3.0.2", 7700, NOW.minus(minutes(31)), false);
        network.know(staleButConnected, "10.3.0.3", 7700, NOW.minus(minutes(90)), true);
        network.know(justInTime, "10.3.0.4", 7700, NOW.minus(minutes(30)), false);
        // an inbound peer that advertised no listen port: the core knows it at the port it dialled from
        network.know(noListenPort, "10.3.0.5", 7700, NOW, true);
        network.inbound(noListenPort, "10.3.0.5:7700");
        network.know(onLoopback, "127.0.0.1", 7701, NOW, false);
        network.know(REQUESTER, "10.3.0.7", 7700, NOW, true);
        network.know(ExchangeNetwork.SELF, "10.3.0.8", 7700, NOW, false);
        PeerExchange exchange = exchange();

        receive(exchange, REQUESTER, PeerGroupPacket.request(64));

        assertEquals(Set.of(recent.value(), staleButConnected.value(), justInTime.value()), ids(onlyAnswer()));
    }

    @Test
    void aLoopbackRequesterIsToldOfLoopbackPeers() {
        PeerId onLoopback = ExchangeNetwork.id(6);
        network.know(onLoopback, "127.0.0.1", 7701, NOW, false);
        PeerChannel fromLoopback = new FakePeerChannel(REQUESTER, "127.0.0.1:40000", ChannelDirection.INBOUND);
        PeerExchange exchange = exchange();

        exchange.handle(fromLoopback, PeerGroupPacket.request(4));

        assertEquals(Set.of(onLoopback.value()), ids(onlyAnswer()));
    }

    @Test
    void aPeerThatLaterAdvertisesAListenPortIsSharedAgain() {
        PeerId peer = ExchangeNetwork.id(5);
        network.know(peer, "10.3.0.5", 7700, NOW, true);
        network.inbound(peer, "10.3.0.5:7700");
        PeerExchange exchange = exchange();
        network.close(peer);
        network.inbound(peer, "10.3.0.5:41000"); // reconnected, advertising port 7700 this time
        exchange.peerEvent(connected(peer));

        receive(exchange, REQUESTER, PeerGroupPacket.request(4));

        assertEquals(Set.of(peer.value()), ids(network.sentTo(REQUESTER).get(network.sentTo(REQUESTER).size() - 1)));
    }

    @Test
    void theSampleIsRandomAndEveryEligiblePeerTurnsUp() {
        knowRecentPeers(5);
        PeerExchange exchange = exchange(new Random(42), "answersPerMinutePerChannel", 600);
        Map<String, Integer> times = new HashMap<>();

        for (int i = 0; i < 500; i++) {
            receive(exchange, REQUESTER, PeerGroupPacket.request(1));
        }

        network.sentTo(REQUESTER).forEach(a -> times.merge(a.peers().get(0).peerId(), 1, Integer::sum));
        assertEquals(5, times.size(), "picked: " + times);
        // expected 100 each; a uniform pick stays far from these bounds with this seed or any other
        times.values().forEach(n -> assertTrue(n > 50 && n < 150, "picked: " + times));
    }

    @Test
    void answersAreRateLimitedPerChannelPerMinute() {
        knowRecentPeers(3);
        PeerId other = ExchangeNetwork.id(2000);
        PeerExchange exchange = exchange("answersPerMinutePerChannel", 6);

        for (int i = 0; i < 8; i++) {
            receive(exchange, REQUESTER, PeerGroupPacket.request(2));
        }
        receive(exchange, other, PeerGroupPacket.request(2));

        assertEquals(6, network.sentTo(REQUESTER).size());
        assertEquals(1, network.sentTo(other).size(), "another channel has its own allowance");
        assertEquals(7, exchange.stats().answered());
        assertEquals(2, exchange.stats().requestsIgnored());

        clock.advance(minutes(1));
        receive(exchange, REQUESTER, PeerGroupPacket.request(2));
        assertEquals(7, network.sentTo(REQUESTER).size(), "a new minute, a new allowance");
    }

    @Test
    void ignoredRequestsAreLoggedOnce() {
        PeerExchange exchange = exchange("answersPerMinutePerChannel", 1);

        String log = stderrOf(() -> {
            for (int i = 0; i < 5; i++) {
                receive(exchange, REQUESTER, PeerGroupPacket.request(2));
            }
        });

        assertEquals(1, log.lines().count(), log);
        assertTrue(log.contains("Dropped 1 PEER_GROUP request from " + REQUESTER.shortForm()
                + ": over answersPerMinutePerChannel, not answered (more than 1 a minute)"), log);
        assertEquals(4, exchange.stats().requestsIgnored());
    }

    @Test
    void zeroAnswersPerMinuteNeverAnswers() {
        knowRecentPeers(3);
        PeerExchange exchange = exchange("answersPerMinutePerChannel", 0);

        receive(exchange, REQUESTER, PeerGroupPacket.request(2));

        assertTrue(network.sent.isEmpty());
        assertEquals(1, exchange.stats().requestsIgnored());
    }

    @Test
    void aPlainListOfPeersIsNotAnswered() {
        knowRecentPeers(3);
        PeerExchange exchange = exchange();

        receive(exchange, REQUESTER, new PeerGroupPacket(entries(100, 2)));

        assertTrue(network.sent.isEmpty());
        assertEquals(0, exchange.stats().answered());
    }

    @Test
    void aFailedOrRefusedSendIsNotTheHandlersProblem() {
        knowRecentPeers(3);
        PeerExchange exchange = exchange();
        network.sendResult = CompletableFuture.failedFuture(
                new ChannelException(DisconnectReason.CONNECTION_LOST, "no open channel"));

        receive(exchange, REQUESTER, PeerGroupPacket.request(2));

        assertEquals(1, network.sentTo(REQUESTER).size());
        assertEquals(1, exchange.stats().answered());
    }

    @Test
    void otherPacketTypesAreIgnored() {
        PeerExchange exchange = exchange();

        exchange.handle(FakePeerChannel.forHandler(REQUESTER), MessagePacket.of("hello"));

        assertTrue(network.sent.isEmpty());
        assertTrue(network.offered.isEmpty());
    }
}
