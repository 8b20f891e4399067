package org.p2pnet.handler.broadcast.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.TrustLevel;
import org.p2pnet.api.broadcast.BroadcastListener;
import org.p2pnet.api.broadcast.Broadcasts;
import org.p2pnet.api.broadcast.ReceivedBroadcast;
import org.p2pnet.api.packet.BroadcastPacket;
import org.p2pnet.api.packet.MessagePacket;
import org.p2pnet.testing.Conditions;
import org.p2pnet.testing.FakePeerChannel;

class BroadcastServiceTest {
    private static final Instant NOW = Instant.parse("2026-11-21T10:15:30Z");
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final PeerId SELF = FakePeerChannel.peer('0');
    private static final PeerId ORIGIN = FakePeerChannel.peer('9');

    private final MutableClock clock = new MutableClock(NOW);
    private final TestNetwork network = new TestNetwork(SELF);
    private final TestChannel a = channel('a');
    private final TestChannel b = channel('b');
    private final TestChannel c = channel('c');
    private final List<ReceivedBroadcast> heard = Collections.synchronizedList(new ArrayList<>());
    private final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    private final List<BroadcastService> services = new ArrayList<>();

    @AfterEach
    void stop() {
        services.forEach(BroadcastService::deactivate);
    }

    private TestChannel channel(char peer) {
        TestChannel channel = new TestChannel("tcp-" + peer, FakePeerChannel.peer(peer));
        network.channels.add(channel);
        return channel;
    }

    private BroadcastService service(BroadcastService.Config config) {
        BroadcastService service = new BroadcastService(config, network, clock);
        service.addListener(heard::add);
        service.eventAdmin = new EventAdmin() {
            @Override
            public void postEvent(Event event) {
                events.add(event);
            }

            @Override
            public void sendEvent(Event event) {
                throw new UnsupportedOperationException("must post");
            }
        };
        services.add(service);
        return service;
    }

    private BroadcastService service() {
        return service(TestConfig.defaults());
    }

    private static BroadcastPacket packet(String title, String message, long time, int hops) {
        return new BroadcastPacket(BroadcastIds.idOf(ORIGIN, time, title, message), title, message, time, ORIGIN, hops);
    }

    private static BroadcastPacket packet(String message) {
        return packet("news", message, NOW.toEpochMilli(), 5);
    }

    private void awaitHeard(int n) {
        Conditions.await(n + " broadcasts heard by the listener", WAIT, () -> heard.size() >= n);
    }

    @Test
    void theIdIsTheSha256OfTheLengthPrefixedFields() {
        String id = BroadcastIds.idOf(ORIGIN, 1_700_000_000_000L, "t", "m");
        assertEquals(64, id.length());
        assertTrue(id.matches("[0-9a-f]{64}"), id);
        assertFalse(id.equals(BroadcastIds.idOf(ORIGIN, 1_700_000_000_000L, "tm", "")), "fields are delimited");
        assertFalse(id.equals(BroadcastIds.idOf(ORIGIN, 1_700_000_000_001L, "t", "m")));
        assertFalse(id.equals(BroadcastIds.idOf(SELF, 1_700_000_000_000L, "t", "m")));
        assertEquals(id, BroadcastIds.idOf(ORIGIN, 1_700_000_000_000L, "t", "m"));
    }

    @Test
    void deliversANewBroadcastOnceAndRelaysItToEveryOtherTrustedChannel() {
        BroadcastService service = service();
        TestChannel untrusted = channel('d');
        untrusted.trust = TrustLevel.NONE;
        TestChannel enhanced = channel('e');
        enhanced.trust = TrustLevel.ENHANCED;
        TestChannel closed = channel('f');
        closed.open = false;
        BroadcastPacket p = packet("hello everyone");

        service.handle(a, p);

        awaitHeard(1);
        ReceivedBroadcast got = heard.get(0);
        assertEquals(p, got.packet());
        assertEquals(Optional.of(a.peerId()), got.from());
        assertEquals(NOW, got.receivedAt());
        assertEquals(List.of(got), service.recent(10));
        BroadcastPacket onward = new BroadcastPacket(p.id(), p.title(), p.message(), p.time(), p.origin(), 4);
        assertEquals(List.of(onward), b.sent);
        assertEquals(List.of(onward), c.sent);
        assertEquals(List.of(onward), enhanced.sent);
        assertTrue(a.sent.isEmpty(), "not back to the source");
        assertTrue(untrusted.sent.isEmpty(), "not to a channel below DEFAULT");
        assertTrue(closed.sent.isEmpty(), "not to a closed channel");
        assertEquals(new Broadcasts.Stats(0, 1, 0, 3, 0), service.stats());
        Conditions.await("the event is posted", WAIT, () -> events.size() == 1);
        Event event = events.get(0);
        assertEquals(BroadcastListener.TOPIC, event.getTopic());
        assertEquals(p.id(), event.getProperty("id"));
        assertEquals("news", event.getProperty("title"));
        assertEquals(ORIGIN.value(), event.getProperty("origin"));
        assertEquals(a.peerId().value(), event.getProperty("from"));
        assertEquals("hello everyone", event.getProperty("message"));
    }

