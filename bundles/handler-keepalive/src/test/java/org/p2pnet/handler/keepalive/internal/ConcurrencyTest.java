package org.p2pnet.handler.keepalive.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.p2pnet.api.packet.PacketTypes;

/** Network threads calling the handlers while the routine runs and channels come and go. */
class ConcurrencyTest {
    @Test
    void handlersRacingTheRoutineLoseNoPingAndNeverFail() throws Exception {
        Fixture f = new Fixture();
        List<TestChannel> channels = new ArrayList<>();
        for (char c : "abcdef01".toCharArray()) {
            channels.add(f.open(c));
        }
        int threads = 4;
        int pingsEach = 2000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                work.add(pool.submit(() -> {
                    for (int i = 0; i < pingsEach; i++) {
                        TestChannel c = channels.get((i + offset) % channels.size());
                        f.keepalive.handlePing(c, Fixture.ping("0123456789abcdef", i));
                        f.keepalive.handlePong(c, Fixture.pong("fedcba9876543210"));
                    }
                }));
            }
            for (int run = 0; run < 200; run++) {
                f.clock.advance(Duration.ofMillis(700));
                if (run % 50 == 25) {
                    f.network.open.remove(channels.get(run % channels.size())); // closes now and then
                }
                channels.forEach(c -> c.received(f.clock.instant())); // alive: the routine closes none
                f.keepalive.run();
            }
            for (Future<?> w : work) {
                w.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        KeepaliveStats s = f.keepalive.stats();
        long pongsSent = channels.stream().mapToLong(c -> c.sent(PacketTypes.PONG).size()).sum();
        assertEquals((long) threads * pingsEach, s.pingsAnswered() + f.keepalive.ignored(Ignored.PING_FLOOD),
                "every PING answered or counted as flood");
        assertEquals(s.pingsAnswered(), pongsSent);
        assertEquals((long) threads * pingsEach, f.keepalive.ignored(Ignored.UNMATCHED_PONG));
        assertEquals(0, f.keepalive.ignored(Ignored.HANDLER_FAILURE));
    }
}
