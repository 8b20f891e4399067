package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.data.ReceivedFile;
import org.p2pnet.api.data.TransferInfo;
import org.p2pnet.api.data.TransferInfo.State;
import org.p2pnet.api.packet.DataFormat;

/** p2p:transfers, p2p:transfer-cancel and p2p:files against a fake data service. */
class DataCommandsTest extends CommandTestSupport {
    private static final Instant AT = Instant.parse("2026-11-21T10:15:30Z");
    private static final long MIB = 1024 * 1024;
    private static final String SHA = "ab".repeat(32);

    private final FakeDataTransfers data = new FakeDataTransfers();

    private void twoTransfers() {
        data.listed.add(new TransferInfo("t-running-0123456789", Peers.BOB, TransferInfo.Direction.OUTGOING,
                DataFormat.FILE, "big.iso", 100 * MIB, 25 * MIB, State.RUNNING, AT, AT, 5 * MIB, SHA, ""));
        data.listed.add(new TransferInfo("t-done-9876543210", Peers.ALICE, TransferInfo.Direction.INCOMING,
                DataFormat.FILE, "evil\u001b[2J.txt", 10, 10, State.DONE, AT, AT, 0, SHA, "stored as evil.txt"));
    }

    private TransfersCommand transfers() {
        TransfersCommand command = wired(new TransfersCommand());
        command.transfers = data;
        return command;
    }

    private TransferCancelCommand cancel(String id) {
        TransferCancelCommand command = wired(new TransferCancelCommand());
        command.transfers = data;
        command.id = id;
        return command;
    }

    private FilesCommand files() {
        FilesCommand command = wired(new FilesCommand());
        command.transfers = data;
        return command;
    }

    @Test
    void listsTransfersWithProgressStateAndRate() throws Exception {
        twoTransfers();

        String text = run(transfers());

        assertTrue(text.contains("Direction") && text.contains("Transferred") && text.contains("Rate"), text);
        assertTrue(text.indexOf("t-running-01") < text.indexOf("t-done-98765"), text);
        assertTrue(text.contains("25.0 MiB / 100.0 MiB") && text.contains("5.0 MiB/s") && text.contains("RUNNING"),
                text);
        assertTrue(text.contains("evil?[2J.txt") && !text.contains("\u001b"), text);
        assertTrue(text.contains("stored as evil.txt"), text);
    }

    @Test
    void listsTransfersAsJson() throws Exception {
        twoTransfers();

        JsonNode json = runJson(transfers());

        assertEquals(List.of("id", "peer", "direction", "format", "name", "percent", "transferred", "total", "state",
                "rate", "startedAt", "updatedAt", "sha256", "detail"), fieldNames(json.get(0)));
        JsonNode first = json.get(0);
        assertEquals("t-running-0123456789", first.get("id").asText());
        assertEquals(Peers.BOB.value(), first.get("peer").asText());
        assertEquals("OUTGOING", first.get("direction").asText());
        assertEquals(25, first.get("percent").asInt());
        assertEquals(25 * MIB, first.get("transferred").asLong());
        assertEquals(100 * MIB, first.get("total").asLong());
        assertEquals(5 * MIB, first.get("rate").asLong());
        assertEquals("2026-11-21T10:15:30Z", first.get("startedAt").asText());
        assertEquals("INCOMING", json.get(1).get("direction").asText());
    }

    @Test
    void saysWhenThereAreNoTransfers() throws Exception {
        assertTrue(run(transfers()).contains("no transfers"));
    }

    @Test
    void rejectsABadLimit() {
        TransfersCommand command = transfers();
        command.limit = 0;
        assertEquals("--limit must be at least 1, got 0", userErrorOf(command));
    }

    @Test
    void cancelsATransferByAUniquePrefix() throws Exception {
        twoTransfers();

        String text = run(cancel("t-run")).trim();

        assertEquals(List.of("t-running-0123456789"), data.cancelled);
        assertEquals("cancelled transfer t-running-0123456789 (big.iso, to b0b000000000, at 25%)", text);
    }