    @Test
    void dropsLaterCopiesAsDuplicates() {
        BroadcastService service = service();
        BroadcastPacket p = packet("once");

        service.handle(a, p);
        service.handle(b, p);
        service.handle(a, p);

        awaitHeard(1);
        assertEquals(1, service.recent(10).size());
        assertEquals(2, service.stats().duplicates());
        assertEquals(1, b.sent.size(), "relayed once, to b, when it came from a");
        assertEquals(1, c.sent.size());
        assertEquals(1, service.stats().delivered());
    }

    @Test
    void aBroadcastThatArrivesWithHopLimitZeroIsDeliveredButNotRelayed() {
        BroadcastService service = service();

        service.handle(a, packet("last hop", "m", NOW.toEpochMilli(), 0));

        awaitHeard(1);
        assertTrue(b.sent.isEmpty() && c.sent.isEmpty());
        assertEquals(0, service.stats().relayed());
    }

    @Test
    void originatesToEveryTrustedChannelAndDropsItsOwnEchoes() {
        BroadcastService service = service();
        c.trust = TrustLevel.NONE;

        Broadcasts.Sent sent = service.broadcast("hello", "from me");

        BroadcastPacket p = sent.packet();
        assertEquals(2, sent.recipients());
        assertEquals(SELF, p.origin());
        assertEquals(NOW.toEpochMilli(), p.time());
        assertEquals(16, p.hopLimit());
        assertEquals(BroadcastIds.idOf(SELF, p.time(), "hello", "from me"), p.id());
        assertEquals(List.of(p), a.sent);
        assertEquals(List.of(p), b.sent);
        assertTrue(c.sent.isEmpty());
        awaitHeard(1);
        assertEquals(Optional.empty(), heard.get(0).from());

        BroadcastPacket echo = new BroadcastPacket(p.id(), p.title(), p.message(), p.time(), p.origin(), 14);
        service.handle(b, echo);

        assertEquals(1, service.recent(10).size());
        assertEquals(1, service.stats().duplicates());
        assertEquals(1, a.sent.size(), "the echo is not relayed");
        assertEquals(new Broadcasts.Stats(1, 1, 1, 0, 0), service.stats());
    }

    @Test
    void refusesAnIdThatIsNotTheHashOfTheContentWithoutSuppressingTheRealOne() {
        BroadcastService service = service();
        BroadcastPacket real = packet("the real one");
        BroadcastPacket forged = new BroadcastPacket(real.id(), real.title(), "something else", real.time(),
                real.origin(), real.hopLimit());

        service.handle(a, forged);

        assertEquals(1, service.refused(Refusal.ID_MISMATCH));
        assertTrue(service.recent(10).isEmpty());
        assertTrue(b.sent.isEmpty());

        service.handle(b, real);

        awaitHeard(1);
        assertEquals("the real one", heard.get(0).packet().message());
        assertEquals(1, service.stats().refused());
    }

    @Test
    void refusesBroadcastsFromAChannelBelowDefault() {
        BroadcastService service = service();
        a.trust = TrustLevel.NONE;

        service.handle(a, packet("untrusted"));

        assertEquals(1, service.refused(Refusal.UNTRUSTED));
        assertTrue(service.recent(10).isEmpty());
        assertTrue(b.sent.isEmpty());

        a.trust = TrustLevel.DEFAULT;
        service.handle(a, packet("untrusted"));
        assertEquals(1, service.recent(10).size(), "not marked seen when refused");
    }

