package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.p2pnet.api.data.TransferInfo.State;
import org.p2pnet.testing.Conditions;

/** p2p:send-file against a fake data service whose transfers follow scripts. */
class SendFileCommandTest extends CommandTestSupport {
    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;
    private Path file;
    private final FakeDataTransfers data = new FakeDataTransfers();

    @BeforeEach
    void aFileAndTwoPeers() throws Exception {
        file = Files.write(dir.resolve("report.bin"), new byte[1024]);
        network.knownPeers.add(Peers.known(Peers.ALICE));
        network.knownPeers.add(Peers.known(Peers.BOB));
    }

    private SendFileCommand command(String... words) {
        SendFileCommand command = wired(new SendFileCommand());
        command.transfers = data;
        command.words = words.length == 0 ? null : List.of(words);
        command.refreshMillis = 1;
        command.terminalOutput = false;
        return command;
    }

    private void scriptOneTransfer(String id, State end) {
        data.script(id,
                FakeDataTransfers.info(id, Peers.BOB, 0, State.QUEUED, 0, "waiting for a slot"),
                FakeDataTransfers.info(id, Peers.BOB, 0, State.RUNNING, 0, ""),
                FakeDataTransfers.info(id, Peers.BOB, 4 * MIB + 512 * 1024, State.RUNNING, 2 * MIB, ""),
                FakeDataTransfers.info(id, Peers.BOB, 4 * MIB + 800 * 1024, State.RUNNING, 2 * MIB, ""),
                FakeDataTransfers.info(id, Peers.BOB, end == State.DONE ? FakeDataTransfers.SIZE : 6 * MIB, end, 0,
                        end == State.DONE ? "stored as report.bin" : "peer refused: disk full"));
    }

    @Test
    void sendsToOnePeerAndShowsProgressLinesUntilDone() throws Exception {
        scriptOneTransfer("t-0001-aaaaaaaaaaaa", State.DONE);

        String text = run(command("b0b0", file.toString()));

        assertEquals(List.of(new FakeDataTransfers.SendRequest(Peers.BOB, file)), data.sent);
        List<String> lines = text.lines().toList();
        assertEquals("sending report.bin (10.0 MiB) to 1 peer", lines.get(0));
        assertTrue(lines.get(1).contains("QUEUED: waiting for a slot"), text);
        assertTrue(lines.stream().anyMatch(l -> l.contains("RUNNING") && l.contains("  0%")), text);
        String running = lines.stream().filter(l -> l.contains(" 45%")).findFirst().orElseThrow(() -> new AssertionError(text));
        assertTrue(running.startsWith("t-0001-aaaaa -> b0b000000000 [#########-----------]"), running);
        assertTrue(running.contains("4.5 MiB/10.0 MiB 2.0 MiB/s ETA 0:03 RUNNING"), running);
        assertFalse(text.contains(" 46%") || text.contains(" 47%"), "not re-printed within a 10 % step: " + text);
        assertTrue(text.contains("100% 10.0 MiB/10.0 MiB - ETA 0:00 DONE: stored as report.bin"), text);
        assertEquals("done: 1 transfer verified", lines.get(lines.size() - 1));
        assertFalse(text.contains("\r") || text.contains("\u001b"), "no terminal control in line mode");
    }

    @Test
    void redrawsOneLineInPlaceOnATerminal() throws Exception {
        scriptOneTransfer("t-0001-aaaaaaaaaaaa", State.DONE);
        SendFileCommand command = command("b0b0", file.toString());
        command.terminalOutput = true;

        String text = run(command);

        assertTrue(text.contains("\r") && text.contains("\u001b[K"), text);
        assertFalse(text.contains("\u001b[1A"), "one transfer: \\r only");
        assertTrue(text.contains("DONE: stored as report.bin\u001b[K\n"), "the final line ends the display");
    }

    @Test
    void sendsToEveryTrustedPeerWithOneRedrawnLineEach() throws Exception {
        data.script("t-a", FakeDataTransfers.info("t-a", Peers.ALICE, 0, State.RUNNING, 0, ""),
                FakeDataTransfers.info("t-a", Peers.ALICE, FakeDataTransfers.SIZE, State.DONE, 0, ""));
        data.script("t-b", FakeDataTransfers.info("t-b", Peers.BOB, 0, State.RUNNING, 0, ""),
                FakeDataTransfers.info("t-b", Peers.BOB, MIB, State.RUNNING, MIB, ""),
                FakeDataTransfers.info("t-b", Peers.BOB, FakeDataTransfers.SIZE, State.DONE, 0, ""));
        SendFileCommand command = command(file.toString(), "--all-trusted");
        command.terminalOutput = true;

        String text = run(command);

        assertEquals(List.of(file), data.distributed);
        assertTrue(text.startsWith("sending report.bin (10.0 MiB) to 2 peers"), text);
        assertTrue(text.contains("\u001b[2A"), "the cursor goes back over both lines: " + text);
        assertTrue(text.endsWith("done: 2 transfers verified\n"), text);
    }

