package org.p2pnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.bench.Results.Bench;
import org.p2pnet.bench.Results.Figure;
import org.p2pnet.bench.jmh.PacketSample;

/**
 * The JMH suite runs end to end in its quick mode (in this JVM, 100 ms per benchmark) and writes a
 * jmh.json with an encode and a decode figure of MESSAGE and verify figures, all positive.
 */
class JmhSuiteTest {
    @Test
    @Timeout(60)
    void quickRunWritesTheFigures(@TempDir Path dir) throws Exception {
        long start = System.nanoTime();
        Path file = JmhSuite.run(new String[] {"--out", dir.toString(), "--quick"});
        assertNotNull(file);
        assertEquals(dir.resolve("jmh.json"), file);

        Bench bench = Results.read(file);
        assertEquals("jmh", bench.name());
        assertPositive(bench.figure(JmhSuite.QUANTITY_ENCODE, PacketSample.MESSAGE.label()));
        assertPositive(bench.figure(JmhSuite.QUANTITY_DECODE, PacketSample.MESSAGE.label()));
        assertTrue(bench.figures().stream().anyMatch(f -> f.quantity().equals(JmhSuite.QUANTITY_VERIFY)),
                "no verify figure: " + bench.figures());
        assertTrue(bench.figures().stream().anyMatch(f -> f.quantity().equals(JmhSuite.QUANTITY_SIGN)),
                "no sign figure: " + bench.figures());
        assertTrue(bench.figures().stream().anyMatch(f -> f.quantity().equals(JmhSuite.QUANTITY_SPLIT)),
                "no frame split figure: " + bench.figures());
        // every packet type has both directions; every figure measured something
        assertEquals(2 * PacketSample.values().length, bench.figures().stream()
                .filter(f -> f.quantity().equals(JmhSuite.QUANTITY_ENCODE) || f.quantity().equals(JmhSuite.QUANTITY_DECODE))
                .count());
        bench.figures().forEach(JmhSuiteTest::assertPositive);
        assertFalse(bench.setup().isEmpty());
        System.err.println("JMH quick run took " + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms");
    }

    private static void assertPositive(Figure figure) {
        assertFalse(figure.runs().isEmpty(), figure + " has no runs");
        figure.runs().forEach(v -> assertTrue(v > 0, figure.quantity() + " / " + figure.system() + " = " + v));
    }
}