    @Test
    void refusesAMessageOverTheConfiguredSizeReceivedOrOriginated() {
        BroadcastService service = service(TestConfig.of(16, 100, 100_000, 60, 50, 1000));

        service.handle(a, packet("x".repeat(101)));
        service.handle(a, packet("x".repeat(100)));

        assertEquals(1, service.refused(Refusal.TOO_LARGE));
        assertEquals(1, service.count("TOO_LARGE"), "published as InputDrops: " + service.counts());
        assertEquals(java.util.Arrays.stream(Refusal.values()).map(Enum::name).toList(),
            java.util.List.copyOf(service.counts().keySet()), "every kind listed, zeros too");
        assertEquals(1, service.recent(10).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> service.broadcast("t", "y".repeat(101)));
        assertEquals("message is longer than 100 characters (101)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> service.broadcast("t".repeat(257), "y"));
        assertEquals(0, service.stats().originated());
    }

    @Test
    void limitsNewBroadcastsPerChannelPerSecondAndLogsOnce() {
        BroadcastService service = service(TestConfig.of(16, 65_536, 100_000, 60, 3, 1000));

        for (int i = 0; i < 6; i++) {
            service.handle(a, packet("burst " + i));
        }
        service.handle(b, packet("other channel"));

        assertEquals(3, service.refused(Refusal.RATE_LIMITED));
        assertEquals(4, service.recent(10).size());
        assertEquals(1, service.refusalLogLines(), "logged once");

        service.handle(a, packet("burst 5"));
        assertEquals(4, service.refused(Refusal.RATE_LIMITED), "a dropped one was not marked seen: still refused");
        clock.advance(Duration.ofSeconds(1));
        service.handle(a, packet("burst 5"));
        assertEquals(5, service.recent(10).size(), "the next second it is taken");
        service.handle(a, packet("burst 5"));
        assertEquals(1, service.stats().duplicates(), "duplicates do not use the rate");
    }

    @Test
    void refusesBroadcastsOutsideTheTimeWindow() {
        BroadcastService service = service();
        long now = NOW.toEpochMilli();

        service.handle(a, packet("t", "too old", now - Duration.ofMinutes(61).toMillis(), 5));
        service.handle(a, packet("t", "too far ahead", now + Duration.ofMinutes(6).toMillis(), 5));
        service.handle(a, packet("t", "old enough", now - Duration.ofMinutes(59).toMillis(), 5));
        service.handle(a, packet("t", "a bit ahead", now + Duration.ofMinutes(4).toMillis(), 5));

        assertEquals(2, service.refused(Refusal.OUT_OF_TIME_WINDOW));
        assertEquals(List.of("a bit ahead", "old enough"),
                service.recent(10).stream().map(r -> r.packet().message()).toList());
    }

    @Test
    void theSeenCacheIsBounded() {
        BroadcastService service = service(TestConfig.of(16, 65_536, 100, 60, 10_000, 1000));
        BroadcastPacket first = packet("number 0");

        service.handle(a, first);
        for (int i = 1; i < 150; i++) {
            service.handle(a, packet("number " + i));
        }

        assertEquals(100, service.seenSize());
        assertEquals(50, service.seenEvicted());
        service.handle(a, first);
        assertEquals(151, service.stats().delivered(), "an evicted id is new again: the bound is a trade-off");
        service.handle(a, packet("number 149"));
        assertEquals(1, service.stats().duplicates());
    }

    @Test
    void theSeenCacheExpiresAndAnExpiredBroadcastCannotComeBack() {
        BroadcastService service = service(TestConfig.of(16, 65_536, 100_000, 10, 50, 1000));
        BroadcastPacket now = packet("now");
        BroadcastPacket ahead = packet("t", "ahead", NOW.plus(Duration.ofMinutes(4)).toEpochMilli(), 5);
        service.handle(a, now);
        service.handle(a, ahead);
        assertEquals(2, service.seenSize());

        clock.advance(Duration.ofMinutes(11));
        service.handle(b, now);
        assertEquals(0, service.stats().duplicates());
        assertEquals(1, service.refused(Refusal.OUT_OF_TIME_WINDOW), "forgotten, and too old to be taken again");
        service.handle(b, ahead);
        assertEquals(1, service.stats().duplicates(), "remembered until 10 min after its own time");

        clock.advance(Duration.ofMinutes(4));
        service.handle(c, packet("t", "fresh", clock.millis(), 5));
        assertEquals(1, service.seenSize(), "expired ids are purged");
        service.handle(b, ahead);
        assertEquals(2, service.refused(Refusal.OUT_OF_TIME_WINDOW));
        assertEquals(3, service.stats().delivered());
    }

    @Test
    void refusesAPacketThatIsNotABroadcast() {
        BroadcastService service = service();

        service.handle(a, new MessagePacket("m-1", "hi", 1L));

        assertEquals(1, service.refused(Refusal.MALFORMED));
        assertTrue(b.sent.isEmpty());
    }

    @Test
    void aFailingListenerDoesNotStopTheOthersNorTheRelay() {
        BroadcastService service = service();
        service.addListener(broadcast -> {
            throw new IllegalStateException("listener bug");
        });
        List<ReceivedBroadcast> second = Collections.synchronizedList(new ArrayList<>());
        service.addListener(second::add);

        service.handle(a, packet("robust"));

        Conditions.await("the last listener heard it", WAIT, () -> second.size() == 1);
        assertEquals(1, heard.size());
        assertEquals(1, service.listenerFailures());
        assertEquals(1, b.sent.size());
    }

    @Test
    void aFailingSendIsCountedAndTheOtherChannelsStillGetIt() {
        BroadcastService service = service();
        b.onSend = packet -> {
            throw new IllegalStateException("write buffer over its hard limit");
        };

        service.handle(a, packet("partial"));

        assertEquals(1, c.sent.size());
        assertEquals(1, service.relayFailures());
        assertEquals(1, service.stats().relayed());
    }

    @Test
    void anInvalidConfigurationIsRejectedAndThePreviousStays() {
        BroadcastService service = service(TestConfig.of(8, 1000, 1000, 30, 20, 100));
        BroadcastSettings before = service.settings();

        service.modified(TestConfig.of(0, 1000, 1000, 30, 20, 100));
        service.modified(TestConfig.of(8, 70_000, 1000, 30, 20, 100));
        service.modified(TestConfig.of(8, 1000, 10, 30, 20, 100));

        assertEquals(3, service.rejectedConfigurations());
        assertEquals(before, service.settings());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BroadcastSettings.from(TestConfig.of(0, 1000, 1000, 30, 20, 100)));
        assertEquals("invalid configuration of org.p2pnet.handler.broadcast: hopLimit = 0 must be 1-64", e.getMessage());

        service.modified(TestConfig.of(3, 1000, 1000, 30, 20, 2));
        assertEquals(3, service.broadcast("", "live").packet().hopLimit());
        service.broadcast("", "two");
        service.broadcast("", "three");
        assertEquals(List.of("three", "two"), service.recent(10).stream().map(r -> r.packet().message()).toList());
    }