    @Test
    void failsWithTheReasonWhenATransferDoesNotComplete() {
        scriptOneTransfer("t-0002", State.FAILED);
        SendFileCommand command = command("b0b0", file.toString());

        String message = assertThrows(CommandException.class, command::execute).getMessage();

        assertEquals("1 of 1 transfer did not complete: b0b000000000 FAILED (peer refused: disk full)", message);
    }

    @Test
    void noWaitStartsAndReturns() throws Exception {
        scriptOneTransfer("t-0003", State.DONE);

        String text = run(command("--no-wait", "b0b0", file.toString()));

        assertEquals("sending report.bin (10.0 MiB) to 1 peer\ntransfer t-0003 to b0b000000000: QUEUED\n"
                + "p2p:transfers shows their progress\n", text);
        SendFileCommand before = command("b0b0", file.toString());
        before.noWait = true;
        assertTrue(run(before).contains("p2p:transfers shows their progress"));
    }

    @Test
    void ctrlCStopsWaitingButNotTheTransfer() throws Exception {
        data.script("t-0004", FakeDataTransfers.info("t-0004", Peers.BOB, MIB, State.RUNNING, MIB, ""));
        SendFileCommand command = command("b0b0", file.toString());
        command.refreshMillis = 20;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        Thread shell = new Thread(() -> {
            try {
                command.execute();
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        shell.start();
        Conditions.await("progress shown", Duration.ofSeconds(10),
                () -> printed.toString(StandardCharsets.UTF_8).contains("RUNNING"));
        shell.interrupt();
        shell.join(10_000);

        assertFalse(shell.isAlive());
        assertTrue(printed.toString(StandardCharsets.UTF_8).endsWith(SendFileCommand.STOPPED_WAITING + "\n"));
        assertTrue(data.cancelled.isEmpty(), "the transfer goes on");
    }

    @Test
    void rejectsBadArgumentsBeforeSending() throws Exception {
        scriptOneTransfer("t-0005", State.DONE);
        assertEquals("give either a peer or --all-trusted, not both; use: " + SendFileCommand.USAGE,
                userErrorOf(command("--all-trusted", "b0b0", file.toString())));
        assertEquals("give the peer and the path, or --all-trusted and the path; use: " + SendFileCommand.USAGE,
                userErrorOf(command(file.toString())));
        assertEquals("expected a peer and a path; use: " + SendFileCommand.USAGE,
                userErrorOf(command("b0b0", file.toString(), "extra")));
        assertEquals("expected a peer and a path; use: " + SendFileCommand.USAGE, userErrorOf(command()));
        Path missing = dir.resolve("nope.bin");
        assertEquals("no such file: " + missing, userErrorOf(command("b0b0", missing.toString())));
        assertEquals(dir + " is a directory; give a file", userErrorOf(command("b0b0", dir.toString())));
        assertEquals("'\u0000x' is not a valid path: Nul character not allowed",
                userErrorOf(command("b0b0", "\u0000x")).replace("?", "\u0000"));
        assertTrue(userErrorOf(command("c0c0", file.toString())).startsWith("no known peer or open channel matches"));
        assertTrue(data.sent.isEmpty() && data.distributed.isEmpty());
    }

    @Test
    void reportsTheServiceRefusal() {
        scriptOneTransfer("t-0006", State.DONE);
        data.refusal = new IllegalStateException("peer b0b000000000 has no open channel at ENHANCED");

        assertEquals("cannot send " + file + " to b0b000000000: peer b0b000000000 has no open channel at ENHANCED",
                userErrorOf(command("b0b0", file.toString())));
        data.refusal = new IllegalStateException("no channel is at ENHANCED");
        assertEquals("cannot send " + file + ": no channel is at ENHANCED",
                userErrorOf(command("--all-trusted", file.toString())));
    }

    @Test
    void explainsWhenTheDataBundleIsNotRunning() {
        SendFileCommand command = command("b0b0", file.toString());
        command.transfers = null;

        assertEquals("the data bundle is not running (feature:install p2pnet-handlers)", userErrorOf(command));
    }
}
