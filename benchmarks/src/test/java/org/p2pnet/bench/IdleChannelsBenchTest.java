package org.p2pnet.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of {@link IdleChannelsBench}: --quick opens 200 idle channels on a node JVM in each
 * mode and writes every figure, with positive values and all 200 channels held.
 */
class IdleChannelsBenchTest {
    @Test
    @Timeout(90)
    void quickRunWritesEveryFigure(@TempDir Path dir) throws Exception {
        Path file = IdleChannelsBench.run(new String[] {"--quick", "--out", dir.toString()});
        assertNotNull(file);
        Results.Bench bench = Results.read(file);
        assertEquals(IdleChannelsBench.NAME, bench.name());
        for (String system : List.of(IdleChannelsBench.PLAINTEXT, IdleChannelsBench.TLS)) {
            for (String quantity : List.of(IdleChannelsBench.HEAP_PER_CHANNEL, "heap used with 200 channels (MiB)",
                    IdleChannelsBench.OPENED_PER_SECOND, IdleChannelsBench.HELD)) {
                Results.Figure figure = bench.figure(quantity, system);
                assertEquals(1, figure.runs().size(), quantity + " of " + system);
                assertTrue(figure.min() > 0, quantity + " of " + system + " is positive: " + figure.runs());
            }
            assertEquals(200.0, bench.figure(IdleChannelsBench.HELD, system).min(), "every channel held, " + system);
        }
    }

    @Test
    void helpPrintsUsageAndWritesNothing() throws Exception {
        assertEquals(null, IdleChannelsBench.run(new String[] {"--help"}));
    }
}
