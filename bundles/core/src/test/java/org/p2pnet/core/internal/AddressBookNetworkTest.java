package org.p2pnet.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.AddressBookEntry;
import org.p2pnet.api.ChannelException;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerAddress;
import org.p2pnet.api.PeerChannel;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.discovery.DiscoveredPeer;
import org.p2pnet.api.packet.DisconnectPacket;
import org.p2pnet.api.packet.RawPacket;

/** The address book as the core keeps it: offers, dials, inbound channels, the file, dial candidates. */
class AddressBookNetworkTest extends NodeTestSupport {
    final MutableClock clock = MutableClock.atNow();

    private void start(Object... config) {
        node = TestNode.start(dir, clock, AddressBookTest.fixed(0.5), config);
    }

    private static DiscoveredPeer found(RemotePeer peer, String source, PeerAddress... at) {
        return new DiscoveredPeer(peer.id, List.of(at), source, Instant.now());
    }

    private AddressBookEntry entry(PeerId id) {
        return node.network.addressBook().stream().filter(e -> e.peerId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError(id.shortForm() + " is not in the address book"));
    }

    private Set<PeerId> candidates() {
        return node.network.dialCandidates(100).stream().map(AddressBookEntry::peerId).collect(Collectors.toSet());
    }

    private static PeerAddress at(String host) {
        return new PeerAddress(host, 7700);
    }

    // ---------------------------------------------------------------- sources and outcomes

    @Test
    void offersEnterTheBookWithTheirNormalizedSourceAndTheirDialOutcome() {
        start();
        RemotePeer lan = new RemotePeer();
        RemotePeer genesis = new RemotePeer();
        RemotePeer exchange = new RemotePeer();
        node.transport.answer(at("10.0.0.1"), lan.identity(7700));
        node.transport.answer(at("10.1.0.1"), genesis.identity(7700));

        node.network.offer(found(lan, "lan-discovery", at("10.0.0.1")));
        node.network.offer(found(genesis, "genesis", at("10.1.0.1")));
        node.network.offer(found(exchange, "peer-exchange", at("10.2.0.1")));

        AddressBookEntry l = entry(lan.id);
        assertEquals("lan", l.source());
        assertTrue(l.connected());
        assertEquals(Optional.of(clock.instant()), l.lastSuccess());
        assertEquals(Optional.of(clock.instant()), l.lastAttempt());
        assertEquals("genesis", entry(genesis.id).source());
        AddressBookEntry x = entry(exchange.id);
        assertEquals("peer-exchange", x.source());
        assertFalse(x.connected());
        assertEquals(1, x.failures(), "the dial the offer started failed");
        assertEquals(Optional.of(clock.instant()), x.lastAttempt());
        assertTrue(x.lastSuccess().isEmpty());
    }

    @Test
    void anOperatorsConnectEntersTheBookAsManualAtTheDialledAddress() {
        start();
        RemotePeer peer = new RemotePeer();
        node.transport.answer(at("10.0.0.5"), peer.identity(9999));

        Await.result(node.network.connect(at("10.0.0.5")));

        AddressBookEntry e = entry(peer.id);
        assertEquals("manual", e.source());
        assertEquals(at("10.0.0.5"), e.address(), "the dialled address, not the advertised port");
        assertEquals("10.0", e.group());
        assertEquals(0, e.failures());
    }

    @Test
    void aFailedConnectCountsForTheEntryAtThatAddressAndASuccessResetsIt() {
        start();
        RemotePeer peer = new RemotePeer();
        node.network.offer(found(peer, "genesis", at("10.0.0.5")));
        assertEquals(1, entry(peer.id).failures());
        clock.advance(Duration.ofSeconds(3));
        assertInstanceOf(ChannelException.class, Await.failure(node.network.connect(at("10.0.0.5"))));
        assertEquals(2, entry(peer.id).failures());
        assertEquals(Optional.of(clock.instant()), entry(peer.id).lastAttempt());

        node.transport.answer(at("10.0.0.5"), peer.identity(7700));
        clock.advance(Duration.ofSeconds(5));
        Await.result(node.network.connect(at("10.0.0.5")));

        AddressBookEntry e = entry(peer.id);
        assertEquals(0, e.failures());
        assertEquals(Optional.of(clock.instant()), e.lastSuccess());
        assertEquals("genesis", e.source(), "the first source stays");
    }

