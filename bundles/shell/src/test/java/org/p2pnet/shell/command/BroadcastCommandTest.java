package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/** p2p:broadcast against a fake broadcast service. */
class BroadcastCommandTest extends CommandTestSupport {
    private final FakeBroadcasts broadcasts = new FakeBroadcasts();

    private BroadcastCommand command(String title, String... words) {
        BroadcastCommand command = wired(new BroadcastCommand());
        command.broadcasts = broadcasts;
        command.title = title;
        command.words = words.length == 0 ? null : List.of(words);
        return command;
    }

    @Test
    void originatesAndPrintsTheIdAndRecipients() throws Exception {
        String text = run(command("news", "hello", "network")).trim();

        assertEquals(List.of(new FakeBroadcasts.Originated("news", "hello network")), broadcasts.originated);
        assertEquals("broadcast " + FakeBroadcasts.ID + " sent to 3 peers (hop limit 16)", text);
    }

    @Test
    void aBroadcastWithoutTitleToOnePeer() throws Exception {
        broadcasts.recipients = 1;

        String text = run(command(null, "hi")).trim();

        assertEquals(List.of(new FakeBroadcasts.Originated(null, "hi")), broadcasts.originated);
        assertTrue(text.endsWith("sent to 1 peer (hop limit 16)"), text);
    }

    @Test
    void reportsTheServiceRefusal() {
        broadcasts.refusal = new IllegalArgumentException("message is longer than 100 characters (120)");

        assertEquals("cannot broadcast: message is longer than 100 characters (120)",
                userErrorOf(command(null, "x".repeat(120))));
    }

    @Test
    void rejectsAnEmptyText() {
        assertEquals("nothing to broadcast; use: " + BroadcastCommand.USAGE, userErrorOf(command("t")));
    }

    @Test
    void explainsWhenTheBroadcastBundleIsNotRunning() {
        BroadcastCommand command = command(null, "hi");
        command.broadcasts = null;

        assertEquals(BroadcastCommand.NO_BROADCASTS, userErrorOf(command));
        assertTrue(BroadcastCommand.NO_BROADCASTS.contains("feature:install p2pnet-handlers"));
    }
}
