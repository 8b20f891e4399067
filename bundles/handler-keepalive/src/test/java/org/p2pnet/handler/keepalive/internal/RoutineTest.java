package org.p2pnet.handler.keepalive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.p2pnet.api.DisconnectReason;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.packet.PacketTypes;
import org.p2pnet.api.packet.RawPacket;
import org.p2pnet.handler.keepalive.internal.ChannelState.Phase;

/** The Keepalive routine's state machine, on a clock the test moves (defaults: idle 30 s, timeout 10 s). */
class RoutineTest {
    private final Fixture f = new Fixture();

    @Test
    void aChannelThatNeverAnswersIsPingedSuspectedAndClosedWithIdleTimeout() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        for (int t = 5; t <= 25; t += 5) {
            f.runAfter(5);
        }
        assertEquals(0, a.sent.size(), "nothing before idleSeconds");

        f.runAfter(5); // t = 30 s
        List<RawPacket> pings = a.sent(PacketTypes.PING);
        assertEquals(1, pings.size(), "silent for idleSeconds: first PING");
        assertEquals(Phase.PINGED, f.keepalive.phase(a.channelId()).orElseThrow());
        assertEquals(f.clock.millis(), Fixture.metadata(pings.get(0)).get("sentAt").longValue());

        f.runAfter(5); // 35 s: our own PING moved lastActivity, but nothing was received
        assertEquals(1, a.sent(PacketTypes.PING).size());
        assertEquals(Phase.PINGED, f.keepalive.phase(a.channelId()).orElseThrow());

        f.runAfter(5); // 40 s: timeoutSeconds after the PING
        pings = a.sent(PacketTypes.PING);
        assertEquals(2, pings.size(), "suspect: second PING");
        assertNotEquals(Fixture.nonce(pings.get(0)), Fixture.nonce(pings.get(1)), "every PING has its own nonce");
        assertEquals(Phase.SUSPECT, f.keepalive.phase(a.channelId()).orElseThrow());
        assertEquals(1, f.keepalive.stats().suspected());
        assertTrue(a.disconnects.isEmpty());

        f.runAfter(5); // 45 s
        assertTrue(a.disconnects.isEmpty());

        f.runAfter(5); // 50 s: timeoutSeconds after the second PING
        assertEquals(List.of(new TestChannel.Disconnect(DisconnectReason.IDLE_TIMEOUT,
                "no answer to 2 keepalive pings within 10 s")), a.disconnects);
        assertEquals(1, f.keepalive.stats().closed());
        assertEquals(Phase.CLOSING, f.keepalive.phase(a.channelId()).orElseThrow());