    @Test
    void anInboundPeerEntersTheBookAtItsObservedHostAndAdvertisedListenPort() {
        start();
        RemotePeer advertising = new RemotePeer();
        RemotePeer silent = new RemotePeer();

        node.transport.inbound(FakeTransport.socket("10.3.0.7", 50123), advertising.identity(7711));
        node.transport.inbound(FakeTransport.socket("10.3.0.8", 50124), silent.identity(0));

        AddressBookEntry e = entry(advertising.id);
        assertEquals("inbound", e.source());
        assertEquals(new PeerAddress("10.3.0.7", 7711), e.address());
        assertTrue(e.connected());
        assertTrue(e.lastSuccess().isPresent());
        assertTrue(node.network.addressBook().stream().noneMatch(x -> x.peerId().equals(silent.id)),
                "a peer without a listen port cannot be dialled");
    }

    @Test
    void anInboundChannelMovesAKnownEntryButKeepsItsSource() {
        start();
        RemotePeer peer = new RemotePeer();
        node.network.offer(found(peer, "lan-multicast", at("10.0.0.9")));

        node.transport.inbound(FakeTransport.socket("10.4.0.1", 50000), peer.identity(7702));

        AddressBookEntry e = entry(peer.id);
        assertEquals("lan", e.source());
        assertEquals(new PeerAddress("10.4.0.1", 7702), e.address());
        assertEquals(0, e.failures());
    }

    @Test
    void thisNodeNeverEntersTheBook() {
        start();
        RemotePeer impostorAddress = new RemotePeer();
        node.network.offer(new DiscoveredPeer(node.network.peerId(), List.of(at("10.0.0.1")), "lan", Instant.now()));
        node.network.offer(found(impostorAddress, "peer-exchange", at("10.0.0.2")));
        node.transport.answer(at("10.0.0.2"), node.network.localIdentity());

        ChannelException e = assertInstanceOf(ChannelException.class,
                Await.failure(node.network.connect(at("10.0.0.2"))));

        assertEquals(DisconnectReason.SELF_CONNECTION, e.reason());
        assertTrue(node.network.addressBook().isEmpty(), "neither our id nor our address: " + node.network.addressBook());
    }

    // ---------------------------------------------------------------- the file

    @Test
    void theBookSurvivesARestartAndItsEntriesAreDialCandidatesAtOnce() {
        start();
        RemotePeer connected = new RemotePeer();
        RemotePeer failed = new RemotePeer();
        node.transport.answer(at("10.0.0.1"), connected.identity(7700));
        node.network.offer(found(connected, "genesis", at("10.0.0.1")));
        node.network.offer(found(failed, "lan", at("10.1.0.1")));
        assertTrue(node.network.dialCandidates(10).isEmpty(), "one is connected, the other backs off");
        node.close();

        node = TestNode.start(dir, clock, new Random(1));

        assertEquals(Set.of(connected.id, failed.id), candidates());
        AddressBookEntry e = entry(connected.id);
        assertEquals("genesis", e.source());
        assertEquals(at("10.0.0.1"), e.address());
        assertFalse(e.connected(), "connected state is not kept");
        assertTrue(e.lastSuccess().isPresent());
        assertEquals(1, entry(failed.id).failures());
    }

    @Test
    void aKilledNodeReconnectsFromTheLastSavedBook() {
        start();
        RemotePeer peer = new RemotePeer();
        node.transport.answer(at("10.0.0.1"), peer.identity(7700));
        node.network.offer(found(peer, "genesis", at("10.0.0.1")));
        node.network.saveAddressBook();
        // no deactivate: as after kill -9, the second node reads what was saved
        TestNode second = TestNode.start(dir, clock, new Random(1), "port", 7800);
        try {
            second.transport.answer(at("10.0.0.1"), peer.identity(7700));
            List<AddressBookEntry> dial = second.network.dialCandidates(3);
            assertEquals(List.of(peer.id), dial.stream().map(AddressBookEntry::peerId).toList());

            PeerChannel channel = Await.result(second.network.connect(dial.get(0).address()));

            assertEquals(peer.id, channel.peerId());
        } finally {
            second.close();
        }
    }

