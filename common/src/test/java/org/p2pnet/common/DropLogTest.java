package org.p2pnet.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.helpers.MessageFormatter;

class DropLogTest {
    enum Kind {
        MALFORMED, FLOOD
    }

    private final TestClock clock = new TestClock(Instant.parse("2026-11-21T10:00:00Z"));
    /** The WARN lines logged, formatted. */
    private final List<String> warnings = new ArrayList<>();
    private final Logger log = (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
            (proxy, method, args) -> {
                if (method.getName().equals("warn") && args != null && args.length == 2 && args[1] instanceof Object[] a) {
                    warnings.add(MessageFormatter.arrayFormat((String) args[0], a).getMessage());
                }
                return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
            });

    @Test
    void logsTheFirstAtOnceThenAtMostOnceAMinutePerKind() {
        DropLog<Kind> drops = new DropLog<>(Kind.class, log, clock);

        drops.drop(Kind.MALFORMED, "first");
        drops.drop(Kind.MALFORMED, "second");
        drops.drop(Kind.FLOOD, "other kind");
        clock.advance(Duration.ofSeconds(59));
        drops.drop(Kind.MALFORMED, "third");

        assertEquals(List.of("Ignored one (MALFORMED): first; such input is logged at most once a minute",
                "Ignored one (FLOOD): other kind; such input is logged at most once a minute"), warnings);
        assertEquals(2, drops.lines());

        clock.advance(Duration.ofSeconds(1));
        drops.drop(Kind.MALFORMED, "fourth");

        assertEquals("Ignored 3 in the last minute (MALFORMED): fourth; such input is logged at most once a minute",
                warnings.get(2));
        assertEquals(3, drops.lines());
        assertEquals(4, drops.count(Kind.MALFORMED));
        assertEquals(1, drops.count(Kind.FLOOD));
        assertEquals(Map.of(Kind.MALFORMED, 4L, Kind.FLOOD, 1L), drops.counts());
        assertEquals(List.of(Kind.MALFORMED, Kind.FLOOD), List.copyOf(drops.counts().keySet()), "in declaration order");
    }

    @Test
    void theVerbIsTheConstructors() {
        DropLog<Kind> drops = new DropLog<>(Kind.class, log, clock, "Refused");

        drops.drop(Kind.FLOOD, "too many");

        assertEquals(List.of("Refused one (FLOOD): too many; such input is logged at most once a minute"), warnings);
    }

    @Test
    void aClockThatGoesBackLogsAgain() {
        DropLog<Kind> drops = new DropLog<>(Kind.class, log, clock);
        drops.drop(Kind.FLOOD, "a");

        clock.advance(Duration.ofSeconds(-1));
        drops.drop(Kind.FLOOD, "b");

        assertEquals(2, drops.lines());
        assertEquals(0, drops.count(Kind.MALFORMED));
    }
}