    @Test
    void aValueThatIsNotAnIntegerIsRejectedNamingTheKey() {
        BroadcastService.Config base = TestConfig.of(8, 1000, 1000, 30, 20, 100);
        BroadcastService service = service(base);
        BroadcastService.Config notANumber = new BroadcastService.Config() {
            @Override
            public int hopLimit() {
                return base.hopLimit();
            }

            @Override
            public int maxMessageChars() {
                return base.maxMessageChars();
            }

            @Override
            public int seenCacheSize() {
                return base.seenCacheSize();
            }

            @Override
            public int seenTtlMinutes() {
                throw new NumberFormatException("For input string: \"an hour\"");
            }

            @Override
            public int maxPerSecondPerChannel() {
                return base.maxPerSecondPerChannel();
            }

            @Override
            public int recentSize() {
                return base.recentSize();
            }

            @Override
            public Class<? extends java.lang.annotation.Annotation> annotationType() {
                return BroadcastService.Config.class;
            }
        };

        service.modified(notANumber);

        assertEquals(1, service.rejectedConfigurations());
        assertEquals(Duration.ofMinutes(30), service.settings().seenTtl());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BroadcastSettings.from(notANumber));
        assertEquals("invalid configuration of org.p2pnet.handler.broadcast: seenTtlMinutes = ? is not an integer"
                + " (For input string: \"an hour\")", e.getMessage());
    }

    @Test
    void anInvalidConfigurationAtStartLeavesTheDefaults() {
        BroadcastService service = service(TestConfig.of(16, 65_536, 100_000, 0, 50, 1000));

        assertEquals(BroadcastSettings.DEFAULTS, service.settings());
        assertEquals(1, service.rejectedConfigurations());
    }

    @Test
    void deactivationStopsTheDeliveryThread() throws Exception {
        BroadcastService service = new BroadcastService(TestConfig.defaults(), network, clock);
        service.handle(a, packet("before"));

        service.deactivate();

        assertTrue(service.deliveryExecutor().isTerminated());
        assertEquals(0, service.seenSize());
        service.handle(a, packet("after"));
        assertEquals(1, service.deliveriesDropped(), "delivered to nobody once stopped, without an exception");
    }
}
