package org.p2pnet.shell.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.p2pnet.api.ChannelDirection;
import org.p2pnet.api.PeerId;
import org.p2pnet.api.trust.BlockEntry;
import org.p2pnet.testing.FakePeerChannel;

/** p2p:block, p2p:unblock and p2p:blocklist against a fake block list. */
class BlockCommandTest extends CommandTestSupport {
    private final FakeBlockList blockList = new FakeBlockList();

    private BlockCommand block(String target, String... trailing) {
        BlockCommand command = wired(new BlockCommand());
        command.blockList = blockList;
        command.target = target;
        command.trailing = trailing.length == 0 ? null : List.of(trailing);
        return command;
    }

    private UnblockCommand unblock(String target) {
        UnblockCommand command = wired(new UnblockCommand());
        command.blockList = blockList;
        command.target = target;
        return command;
    }

    private BlocklistShowCommand list() {
        BlocklistShowCommand command = wired(new BlocklistShowCommand());
        command.blockList = blockList;
        return command;
    }

    @Test
    void blocksAnAddressOrRangeWithItsNote() throws Exception {
        assertEquals("blocked address 10.0.0.0/8 (scanners)", run(block("10.0.0.0/8", "--note", "scanners")).trim());
        assertEquals(new BlockEntry(BlockEntry.Kind.ADDRESS, "10.0.0.0/8", "scanners", FakeBlockList.SINCE),
                blockList.entries.get(0));
    }

    @Test
    void blocksAPeerByAUniquePrefixSayingWhichKind() throws Exception {
        network.channels.add(new FakePeerChannel(Peers.BOB, "192.0.2.8:7700", ChannelDirection.OUTBOUND));
        BlockCommand command = block("b0b0");
        command.note = "spam";

        assertEquals("blocked peer " + Peers.BOB.value() + " (spam)", run(command).trim());
        assertEquals(BlockEntry.Kind.PEER, blockList.entries.get(0).kind());
    }

    @Test
    void blocksAnUnknownPeerByItsFullId() throws Exception {
        PeerId stranger = FakePeerChannel.peer('e');
        assertEquals("blocked peer " + stranger.value(), run(block(stranger.value())).trim());
    }

    @Test
    void rejectsMistakesWithTheirReason() {
        network.channels.add(new FakePeerChannel(Peers.ABCD_1, "192.0.2.9:7700", ChannelDirection.INBOUND));
        network.channels.add(new FakePeerChannel(Peers.ABCD_2, "192.0.2.10:7700", ChannelDirection.INBOUND));

        assertTrue(userErrorOf(block("abcd")).contains("matches 2 peers"));
        assertEquals("'example.com' is not an IP address or CIDR range", userErrorOf(block("example.com")));
        assertEquals("unexpected 'now' after the target; use: p2p:block <target> [--note TEXT]",
                userErrorOf(block("10.0.0.1", "now")));
        assertTrue(userErrorOf(block("z".repeat(64))).contains("not an IP address, CIDR range or peer id"));
        blockList.refuseChanges = "the block list cannot be changed: the file is unreadable";
        assertEquals(blockList.refuseChanges, userErrorOf(block("10.0.0.1")));
        assertTrue(blockList.entries.isEmpty());
    }

    @Test
    void unblocksAddressesAndBlockedPeersEvenWhenTheyAreNoLongerKnown() throws Exception {
        blockList.blockAddress("192.0.2.7", "");
        blockList.blockPeer(Peers.ALICE, "");

        assertEquals("unblocked address 192.0.2.7", run(unblock("192.0.2.7")).trim());
        UnblockCommand peer = unblock("a11c");
        String printed = run(peer).trim();
        assertTrue(printed.endsWith("\nunblocked peer " + Peers.ALICE.value()), printed);
        assertTrue(blockList.entries.isEmpty());
    }

    @Test
    void unblockingWhatIsNotBlockedIsAMistake() {
        assertEquals("address 192.0.2.7 is not on the block list (p2p:blocklist shows it)",
                userErrorOf(unblock("192.0.2.7")));
    }

    @Test
    void listsEntriesAsATableAndAsJson() throws Exception {
        blockList.blockAddress("2001:db8::/32", "lab");
        blockList.blockPeer(Peers.BOB, "");

        String text = run(list());
        assertTrue(text.contains("Kind") && text.contains("Value") && text.contains("Note") && text.contains("Since"),
                text);
        assertTrue(text.contains("ADDRESS") && text.contains("2001:db8::/32") && text.contains("lab"), text);
        assertTrue(text.contains("PEER") && text.contains(Peers.BOB.value()), text);
    }

    @Test
    void listsJsonWithStableFieldNames() throws Exception {
        blockList.blockAddress("10.0.0.0/8", "lab");

        JsonNode json = runJson(list());

        assertEquals(List.of("entries"), fieldNames(json));
        JsonNode entry = json.get("entries").get(0);
        assertEquals(List.of("kind", "value", "note", "since"), fieldNames(entry));
        assertEquals("ADDRESS", entry.get("kind").asText());
        assertEquals("2026-11-21T09:15:00Z", entry.get("since").asText());
    }

    @Test
    void anEmptyListSaysSo() throws Exception {
        assertTrue(run(list()).contains("nothing is blocked"));
    }

    @Test
    void explainsWhenTheTrustBundleIsNotRunning() {
        BlockCommand b = block("10.0.0.1");
        b.blockList = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(b));
        UnblockCommand u = unblock("10.0.0.1");
        u.blockList = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(u));
        BlocklistShowCommand l = list();
        l.blockList = null;
        assertEquals(BlockListCommand.NO_TRUST, userErrorOf(l));
    }
}
