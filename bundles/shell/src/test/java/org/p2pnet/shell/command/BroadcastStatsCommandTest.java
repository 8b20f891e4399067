package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** p2p:broadcast-stats against a fake broadcast service. */
class BroadcastStatsCommandTest extends CommandTestSupport {
    private final FakeBroadcasts broadcasts = new FakeBroadcasts();

    private BroadcastStatsCommand command(boolean json) {
        BroadcastStatsCommand command = wired(new BroadcastStatsCommand());
        command.broadcasts = broadcasts;
        command.json = json;
        return command;
    }

    @Test
    void showsTheCounters() throws Exception {
        broadcasts.delivered = 4;

        String text = run(command(false));

        assertTrue(text.contains("Delivered  : 4"), text);
        assertTrue(text.contains("Duplicates : 0") && text.contains("Relayed") && text.contains("Refused"), text);
    }

    @Test
    void jsonHasEveryCounter() throws Exception {
        broadcasts.delivered = 2;

        String text = run(command(true));

        var node = new ObjectMapper().readTree(text.substring(text.indexOf('{')));
        assertEquals(2, node.get("delivered").asInt());
        for (String field : new String[] {"originated", "duplicates", "relayed", "refused"}) {
            assertTrue(node.has(field), field + " in " + text);
        }
    }

    @Test
    void saysWhenTheBroadcastBundleIsNotRunning() {
        BroadcastStatsCommand command = command(false);
        command.broadcasts = null;

        Exception e = assertThrows(Exception.class, () -> run(command));
        assertTrue(e.getMessage().contains("broadcast bundle is not running"), e.getMessage());
    }
}