        f.runAfter(5); // the core still lists it a moment: no second disconnect, no more PINGs
        assertEquals(1, a.disconnects.size());
        assertEquals(2, a.sent(PacketTypes.PING).size());
    }

    @Test
    void aChannelThatAnswersStays() {
        TestChannel a = f.open('a');
        Set<String> answered = new HashSet<>();
        f.keepalive.run();
        for (int i = 0; i < 120; i++) { // ten minutes
            f.runAfter(5);
            for (RawPacket ping : a.sent(PacketTypes.PING)) {
                String nonce = Fixture.nonce(ping);
                if (answered.add(nonce)) {
                    f.clock.advance(Duration.ofMillis(40));
                    a.received(f.clock.instant());
                    f.keepalive.handlePong(a, Fixture.pong(nonce));
                }
            }
        }
        assertTrue(a.disconnects.isEmpty());
        KeepaliveStats s = f.keepalive.stats();
        assertEquals(0, s.suspected());
        assertTrue(s.pingsSent() >= 15, "pinged about every idleSeconds: " + s);
        assertEquals(s.pingsSent(), s.pongsMatched());
        assertEquals(Duration.ofMillis(40), f.keepalive.lastRtt(a.channelId()).orElseThrow());
    }

    @Test
    void aChannelWithTrafficIsNeverPinged() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        for (int i = 0; i < 60; i++) {
            f.advance(3);
            a.received(f.clock.instant());
            f.advance(2);
            f.keepalive.run();
        }
        assertEquals(0, a.sent.size());
        assertTrue(a.disconnects.isEmpty());
    }

    @Test
    void anyPacketAfterTheFirstPingClearsTheSuspicion() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        f.runAfter(30);
        assertEquals(1, a.sent(PacketTypes.PING).size());

        f.advance(2);
        a.received(f.clock.instant()); // a MESSAGE, say: not a PONG
        f.runAfter(3); // 35 s
        assertEquals(Phase.HEALTHY, f.keepalive.phase(a.channelId()).orElseThrow());
        f.runAfter(5); // 40 s: would have been the second PING
        f.runAfter(5);
        f.runAfter(5); // 50 s: would have been the close
        assertEquals(1, a.sent(PacketTypes.PING).size());
        assertTrue(a.disconnects.isEmpty());
        assertEquals(1, f.keepalive.stats().cleared());
        assertEquals(0, f.keepalive.stats().suspected());

        f.runAfter(15); // 65 s: silent for idleSeconds since that packet was seen (35 s)
        assertEquals(2, a.sent(PacketTypes.PING).size());
    }

    @Test
    void aPacketWhileSuspectClearsTheSuspicion() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        f.runAfter(30);
        f.runAfter(10);
        assertEquals(Phase.SUSPECT, f.keepalive.phase(a.channelId()).orElseThrow());

        f.advance(2);
        a.received(f.clock.instant());
        f.runAfter(3);
        f.runAfter(5); // 50 s: would have been the close
        assertTrue(a.disconnects.isEmpty());
        assertEquals(Phase.HEALTHY, f.keepalive.phase(a.channelId()).orElseThrow());
    }

    @Test
    void aLatePongToTheFirstPingClearsTheSuspicionAtOnce() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        f.runAfter(30);
        String first = Fixture.nonce(a.sent(PacketTypes.PING).get(0));
        f.runAfter(10);
        assertEquals(Phase.SUSPECT, f.keepalive.phase(a.channelId()).orElseThrow());

        f.advance(1);
        f.keepalive.handlePong(a, Fixture.pong(first));

        assertEquals(Phase.HEALTHY, f.keepalive.phase(a.channelId()).orElseThrow());
        assertEquals(Duration.ofSeconds(11), f.keepalive.lastRtt(a.channelId()).orElseThrow());
        f.runAfter(9); // 50 s
        assertTrue(a.disconnects.isEmpty());
    }

    @Test
    void aPingFromThePeerAlsoClearsTheSuspicion() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        f.runAfter(30);
        f.runAfter(10);
        f.keepalive.handlePing(a, Fixture.ping("0123456789abcdef", 1));
        assertEquals(Phase.HEALTHY, f.keepalive.phase(a.channelId()).orElseThrow());
    }

    @Test
    void theStateOfClosedChannelsIsForgotten() {
        TestChannel a = f.open('a');
        TestChannel b = f.open('b');
        TestChannel c = f.open('c');
        f.keepalive.run();
        f.runAfter(30); // all three pinged: outstanding nonces held
        f.keepalive.handlePing(b, Fixture.ping("0123456789abcdef", 1));
        f.keepalive.handlePing(c, Fixture.ping("0123456789abcdef", 1));
        assertEquals(3, f.keepalive.stats().tracked());
        assertEquals(2, f.keepalive.answerWindows());

        f.network.open.remove(b);
        f.network.open.remove(c);
        f.runAfter(1);

        assertEquals(1, f.keepalive.stats().tracked());
        assertTrue(f.keepalive.phase(b.channelId()).isEmpty());
        assertTrue(f.keepalive.phase(c.channelId()).isEmpty());
        assertEquals(0, f.keepalive.answerWindows());
        assertTrue(f.keepalive.phase(a.channelId()).isPresent());

        f.network.open.remove(a);
        f.runAfter(1);
        assertEquals(0, f.keepalive.stats().tracked());
    }

    @Test
    void aClosedChannelStillListedIsLeftAlone() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        a.disconnect(DisconnectReason.REQUESTED, "bye");
        f.runAfter(60);
        f.runAfter(60);
        assertEquals(0, a.sent.size());
        assertEquals(1, a.disconnects.size());
    }

    @Test
    void eachRunStartsAtMostABoundedNumberOfFirstPings() {
        int n = Keepalive.MAX_FIRST_PINGS_PER_RUN + 88;
        List<TestChannel> channels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestChannel c = new TestChannel("tcp-" + i, PeerId.parse(String.format("%064x", i + 1)), f.clock);
            channels.add(c);
            f.network.open.add(c);
        }
        f.keepalive.run();
        f.runAfter(30);
        assertEquals(Keepalive.MAX_FIRST_PINGS_PER_RUN, f.keepalive.stats().pingsSent());
        f.runAfter(5);
        assertEquals(n, f.keepalive.stats().pingsSent(), "the rest are pinged by the next run");
        assertTrue(channels.stream().allMatch(c -> c.sent(PacketTypes.PING).size() == 1));
    }

    @Test
    void newSettingsApplyAtTheNextRun() {
        TestChannel a = f.open('a');
        f.keepalive.run();
        f.keepalive.settings(TestConfig.settings(KeepaliveSettings.IDLE_SECONDS, 5, KeepaliveSettings.TIMEOUT_SECONDS, 2));
        f.runAfter(5);
        assertEquals(1, a.sent(PacketTypes.PING).size());
        f.runAfter(2);
        assertEquals(2, a.sent(PacketTypes.PING).size());
        f.runAfter(2);
        assertEquals("no answer to 2 keepalive pings within 2 s", a.disconnects.get(0).message());
    }

    @Test
    void aChannelSeenFirstTakesItsLastActivityOnce() {
        TestChannel a = f.open('a');
        f.advance(25); // opened (and last active) 25 s before the routine first sees it
        f.keepalive.run();
        f.runAfter(5);
        assertEquals(1, a.sent(PacketTypes.PING).size(), "pinged 30 s after its last activity");
    }

    /**
     * A peer freezes right after sending its last packet, just after a run (the worst case): its
     * channel is closed within the documented bound, idleSeconds + 2 x timeoutSeconds +
     * checkIntervalSeconds when both are whole multiples of the interval.
     */
    @ParameterizedTest(name = "idle {0} s, timeout {1} s, every {2} s: closed within {3} s")
    @CsvSource({"30, 10, 5, 55", "1, 1, 1, 4", "60, 20, 10, 110", "7, 3, 5, 25", "30, 10, 30, 120"})
    void aFrozenPeerIsClosedWithinTheBound(int idle, int timeout, int interval, int boundSeconds) {
        Fixture g = new Fixture(KeepaliveSettings.IDLE_SECONDS, idle, KeepaliveSettings.TIMEOUT_SECONDS, timeout,
                KeepaliveSettings.CHECK_INTERVAL_SECONDS, interval);
        Duration bound = g.keepalive.settings().detectionBound();
        assertEquals(Duration.ofSeconds(boundSeconds), bound);
        TestChannel a = g.open('a');
        g.keepalive.run();
        g.clock.advance(Duration.ofMillis(1));
        Instant lastReceived = g.clock.instant();
        a.received(lastReceived); // then frozen: nothing ever again
        g.clock.advance(Duration.ofSeconds(interval).minusMillis(1));
        while (a.disconnects.isEmpty()) {
            g.keepalive.run();
            if (a.disconnects.isEmpty()) {
                g.clock.advance(Duration.ofSeconds(interval));
            }
            assertFalse(Duration.between(lastReceived, g.clock.instant()).compareTo(bound.plusSeconds(interval)) > 0,
                    "still open well past the bound");
        }
        Duration took = Duration.between(lastReceived, g.clock.instant());
        assertTrue(took.compareTo(bound) <= 0, "closed after " + took + ", bound " + bound);
        assertTrue(took.compareTo(Duration.ofSeconds(idle + 2L * timeout)) >= 0,
                "never before idle + 2 x timeout: " + took);
    }
}