    @Test
    void refusesToCancelWhatCannotBe() {
        twoTransfers();

        assertEquals("'t-' matches 2 transfers: t-running-01, t-done-98765", userErrorOf(cancel("t-")));
        assertEquals("no transfer 'x-1'; p2p:transfers lists them", userErrorOf(cancel("x-1")));
        assertEquals("transfer t-done-9876543210 has already ended (DONE)", userErrorOf(cancel("t-done")));
        assertEquals("give a transfer id; p2p:transfers lists them", userErrorOf(cancel(" ")));
        assertTrue(data.cancelled.isEmpty());
        data.cancelResult = false;
        assertEquals("transfer t-running-0123456789 could not be cancelled: it ended meanwhile",
                userErrorOf(cancel("t-running-0123456789")));
    }

    @Test
    void listsReceivedFiles() throws Exception {
        data.files.add(new ReceivedFile("report.pdf", Path.of("/data/p2pnet/files/report.pdf"), 3 * MIB / 2, SHA,
                Peers.ALICE, AT));

        String text = run(files());

        assertTrue(text.contains("report.pdf") && text.contains("1.5 MiB"), text);
        assertTrue(text.contains("abababababababab ") && !text.contains(SHA), "a 16-digit prefix: " + text);
        assertTrue(text.contains(Peers.ALICE.shortForm()) && text.contains(TextOutput.time(AT)), text);
    }

    @Test
    void listsReceivedFilesAsJson() throws Exception {
        data.files.add(new ReceivedFile("report.pdf", Path.of("/data/p2pnet/files/report.pdf"), 1234, SHA,
                Peers.ALICE, AT));

        JsonNode json = runJson(files());

        assertEquals(List.of("name", "path", "size", "sha256", "from", "receivedAt"), fieldNames(json.get(0)));
        assertEquals(1234, json.get(0).get("size").asLong());
        assertEquals(SHA, json.get(0).get("sha256").asText());
        assertEquals(Peers.ALICE.value(), json.get(0).get("from").asText());
        assertEquals("2026-11-21T10:15:30Z", json.get(0).get("receivedAt").asText());
        assertFalse(run(files()).isEmpty());
    }

    @Test
    void saysWhenNoFileWasReceived() throws Exception {
        assertTrue(run(files()).contains("no files received"));
    }

    @Test
    void explainsWhenTheDataBundleIsNotRunning() {
        TransfersCommand t = transfers();
        t.transfers = null;
        assertEquals(DataOutput.NO_DATA, userErrorOf(t));
        TransferCancelCommand c = cancel("t-1");
        c.transfers = null;
        assertEquals(DataOutput.NO_DATA, userErrorOf(c));
        FilesCommand f = files();
        f.transfers = null;
        assertEquals(DataOutput.NO_DATA, userErrorOf(f));
    }

    @Test
    void aDoneTransferShowsItsAverageRateAndAnEndedOneNoRate() {
        TransferInfo done = new TransferInfo("t-avg", Peers.BOB, TransferInfo.Direction.OUTGOING,
                org.p2pnet.api.packet.DataFormat.FILE, "big.bin", 40 * MIB, 40 * MIB, TransferInfo.State.DONE, AT,
                AT.plusSeconds(4), 0, SHA, "delivered");
        assertTrue(DataOutput.progressLine(done).contains(" 10.0 MiB/s avg ETA "), DataOutput.progressLine(done));
        TransferInfo failed = new TransferInfo("t-fail", Peers.BOB, TransferInfo.Direction.OUTGOING,
                org.p2pnet.api.packet.DataFormat.FILE, "big.bin", 40 * MIB, MIB, TransferInfo.State.FAILED, AT,
                AT.plusSeconds(4), 0, SHA, "refused");
        assertTrue(DataOutput.progressLine(failed).contains(" - ETA "), DataOutput.progressLine(failed));
    }
}
