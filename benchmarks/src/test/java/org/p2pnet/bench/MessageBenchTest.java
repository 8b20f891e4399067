package org.p2pnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@link MessageBench}: a --quick run of all four systems (each in its child JVM)
 * writes messages.json with every figure of every system, each with one positive value.
 */
class MessageBenchTest {
    private static final List<String> SYSTEMS = List.of("p2pnet (plaintext)", "p2pnet (TLS 1.3)",
            "JGroups 5.4 (TCP)", "raw socket (same framing)");

    @Test
    void quickRunWritesEveryFigure(@TempDir Path out) throws Exception {
        assertEquals(0, MessageBench.run(new String[] {"--quick", "--out", out.toString()}));
        Path file = out.resolve("messages.json");
        assertTrue(Files.exists(file), "messages.json written");
        Results.Bench bench = Results.read(file);
        assertEquals("messages", bench.name());
        for (String system : SYSTEMS) {
            for (String quantity : List.of(MessageBench.RATE, MessageBench.P50, MessageBench.P99, MessageBench.P999)) {
                Results.Figure f = bench.figure(quantity, system);
                assertEquals(1, f.runs().size(), quantity + " of " + system);
                assertTrue(f.runs().get(0) > 0, quantity + " of " + system + " is positive: " + f.runs());
            }
            assertTrue(bench.figure(MessageBench.RATE, system).higherIsBetter());
            assertFalse(bench.figure(MessageBench.P99, system).higherIsBetter());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> chart = (Map<String, Object>) bench.extra().get("latencyPercentilesMicros");
        assertEquals(SYSTEMS.size(), chart.size(), "a latency chart per system");
        assertFalse(bench.setup().isEmpty());
    }

    @Test
    void rejectsUnknownArguments() {
        assertEquals(2, MessageBench.run(new String[] {"--no-such-option"}));
        assertEquals(2, MessageBench.run(new String[] {"--systems", "carrier-pigeon", "--out", "x"}));
        assertEquals(0, MessageBench.run(new String[] {"--help"}));
    }
}