    @Test
    void aCorruptFileIsMovedAsideAtStartAndTheBookStartsEmpty() throws IOException {
        Path file = dir.resolve(AddressBook.FILE_NAME);
        Files.writeString(file, "garbage {");

        start();

        assertTrue(node.network.addressBook().isEmpty());
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> aside = files.filter(p -> p.getFileName().toString()
                    .startsWith(AddressBook.FILE_NAME + ".corrupt-")).toList();
            assertEquals(1, aside.size());
            assertEquals("garbage {", Files.readString(aside.get(0)));
        }
        node.network.offer(found(new RemotePeer(), "genesis", at("10.0.0.1")));
        node.network.saveAddressBook();
        assertTrue(Files.readString(file).contains("\"genesis\""));
    }

    @Test
    void aSaveThatFailsNamesTheFileAndTheProblem() throws IOException {
        start();
        node.network.offer(found(new RemotePeer(), "genesis", at("10.0.0.1")));
        Path file = dir.resolve(AddressBook.FILE_NAME);
        Files.createDirectories(file.resolve("in-the-way"));

        IllegalStateException e = assertThrows(IllegalStateException.class, node.network::saveAddressBook);

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(1, node.network.addressBook().size());
    }

    // ---------------------------------------------------------------- dial candidates

    @Test
    void candidatesBackOffExponentiallyFromTheLastAttempt() {
        start();
        RemotePeer peer = new RemotePeer();
        node.network.offer(found(peer, "genesis", at("10.0.0.1")));
        assertTrue(candidates().isEmpty(), "1 failure: 2 s");
        clock.advance(Duration.ofMillis(1999));
        assertTrue(candidates().isEmpty());
        clock.advance(Duration.ofMillis(1));
        assertEquals(Set.of(peer.id), candidates());

        Await.failure(node.network.connect(at("10.0.0.1")));
        clock.advance(Duration.ofMillis(3999));
        assertTrue(candidates().isEmpty(), "2 failures: 4 s");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Set.of(peer.id), candidates());
        assertEquals(candidates(), candidates(), "stable between calls");
    }

    @Test
    void candidatesLeaveOutConnectedDiallingSelfBlockedAndRetryAfterPeers() {
        start();
        PeerPolicyTest.FakePolicy policy = new PeerPolicyTest.FakePolicy();
        node.network.addPolicy(LazyService.ofInstance(policy), FakeServices.handlerRef(null, 0, "test.trust", 9));
        RemotePeer plain = new RemotePeer();
        RemotePeer connected = new RemotePeer();
        RemotePeer dialling = new RemotePeer();
        RemotePeer blockedIp = new RemotePeer();
        RemotePeer blockedPeer = new RemotePeer();
        RemotePeer retryAfter = new RemotePeer();
        node.transport.answer(at("10.1.0.1"), connected.identity(7700));
        node.transport.answer(at("10.5.0.1"), retryAfter.identity(7700));
        node.transport.answers.put(at("10.2.0.1"), a -> new CompletableFuture<>());
        for (var p : List.of(plain, connected, dialling, blockedIp, blockedPeer, retryAfter)) {
            node.network.book().offered(p.id, at("10." + (1 + List.of(connected, dialling, blockedIp, blockedPeer,
                    retryAfter).indexOf(p)) + ".0.1"), "genesis");
        }
        assertEquals(6, candidates().size());

        Await.result(node.network.connect(at("10.1.0.1")));
        node.network.connect(at("10.2.0.1"));
        policy.blockedIps.add(Addresses.literal("10.3.0.1").orElseThrow());
        policy.blockedPeers.add(blockedPeer.id);
        PeerChannel r = Await.result(node.network.connect(at("10.5.0.1")));
        node.network.recordDisconnect(r, new DisconnectPacket(DisconnectReason.TOO_MANY_CHANNELS, "busy", 600L));
        Await.until("the retry-after channel closed", () -> !r.isOpen());

        assertEquals(Set.of(plain.id), candidates());
        clock.advance(Duration.ofSeconds(601));
        assertEquals(Set.of(plain.id, retryAfter.id), candidates(), "the retry-after request ran out");
    }

    @Test
    void aPeerThatPartedDeliberatelyIsNotRedialledForTenMinutes() {
        start();
        RemotePeer leaver = new RemotePeer();
        RemotePeer dismissed = new RemotePeer();
        node.transport.answer(at("10.1.0.1"), leaver.identity(7700));
        node.transport.answer(at("10.2.0.1"), dismissed.identity(7700));
        PeerChannel a = Await.result(node.network.connect(at("10.1.0.1")));
        PeerChannel b = Await.result(node.network.connect(at("10.2.0.1")));
        // the first asks to part; this node sends the second away
        node.network.recordDisconnect(a, new DisconnectPacket(DisconnectReason.REQUESTED, "maintenance", null));
        Await.result(b.disconnect(DisconnectReason.REQUESTED, "enough"));
        Await.until("both channels closed", () -> !a.isOpen() && !b.isOpen());

        assertEquals(Set.of(), candidates(), "neither is redialled at once");
        clock.advance(PeerNetworkImpl.DELIBERATE_COOLDOWN.minusSeconds(1));
        assertEquals(Set.of(), candidates());
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Set.of(leaver.id, dismissed.id), candidates(), "after the cooldown both are candidates again");
    }

    @Test
    void candidatesComeOnePerGroupFirst() {
        start();
        for (int i = 1; i <= 3; i++) {
            node.network.book().offered(new RemotePeer().id, at("10.1.0." + i), "genesis");
            node.network.book().offered(new RemotePeer().id, at("10.2.0." + i), "genesis");
        }

        List<AddressBookEntry> two = node.network.dialCandidates(2);

        assertEquals(2, two.size());
        assertEquals(Set.of("10.1", "10.2"), two.stream().map(AddressBookEntry::group).collect(Collectors.toSet()));
        assertEquals(6, node.network.dialCandidates(100).size());
        assertTrue(node.network.dialCandidates(0).isEmpty());
        assertTrue(node.network.dialCandidates(-5).isEmpty());
    }

    // ---------------------------------------------------------------- discernChannels

    @Test
    void discernClosesChannelsThePolicyNowRefuses() {
        start();
        PeerPolicyTest.FakePolicy policy = new PeerPolicyTest.FakePolicy();
        node.network.addPolicy(LazyService.ofInstance(policy), FakeServices.handlerRef(null, 0, "test.trust", 9));
        RemotePeer bad = new RemotePeer();
        RemotePeer good = new RemotePeer();
        FakeChannel badChannel = node.transport.inbound(FakeTransport.socket("10.0.0.1", 50001), bad.identity(7700));
        FakeChannel goodChannel = node.transport.inbound(FakeTransport.socket("10.0.0.2", 50002), good.identity(7700));
        policy.blockedPeers.add(bad.id);

        var result = node.network.discernChannels(Duration.ofMinutes(60));

        assertEquals(1, result.refused());
        assertEquals(0, result.inactive());
        assertEquals(0, result.trimmed());
        assertEquals(DisconnectReason.BLOCKED, badChannel.closedWith);
        assertTrue(badChannel.closedMessage.contains("is blocked"), badChannel.closedMessage);
        assertTrue(goodChannel.open);
        assertEquals(1, node.network.rejections(DisconnectReason.BLOCKED));
    }

    @Test
    void discernClosesChannelsOnWhichNothingWasReceivedForTheLimit() {
        start();
        RemotePeer quiet = new RemotePeer();
        RemotePeer chatty = new RemotePeer();
        FakeChannel quietChannel = node.transport.inbound(FakeTransport.socket("10.0.0.1", 50001), quiet.identity(7700));
        FakeChannel chattyChannel = node.transport.inbound(FakeTransport.socket("10.0.0.2", 50002),
                chatty.identity(7700));
        clock.advance(Duration.ofMinutes(61));
        chattyChannel.receive(RawPacket.json("PING", "{\"nonce\":\"01\",\"sentAt\":1}"));
        node.network.channel(quiet.id).orElseThrow().send(RawPacket.json("PING", "{\"nonce\":\"02\",\"sentAt\":1}"));

        var result = node.network.discernChannels(Duration.ofMinutes(60));

        assertEquals(0, result.refused());
        assertEquals(1, result.inactive(), "sending does not count: nothing was received");
        assertEquals(DisconnectReason.IDLE_TIMEOUT, quietChannel.closedWith);
        assertEquals("nothing received for 1 h", quietChannel.closedMessage);
        assertTrue(chattyChannel.open);
        assertEquals(0, node.network.discernChannels(Duration.ofMinutes(60)).total(), "nothing more to close");
    }

    @Test
    void discernTrimsAboveTheHighWatermarkAndCountsIt() {
        start("highWatermark", 2, "lowWatermark", 1);
        List<FakeChannel> channels = new java.util.ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            RemotePeer p = new RemotePeer();
            channels.add(node.transport.inbound(FakeTransport.socket("10.0.0." + i, 50000 + i), p.identity(7700)));
        }
        assertEquals(3, node.network.activeChannels().size(), "ENHANCED channels are never trimmed");
        for (PeerChannel c : node.network.activeChannels()) {
            node.network.setTrustLevel(c.peerId(), org.p2pnet.api.TrustLevel.DEFAULT, "test");
        }

        var result = node.network.discernChannels(Duration.ofMinutes(60));

        assertEquals(2, result.trimmed());
        assertEquals(2, result.total());
        assertEquals(1, node.network.activeChannels().size());
        assertEquals(2, channels.stream().filter(c -> c.closedWith == DisconnectReason.TOO_MANY_CHANNELS).count());
    }

    @Test
    void discernRejectsALimitThatIsNotPositive() {
        start();
        for (Duration bad : new Duration[] {null, Duration.ZERO, Duration.ofSeconds(-1)}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> node.network.discernChannels(bad));
            assertTrue(e.getMessage().contains("inactivityLimit"), e.getMessage());
        }
    }

    @Test
    void durationsAreShownForPeople() {
        assertEquals("1 h", PeerNetworkImpl.human(Duration.ofMinutes(60)));
        assertEquals("90 min", PeerNetworkImpl.human(Duration.ofMinutes(90)));
        assertEquals("2 h", PeerNetworkImpl.human(Duration.ofHours(2)));
        assertEquals("90 s", PeerNetworkImpl.human(Duration.ofSeconds(90)));
        assertEquals("1500 ms", PeerNetworkImpl.human(Duration.ofMillis(1500)));
    }
}
